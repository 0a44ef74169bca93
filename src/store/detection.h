#pragma once
// What the dishonest-user ranking (docs/analytics.md "## Dishonest-user ranking") reads: per
// user with any signal in a window, their sanctions, the complaints against them, the flags on
// their words, their no-shows, and the call counts the scoring weighs them by, as plain rows.
// The store knows nothing of the scoring: `speech_analytics::AnalystService` turns these rows
// into `detection::UserSignals`. Also the case items that rows of the ranking became.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

// A sanction decided against the user (in the window).
struct DetectionSanctionRow {
  std::string kind;    // warn | block | ban
  std::string status;  // active | overturned
  TimeMs created_at = 0;
  std::vector<Id> call_ids;  // the calls its decision cites
};

// A complaint against the user (filed in the window).
struct DetectionComplaintRow {
  Id reporter_id = 0;
  std::string category;
  std::string status;  // open | in_review | upheld | dismissed
  Id call_id = 0;
  // The complaint's first range, else its quote's match, else [0, 0] (the whole call).
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

// An automatic flag on the user's words, in a call of the window.
struct DetectionFlagRow {
  Id rule_id = 0;
  std::string category;
  std::string severity;  // info | warn | high
  std::string review;    // correct | wrong | "" (not reviewed)
  Id counterpart_id = 0;  // the other party of the call
  Id call_id = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

struct DetectionUserRows {
  Id user_id = 0;
  TimeMs created_at = 0;       // the account's
  std::int64_t calls = 0;      // ended calls in the window with the user in them
  std::vector<Id> first_call_ids;  // the account's first ended calls ever (up to 5), in time order
  std::vector<DetectionSanctionRow> sanctions;
  std::vector<DetectionComplaintRow> complaints;
  std::vector<DetectionFlagRow> flags;
  std::vector<Id> no_show_call_ids;  // accepted calls of the window that named them in no_show
};

// A row of the ranking a moderator opened a case from (docs/analytics.md "### Opening a case"),
// as it was at that moment: an item of the case beside its complaints and flags.
struct DetectionCaseItem {
  Id id = 0;
  Id case_id = 0;
  Id user_id = 0;    // the ranked user (the case's accused)
  Id opened_by = 0;  // the moderator
  double score = 0;
  // JSON array, as the ranking showed it: [{code, weight, evidence: [{call_id, start_ms, end_ms}]}].
  std::string reasons = "[]";
  int window_days = 0;  // the ranking's window the score was computed over
  TimeMs created_at = 0;
};

class DetectionRepository {
 public:
  virtual ~DetectionRepository() = default;
  // Every user with a sanction, complaint, flag or no-show at or after `since` (and not after
  // `now`), by user id.
  virtual base::Result<std::vector<DetectionUserRows>> Signals(TimeMs since, TimeMs now) = 0;
  // The same rows for one user; nullopt when they have no signal in the window (or no account).
  virtual base::Result<std::optional<DetectionUserRows>> SignalsOf(Id user_id, TimeMs since, TimeMs now) = 0;

  // Stores the item (id assigned). Conflict "detection_item_exists" when the case has one.
  virtual base::Result<DetectionCaseItem> InsertCaseItem(const DetectionCaseItem& item) = 0;
  // The case's items (at most one), by id.
  virtual base::Result<std::vector<DetectionCaseItem>> CaseItems(Id case_id) = 0;
};

}  // namespace vitrina::store
