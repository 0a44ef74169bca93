#pragma once
// What supervisors see of the moderators' work (docs/quality.md): honeypot test cases they
// write, each moderator's figures against their peers over a period with the deviations
// flagged, and the deviation tasks they work to a result. Every write is audited in its
// transaction. Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include <map>
#include <mutex>

#include "quality/deviation.h"
#include "quality/stats.h"
#include "store/store.h"
#include "themes/themes.h"

namespace vitrina::supervision {

using base::Result;

struct HoneypotInput {
  std::optional<store::Id> from_case_id;  // a decided case to copy, anonymised
  // From scratch: {category, text, quote?, transcript?: [{speaker: accused|reporter, text}],
  // listing_title?, vertical?, accused_name?, reporter_name?}
  std::optional<std::string> synthetic_json;
  std::string expected_action;
  std::vector<std::string> acceptable;
};

struct ModeratorQuality {
  store::Id moderator_id = 0;
  std::string name;
  std::vector<std::string> skills;
  quality::ModeratorFigures figures;
  std::optional<double> honeypot_accuracy;
  quality::Interval honeypot_ci95;
  std::optional<double> overturned_on_appeal;  // share of their appealed decisions overturned
  std::vector<quality::Deviation> deviations;
};

// Agreement of blind double reviews (Cohen's kappa over first and second actions).
struct Agreement {
  std::string key;  // "overall", a category, or "<moderator id>:<moderator id>" (smaller first)
  std::int64_t n = 0;
  std::int64_t agreed = 0;
  std::optional<double> kappa;
};

struct AgreementReport {
  Agreement overall;
  std::vector<Agreement> pairs;
  std::vector<Agreement> categories;
};

struct ReporterView {
  store::ReporterRecord record;
  std::string display_name;
  double credibility = 0.5;
  bool muted = false;
};

struct ThemesReport {
  std::string source;
  base::TimeMs from = 0;
  base::TimeMs to = 0;
  std::int64_t texts = 0;
  bool truncated = false;  // more texts than the cap: the newest were clustered
  std::vector<themes::Theme> themes;
  base::TimeMs computed_at = 0;
};

struct QualityReport {
  base::TimeMs from = 0;
  base::TimeMs to = 0;
  std::string period;  // day | week | month
  std::vector<ModeratorQuality> moderators;
  int tasks_opened = 0;
};

class QualityService {
 public:
  QualityService(store::Store& store, const base::Clock& clock, std::string language = "en");
  QualityService(const QualityService&) = delete;
  QualityService& operator=(const QualityService&) = delete;

  Result<store::Honeypot> CreateHoneypot(const store::User& supervisor, const HoneypotInput& in);
  Result<std::vector<store::Honeypot>> Honeypots();

  // Every moderator who decided complaints cases in [from, to] with their figures and
  // deviations against peers of the same skills; each deviation opens a task (once per
  // moderator, period and metric).
  Result<QualityReport> Moderators(base::TimeMs from, base::TimeMs to);

  // 404 task_not_found / review_not_found: the routes' checks before the body is read.
  Result<void> TaskExists(store::Id id);
  Result<void> ReviewExists(store::Id id);

  Result<std::vector<store::QualityTask>> Tasks(std::optional<std::string> status, int limit);
  Result<store::QualityTask> AcknowledgeTask(const store::User& supervisor, store::Id id,
                                             std::optional<std::string> note);
  Result<store::QualityTask> CloseTask(const store::User& supervisor, store::Id id, const std::string& result,
                                       std::optional<std::string> note);

  // --- double review ---
  // Reviews by status (e.g. disagreed: the supervisor's queue), newest first.
  Result<std::vector<store::DoubleReview>> Reviews(std::optional<std::string> status, int limit);
  // A supervisor's final verdict on a disagreement: 409 review_not_disagreed.
  Result<store::DoubleReview> Verdict(const store::User& supervisor, store::Id review_id, const std::string& action,
                                      const std::string& reason);
  Result<AgreementReport> Agreement(base::TimeMs from, base::TimeMs to);

  // --- reporter credibility ---
  Result<std::vector<ReporterView>> Reporters(int limit);
  // Mutes a reporter until `until` (their complaints raise no priority), or unmutes (nullopt).
  Result<ReporterView> MuteReporter(const store::User& supervisor, store::Id user_id,
                                    std::optional<base::TimeMs> until, const std::string& reason);

  // --- complaint themes ---
  // Themes of `source` (complaints | appeals | ratings) in [from, to], growth against the
  // period of the same length before; computed at most every `themes_ttl_ms` per query
  // (RefreshThemes recomputes the default query ahead, nightly).
  Result<ThemesReport> Themes(const std::string& source, base::TimeMs from, base::TimeMs to);
  // Recomputes the last 30 days of every source (the nightly job).
  Result<void> RefreshThemes();

  quality::DeviationOptions& deviation_options() { return deviation_options_; }
  static constexpr int kMaxThemeTexts = 20000;

 private:
  store::Store& store_;
  const base::Clock& clock_;
  const std::string language_;
  quality::DeviationOptions deviation_options_;
  std::mutex themes_mu_;
  std::map<std::string, ThemesReport> themes_cache_;  // by source|from|to
  base::TimeMs themes_ttl_ms_ = 10 * 60'000;
};

}  // namespace vitrina::supervision
