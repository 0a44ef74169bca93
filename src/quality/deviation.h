#pragma once
// Deviation search (issue "Deviation search"): which moderators, over one period (a day, a week,
// 30 days — the caller builds one ModeratorFigures per moderator per period), differ from their
// peers in a way a head of trust and safety should look at, each with a sentence they can read.
// Pure functions of their arguments, no I/O; any thread.
//
// Choices (the numbers are the defaults of DeviationOptions):
// - Peers are the moderators with exactly the same skill set, the moderator included, and only
//   those with at least min_decisions decisions in the period (and, per metric, with that
//   metric defined: enough cases of the category, enough appeals, honeypots, a kappa, shift
//   hours). A metric is compared only when at least min_peers *other* moderators qualify.
// - The score is the robust z against those peers (stats.h RobustZ: median and 1.4826·MAD,
//   falling back to 1.2533·mean absolute deviation when MAD is 0). A metric is flagged at
//   |z| >= z_threshold AND when the difference is also large in absolute terms (below). The
//   second condition is what keeps the search quiet in practice: over ~25 metrics × tens of
//   moderators a z-score alone flags several people by chance in any month (|z| >= 2 is ~5 %
//   of a normal population per metric), and when nearly everyone is identical (MAD 0, e.g. a
//   ban rate of 0 %) any tiny difference has a huge z.
// - Minimum differences, per kind of metric:
//   * shares (action rates per category, overturned share, honeypot accuracy, SLA breach
//     share): the moderator's Wilson interval for the share, at 99.9 % (rate_interval_z), must
//     lie entirely at least min_rate_difference (10 percentage points) away from the peer
//     median. So the difference is both practically large and not explained by the moderator's
//     own sample size. Against a peer median of 30 %: with 300 cases 49 % flags, with 100 cases
//     57 %, with 10 cases only 10 of 10. 99.9 % rather than 95 % because ~25 shares × tens of
//     moderators are tested every period: at 95 % the binomial tails of ordinary moderators
//     were flagged in 4 of 300 generated months (tests/generated_month.h), at 99.9 % in none.
//   * times and throughput (handling time p50, cases per hour): the moderator's value must be
//     at least min_time_ratio (2×) the peer median or at most half of it. A team's normal spread
//     of per-moderator pace is about ±30 %, so its fastest and slowest are already ~1.8× apart:
//     with a minimum of 1.2× ordinary moderators were flagged in 248 of 300 generated months,
//     with 1.5× in 52, with 2× in none.
//   * agreement (Cohen's kappa with second reviewers): at least min_kappa_difference (0.25)
//     below the peer median (0.15: ordinary moderators flagged in 23 of 300 generated months,
//     0.20: in 4, 0.25: none); kappa over ~150 double-reviewed cases varies a lot by chance.
// - One-sided quality metrics: a higher overturned share or SLA breach share, a lower honeypot
//   accuracy or kappa is flagged; being better than the peers is no finding. The action mix,
//   handling time and cases per hour are flagged both ways (very fast may be rubber-stamping;
//   too few bans is as telling as too many).
// - Shares need a denominator of at least min_category_decisions: the cases of that category
//   for an action rate, the appealed decisions for the overturned share, the honeypots for
//   honeypot accuracy.
// - Explanations speak of "this moderator" implicitly (they start with a verb: "dismisses
//   fraud complaints 3.1× as often as the peer median (94% of 312 cases against 30%)"); the
//   caller prefixes the name. When the peer median of a share is 0 the ratio is meaningless and
//   the sentence says "in 40% of 25 cases, where the peers' median is 0%".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vitrina::quality {

// One moderator's figures over one period. Shares are per decided case of that category.
struct ModeratorFigures {
  std::int64_t moderator_id = 0;
  std::string name;                 // for callers; explanations do not use it
  std::vector<std::string> skills;  // peers = the same set (order does not matter)
  std::int64_t decided = 0;         // decisions in the period
  std::optional<double> handling_time_p50_s;
  // category -> action -> count (actions: dismiss, warn, block, ban, ...; categories: fraud,
  // rudeness, no_show, off_platform, other, ...).
  std::map<std::string, std::map<std::string, std::int64_t>> decisions;
  std::int64_t appealed = 0, overturned = 0;  // of their decisions
  std::int64_t honeypot_n = 0, honeypot_correct = 0;
  std::optional<double> agreement_kappa;  // with second reviewers, over the period
  std::int64_t sla_breaches = 0;          // of their decisions
  std::optional<double> hours_on_shift;   // cases per hour = decided / hours
};

// One flagged metric. Metric names: "handling_time_p50_s", "<action>_rate.<category>" (e.g.
// "dismiss_rate.fraud"), "overturned_share", "honeypot_accuracy", "agreement_kappa",
// "sla_breach_share", "cases_per_hour". Shares are in [0, 1], times in seconds.
struct Deviation {
  std::string metric;
  double value = 0;
  double peer_median = 0;
  double z = 0;
  std::string explanation;
};

struct DeviationOptions {
  double z_threshold = 2.0;
  std::int64_t min_decisions = 30;
  // A share is computed only where its denominator (cases of the category, appeals,
  // honeypots) is at least this.
  std::int64_t min_category_decisions = 10;
  int min_peers = 5;  // other moderators with the same skills and the metric defined
  // Minimum differences besides |z| (see the top of this file).
  double min_rate_difference = 0.10;  // Wilson interval this far from the peer median
  double rate_interval_z = 3.2905;    // of that interval: 99.9 %
  double min_time_ratio = 2.0;        // handling time, cases per hour
  double min_kappa_difference = 0.25;
};

// For each moderator with at least min_decisions, every metric whose robust z against the peers
// is |z| >= z_threshold and whose difference passes the minimum above. Output in the input's
// order (one vector per moderator, empty when nothing deviates); within a moderator the largest
// |z| first.
std::vector<std::vector<Deviation>> FindDeviations(const std::vector<ModeratorFigures>& all,
                                                   const DeviationOptions& options);

}  // namespace vitrina::quality
