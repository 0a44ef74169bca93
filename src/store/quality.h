#pragma once
// Records and repository of the moderation quality tools (docs/quality.md): honeypot test
// cases, the facts deviation search reads about each decision, and the deviation tasks a
// supervisor works to a result.

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

// A test case a supervisor wrote (or copied, anonymised, from a decided case): what a moderator
// is shown, and the decision expected of them.
struct Honeypot {
  Id id = 0;
  Id created_by = 0;
  std::string source = "synthetic";  // synthetic | case (copied and anonymised)
  std::string category;              // the complaint category
  std::string vertical = "goods";    // routing, as a real case's listing vertical
  std::string language = "en";
  std::string expected_action;                // dismiss | warn | block | ban
  std::vector<std::string> acceptable;        // other actions counted correct
  // JSON: {accused_name, reporter_name, listing_title, call_minutes,
  //        complaints: [{category, text, quote?}], transcript: [{speaker, start_ms, end_ms, text}]}
  // speaker: accused | reporter.
  std::string content = "{}";
  bool active = true;
  TimeMs created_at = 0;
  // Read with the honeypot: how often it was served and decided, and decided correctly.
  std::int64_t served = 0;
  std::int64_t decided = 0;
  std::int64_t correct = 0;
};

// One instance of a honeypot in a moderator's queue: the case made from it.
struct HoneypotCase {
  Id case_id = 0;
  Id honeypot_id = 0;
  Id moderator_id = 0;
  TimeMs served_at = 0;
  std::optional<std::string> action;  // the moderator's decision
  std::optional<bool> correct;
  std::optional<TimeMs> decided_at;
};

// What deviation search reads about one decision on a complaints case.
struct DecisionFact {
  Id decision_id = 0;
  Id moderator_id = 0;
  Id case_id = 0;
  std::string action;
  std::string category;  // the most frequent complaint category of the case ("other": none)
  std::optional<TimeMs> assigned_at;
  TimeMs decided_at = 0;
  TimeMs sla_due_at = 0;
  bool appealed = false;
  bool overturned = false;  // the appeal of its sanction was granted (overturned or reduced)
  bool honeypot = false;
  std::optional<bool> honeypot_correct;
};

// A deviation flagged for a moderator, worked by a supervisor: open -> acknowledged -> closed.
struct QualityTask {
  Id id = 0;
  Id moderator_id = 0;
  std::string period;  // day | week | month
  std::string period_key;  // the period's last day (YYYY-MM-DD): one task per metric and period
  std::string metric;
  double value = 0;
  double peer_median = 0;
  double z = 0;
  std::string explanation;
  std::string status = "open";  // open | acknowledged | closed
  std::optional<std::string> result;
  std::optional<std::string> note;
  TimeMs opened_at = 0;
  std::optional<Id> acknowledged_by;
  std::optional<TimeMs> acknowledged_at;
  std::optional<Id> closed_by;
  std::optional<TimeMs> closed_at;
};

// A decided case given blind to a second moderator (docs/quality.md "Double review"): their
// action against the first; a disagreement goes to a supervisor, whose verdict is final.
struct DoubleReview {
  Id id = 0;
  Id case_id = 0;
  Id first_decision_id = 0;
  Id first_moderator_id = 0;
  std::string first_action;
  std::string category;  // the case's most frequent complaint category
  // pending -> assigned -> agreed | disagreed -> resolved (a supervisor's verdict)
  std::string status = "pending";
  std::optional<Id> second_moderator_id;
  std::optional<TimeMs> assigned_at;
  std::optional<TimeMs> lease_until;
  std::optional<std::string> second_action;
  std::optional<TimeMs> second_decided_at;
  std::optional<std::string> verdict;
  std::optional<std::string> verdict_reason;
  std::optional<Id> verdict_by;
  std::optional<TimeMs> verdict_at;
  TimeMs created_at = 0;
};

// A text complaint themes are found in: a complaint's, an appeal's or a rating comment's.
struct ThemeText {
  Id id = 0;
  std::string text;
  TimeMs created_at = 0;
};

// What reporter credibility reads about one reporter.
struct ReporterRecord {
  Id user_id = 0;
  std::int64_t upheld = 0;     // of their last 100 decided complaints
  std::int64_t dismissed = 0;  // of their last 100 decided complaints
  std::optional<TimeMs> muted_until;
  std::optional<std::string> mute_reason;
  std::optional<Id> muted_by;
};

class QualityRepository {
 public:
  virtual ~QualityRepository() = default;
  virtual Result<Honeypot> InsertHoneypot(const Honeypot& h) = 0;  // id assigned
  virtual Result<void> SetHoneypotActive(Id id, bool active) = 0;
  virtual Result<std::optional<Honeypot>> FindHoneypot(Id id) = 0;
  virtual Result<std::vector<Honeypot>> ListHoneypots() = 0;  // newest first, with counts
  // An active honeypot for a moderator who may take cases of `verticals`/`languages` (empty:
  // any) and has never been served it; the least served first, nullopt when none.
  virtual Result<std::optional<Honeypot>> HoneypotFor(Id moderator_id, const std::vector<std::string>& verticals,
                                                      const std::vector<std::string>& languages) = 0;
  virtual Result<void> InsertHoneypotCase(const HoneypotCase& c) = 0;
  virtual Result<std::optional<HoneypotCase>> FindHoneypotCase(Id case_id) = 0;
  virtual Result<void> UpdateHoneypotCase(const HoneypotCase& c) = 0;
  // Marks a user as one of a honeypot's invented people (never a real user).
  virtual Result<void> InsertSyntheticUser(Id user_id, Id honeypot_id) = 0;
  virtual Result<bool> IsSyntheticUser(Id user_id) = 0;
  // How many decisions the moderator has made (the assignments honeypot mixing counts).
  virtual Result<std::int64_t> DecisionsBy(Id moderator_id) = 0;

  // Every decision on a complaints case made in [from, to], by decided time.
  virtual Result<std::vector<DecisionFact>> DecisionFacts(TimeMs from, TimeMs to) = 0;

  // Inserts the task unless one exists for (moderator, period, period_key, metric); returns
  // the stored one and whether it is new.
  virtual Result<std::pair<QualityTask, bool>> InsertTask(const QualityTask& t) = 0;
  virtual Result<void> UpdateTask(const QualityTask& t) = 0;
  virtual Result<std::optional<QualityTask>> FindTask(Id id) = 0;
  // Newest first; `status` filters when set.
  virtual Result<std::vector<QualityTask>> ListTasks(std::optional<std::string> status, int limit) = 0;

  virtual Result<DoubleReview> InsertReview(const DoubleReview& r) = 0;  // id assigned
  virtual Result<void> UpdateReview(const DoubleReview& r) = 0;
  virtual Result<std::optional<DoubleReview>> FindReview(Id id) = 0;
  // The review `moderator_id` holds now (assigned, lease not over), if any.
  virtual Result<std::optional<DoubleReview>> HeldReview(Id moderator_id, TimeMs now) = 0;
  // The oldest review waiting for a second moderator (pending, or assigned with its lease
  // over) that `moderator_id` did not decide first and is not a party to.
  virtual Result<std::optional<DoubleReview>> NextReview(Id moderator_id, TimeMs now) = 0;
  // Newest first; `status` filters when set.
  virtual Result<std::vector<DoubleReview>> ListReviews(std::optional<std::string> status, int limit) = 0;
  // Reviews with a second decision made in [from, to] (for agreement).
  virtual Result<std::vector<DoubleReview>> DecidedReviews(TimeMs from, TimeMs to) = 0;

  // Texts of `source` (complaints | appeals | ratings: rating comments) created in [from, to],
  // newest first, at most `limit`.
  virtual Result<std::vector<ThemeText>> ThemeTexts(const std::string& source, TimeMs from, TimeMs to,
                                                    int limit) = 0;

  // The reporter's record: their last 100 decided complaints and their mute.
  virtual Result<ReporterRecord> Reporter(Id user_id) = 0;
  // Mutes (or re-mutes) a reporter until `until`; nullopt `until` unmutes.
  virtual Result<void> SetReporterMute(Id user_id, std::optional<TimeMs> until, const std::string& reason, Id by,
                                       TimeMs now) = 0;
  // Reporters with decided complaints or a mute, the least credible first (at most `limit`).
  virtual Result<std::vector<ReporterRecord>> Reporters(int limit) = 0;
};

}  // namespace vitrina::store
