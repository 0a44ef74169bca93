#pragma once
// The analyst's side of call data (docs/analytics.md "Analysts"): users as stable
// pseudonyms, the call explorer, and (through AnalyticsService) a call's masked analytics.
// Analysts never see user ids, names, e-mails or recordings; every read of call-level data is
// on the audit log. Thread-safe: request workers.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "moderation/moderation_service.h"
#include "store/store.h"

namespace vitrina::speech_analytics {

using base::Result;

// The listing verticals (the listings table's CHECK), for filters and dashboards.
inline constexpr std::array<std::string_view, 4> kVerticals = {"goods", "realty", "auto", "jobs"};

// Stable per user, unlinkable without the key: "u_" + the first 16 hex digits of
// HMAC-SHA-256(key, "user:" + id). The key (analytics.pseudonym_key_file, 32 random bytes made
// on first start, mode 0600) never leaves the server. Rotating it gives every user a new
// pseudonym: earlier exports and notes can no longer be joined with new ones (nor with each
// other through the server).
class Pseudonymizer {
 public:
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}
  std::string Of(store::Id user) const;

 private:
  std::string key_;
};

struct CallListParams {
  std::optional<base::TimeMs> from;  // default: 30 days before `to`
  std::optional<base::TimeMs> to;    // default: now
  std::optional<std::string> vertical;
  std::optional<std::string> category;
  std::optional<std::string> cursor;
  int limit = 50;
};

// What opening a case from a ranking row did (docs/analytics.md "### Opening a case").
struct DetectionCaseOutcome {
  store::Case c;
  store::DetectionCaseItem item;
  bool created = false;      // this request recorded the item (false: the case already held one)
  bool case_opened = false;  // the case is new (false: the user's undecided case was joined)
};

class AnalystService {
 public:
  // `moderation`: how cases are opened and prioritised (the ranking's rows become case items).
  AnalystService(store::Store& store, const base::Clock& clock, Pseudonymizer pseudonyms,
                 moderation::ModerationOptions moderation);

  const Pseudonymizer& pseudonyms() const { return pseudonyms_; }

  // The call explorer: {items: [{call_id, started_at, duration_ms, vertical, outcome, buyer:
  // {pseudonym}, seller: {pseudonym}, talk_ratio_seller, tone_seller, flags: [category...],
  // complaints}], next_cursor}. Outcome: ended | missed | failed | no_show. 400
  // invalid_filter / invalid_cursor. Audited (analytics.calls_listed, with the filter and the
  // number of rows).
  Result<boost::json::object> Calls(const store::User& analyst, const CallListParams& params);

  // The dishonest-user ranking (docs/analytics.md "## Dishonest-user ranking"): every user with
  // a signal over the last `window_days` scored by detection::ScoreUser, ranked, the page after
  // `cursor`: {items: [{pseudonym | user: {id, display_name}, score, reasons: [{code, weight,
  // evidence: [{call_id, start_ms, end_ms}]}]}], next_cursor}. A moderator sees users; an
  // analyst (not a moderator) sees pseudonyms only. 400 invalid_cursor. Audited
  // (analytics.dishonest_listed, with the view and the number of rows).
  Result<boost::json::object> Dishonest(const store::User& viewer, const std::optional<std::string>& cursor,
                                        int limit, int window_days = 180);

  // A moderator opens a case from the user's row of the ranking: in one write transaction the
  // user's score is computed as the ranking computes it now, and it becomes a `detection` item of
  // their undecided case (opened or joined as an automatic flag's would be, with the evidence
  // calls; moderation::FileDetection). Idempotent per undecided case: when it already holds an
  // item, that item is returned (created = false) and nothing is written. 404 user_not_found,
  // 409 no_signal (the user is not in the ranking: score below 0.1 or no reason).
  Result<DetectionCaseOutcome> OpenCase(const store::User& moderator, store::Id user_id, int window_days = 180);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  Pseudonymizer pseudonyms_;
  const moderation::ModerationOptions moderation_;
};

}  // namespace vitrina::speech_analytics
