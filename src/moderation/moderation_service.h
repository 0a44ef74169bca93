#pragma once
// Complaints, cases, routing, decisions, sanctions, rewards, appeals and notifications
// (docs/moderation.md). Every change is one write transaction; decisions and appeals are on
// the audit log in the same transaction. Thread-safe: called from request workers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "calls/call_service.h"
#include "moderation/rules.h"
#include "store/store.h"

namespace vitrina::moderation {

using base::Result;

struct ModerationOptions {
  SlaPolicy sla;
  std::int64_t lease_ms = 15 * 60'000;                    // idle assignee: case back to the queue
  std::int64_t appeal_window_ms = 180LL * 24 * 3600'000;  // DSA Art. 20: at least six months
  std::string language = "en";                            // cases' routing language (the site's)
  std::string reward_currency = "RUB";
  std::int64_t max_reward = 1'000'000;
};

struct TimeRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};

struct ComplaintInput {
  std::optional<std::string> category;
  std::optional<std::string> text;
  std::optional<std::vector<TimeRange>> ranges;
  std::optional<std::string> quote;  // "" clears it on edit
};

struct CaseCall {
  store::Call call;
  std::string listing_title;
};

struct CaseSummary {
  store::Case c;
  std::optional<std::string> action;  // the decision, once decided
};

struct History {
  std::vector<CaseSummary> cases;  // earlier and other cases of the accused
  std::vector<store::Sanction> sanctions;
  std::vector<store::Complaint> complaints_against;  // outside this case
  std::vector<store::Complaint> complaints_by;
};

struct AppealView {
  store::Appeal appeal;
  store::Sanction sanction;
  store::Decision decision;  // the appealed one
};

struct CaseView {
  store::Case c;
  store::User accused;
  std::vector<store::Complaint> complaints;  // quote_match filled in when it can be now
  std::vector<store::Flag> flags;            // automatic flags of speech-analytics rules
  std::vector<store::DetectionCaseItem> detections;  // rows of the dishonest-user ranking
  std::vector<CaseCall> calls;
  std::vector<store::Decision> decisions;
  std::optional<AppealView> appeal;
  History history;
};

struct DecisionInput {
  std::string action;
  std::optional<std::int64_t> days;
  std::string reason;
  std::vector<std::pair<store::Id, TimeRange>> evidence;
  std::optional<std::int64_t> reward;
};

struct DecisionOutcome {
  CaseView view;
  store::Decision decision;
  std::optional<store::Sanction> sanction;
  std::vector<store::Reward> rewards;
};

struct SanctionView {
  store::Sanction sanction;
  std::string evidence = "[]";  // the decision's
  std::optional<store::Appeal> appeal;
  std::optional<std::string> appeal_reason;  // the appeal decision's reason
};

struct QueueSummary {
  int open = 0;
  int assigned = 0;
  int breached = 0;
  int at_risk = 0;
};

struct ModeratorInfo {
  store::ModeratorState state;
  std::vector<std::string> skills;
  std::vector<store::Case> assigned;
};

class ModerationService {
 public:
  ModerationService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                    calls::CallService& calls, ModerationOptions options);

  // --- complaints (participants) ---
  Result<store::Complaint> FileComplaint(const store::User& user, store::Id call_id,
                                         const ComplaintInput& in);
  Result<store::Complaint> EditComplaint(const store::User& user, store::Id complaint_id,
                                         const ComplaintInput& in);
  // The reporter or a moderator.
  Result<store::Complaint> GetComplaint(const store::User& user, store::Id complaint_id);
  Result<std::vector<store::Complaint>> MyComplaints(const store::User& user,
                                                     std::optional<store::Id> before_id, int limit);
  // A participant's own complaints on the call; a moderator's: all of them.
  Result<std::vector<store::Complaint>> CallComplaints(const store::User& user, store::Id call_id);

  // --- routing and cases (moderators) ---
  // nullopt: nothing the moderator may take. Conflict "off_shift", "at_capacity".
  Result<std::optional<CaseView>> Next(const store::User& moderator);
  Result<CaseView> GetCase(const store::User& moderator, store::Id case_id);
  Result<base::TimeMs> Heartbeat(const store::User& moderator, store::Id case_id);
  Result<CaseView> Release(const store::User& moderator, store::Id case_id);
  Result<std::vector<store::Case>> Queue(std::optional<store::QueueCursor> after, int limit);
  Result<QueueSummary> Summary();
  std::string SlaStateOf(const store::Case& c) const;
  Result<ModeratorInfo> Moderator(store::Id user_id);
  // With `by` (the admin, or the moderator themselves) a `moderator.updated` audit entry in the
  // same transaction.
  Result<ModeratorInfo> SetModerator(store::Id user_id, std::optional<bool> on_shift,
                                     std::optional<int> capacity, std::optional<store::Id> by = std::nullopt);

  // --- decisions ---
  // Whether the moderator may decide the case now (who, before what they decide): 404
  // case_not_found, 409 case_decided, 403 not_assignee or conflict_of_interest.
  Result<void> CheckMayDecide(const store::User& moderator, store::Id case_id);
  Result<DecisionOutcome> Decide(const store::User& moderator, store::Id case_id,
                                 const DecisionInput& in);

  // --- sanctions and appeals (the sanctioned user) ---
  Result<std::vector<SanctionView>> Sanctions(const store::User& user);
  Result<store::Appeal> FileAppeal(const store::User& user, store::Id sanction_id,
                                   const std::string& text);

  // The caller's reward ledger entries, newest first.
  Result<std::vector<store::Reward>> Rewards(const store::User& user);

  // --- notifications ---
  Result<std::vector<store::Notification>> Notifications(const store::User& user,
                                                         std::optional<store::Id> before_id, int limit);
  Result<std::int64_t> UnreadNotifications(const store::User& user);
  Result<void> MarkNotificationsRead(const store::User& user, store::Id up_to);

  const ModerationOptions& options() const { return options_; }

 private:
  Result<CaseView> View(store::Tx& tx, const store::Case& c);
  Result<void> Reprioritise(store::Tx& tx, store::Case& c, base::TimeMs now);
  Result<store::Case> LoadAssigned(store::Tx& tx, const store::User& moderator, store::Id case_id,
                                   base::TimeMs now);
  // LoadAssigned, and 403 conflict_of_interest when the moderator is a party to the case.
  Result<store::Case> LoadDecidable(store::Tx& tx, const store::User& moderator, store::Id case_id,
                                    base::TimeMs now);
  Result<DecisionOutcome> DecideComplaints(store::Tx& tx, store::Case& c, const store::User& moderator,
                                           const DecisionInput& in, base::TimeMs now);
  Result<DecisionOutcome> DecideAppeal(store::Tx& tx, store::Case& c, const store::User& moderator,
                                       const DecisionInput& in, base::TimeMs now);
  // Sets the user's account state from their sanctions in force.
  Result<void> ApplyAccountState(store::Tx& tx, store::Id user_id, base::TimeMs now);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  calls::CallService& calls_;
  const ModerationOptions options_;
};

}  // namespace vitrina::moderation
