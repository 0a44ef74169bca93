#pragma once
// The moderation component's options and value types, shared by its services
// (moderation_service.h) and their callers.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "moderation/rules.h"
#include "store/store.h"

namespace vitrina::calls {
class CallService;
}

namespace vitrina::moderation {

using base::Result;

struct ModerationOptions {
  SlaPolicy sla;
  std::int64_t lease_ms = 15 * 60'000;                    // idle assignee: case back to the queue
  std::int64_t appeal_window_ms = 180LL * 24 * 3600'000;  // DSA Art. 20: at least six months
  std::string language = "en";                            // cases' routing language (the site's)
  std::string reward_currency = "RUB";
  std::int64_t max_reward = 1'000'000;
  // One honeypot test case in every this-many assignments of a moderator (0: none), at a
  // position in each block drawn from honeypot_seed (docs/quality.md "Honeypots").
  int honeypot_rate = 20;
  std::uint64_t honeypot_seed = 0;
  // Percent of decided complaints cases given blind to a second moderator (0: none).
  int double_review_percent = 5;
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

// What every moderation service works with; owned by ModerationService, outliving the parts.
struct ModerationContext {
  store::Store& store;
  const base::Clock& clock;
  base::Metrics& metrics;
  calls::CallService& calls;
  ModerationOptions options;
};

// The members every part of ModerationService uses, under the names its code reads them by.
class ModerationPart {
 protected:
  explicit ModerationPart(const ModerationContext& ctx)
      : store_(ctx.store), clock_(ctx.clock), metrics_(ctx.metrics), calls_(ctx.calls), options_(ctx.options) {}
  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  calls::CallService& calls_;
  const ModerationOptions& options_;
};

}  // namespace vitrina::moderation
