#include "quality/deviation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <set>
#include <string_view>
#include <utility>

#include "quality/stats.h"

namespace vitrina::quality {
namespace {

enum class Kind { kShare, kRatio, kKappa };

// Which way a metric may deviate to be flagged. Quality measures have a good direction, and a
// moderator who is better than the peers is no finding; an action mix or a pace has none (too
// fast may be rubber-stamping, too few bans as worrying as too many).
enum class Bad { kBoth, kHigher, kLower };

// One metric of one moderator. For shares, `successes` of `n` (for the Wilson interval);
// `subject` and `noun` make the sentence ("dismisses fraud complaints", "cases").
struct Sample {
  Kind kind = Kind::kShare;
  Bad bad = Bad::kBoth;
  double value = 0;
  std::int64_t successes = 0, n = 0;
  std::string subject, noun;
};

using Samples = std::map<std::string, Sample>;

std::string Printf(const char* format, double a) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, a);
  return buffer;
}

// 0.94 -> "94%"; small shares keep a decimal ("2.5%") so that 2.5% and 3.4% do not both read 3%.
std::string Percent(double share) {
  const double p = share * 100;
  if (p > 0 && p < 9.95 && std::abs(p - std::round(p)) >= 0.05) return Printf("%.1f%%", p);
  return Printf("%.0f%%", p);
}

std::string Times(double ratio) { return Printf(ratio >= 9.95 ? "%.0f×" : "%.1f×", ratio); }

std::string Duration(double seconds) {
  if (seconds < 120) return Printf("%.0f s", seconds);
  const double minutes = seconds / 60;
  return Printf(minutes < 9.95 ? "%.1f min" : "%.0f min", minutes);
}

std::string Count(std::int64_t n) { return std::to_string(n); }

// "no_show" -> "no-show".
std::string CategoryWords(std::string category) {
  std::replace(category.begin(), category.end(), '_', '-');
  return category;
}

std::string ActionSubject(const std::string& action, const std::string& category) {
  const std::string complaints = CategoryWords(category) + " complaints";
  if (action == "dismiss") return "dismisses " + complaints;
  if (action == "warn") return "answers " + complaints + " with a warning";
  if (action == "block") return "answers " + complaints + " with a block";
  if (action == "ban") return "answers " + complaints + " with a ban";
  return "decides " + complaints + " as \"" + action + "\"";
}

Sample Share(std::int64_t successes, std::int64_t n, std::string subject, std::string noun,
             Bad bad = Bad::kBoth) {
  Sample s;
  s.kind = Kind::kShare;
  s.bad = bad;
  s.successes = successes;
  s.n = n;
  s.value = static_cast<double>(successes) / static_cast<double>(n);
  s.subject = std::move(subject);
  s.noun = std::move(noun);
  return s;
}

Sample Value(Kind kind, double value, Bad bad = Bad::kBoth) {
  Sample s;
  s.kind = kind;
  s.bad = bad;
  s.value = value;
  return s;
}

// The metrics of one moderator; `actions` is category -> every action the peer group used in it,
// so that an action the moderator never took counts as a rate of 0.
Samples MetricsOf(const ModeratorFigures& m,
                  const std::map<std::string, std::set<std::string>>& actions,
                  const DeviationOptions& options) {
  Samples out;
  if (m.handling_time_p50_s && *m.handling_time_p50_s > 0) {
    out["handling_time_p50_s"] = Value(Kind::kRatio, *m.handling_time_p50_s);
  }
  for (const auto& [category, counts] : m.decisions) {
    std::int64_t n = 0;
    for (const auto& [action, count] : counts) n += std::max<std::int64_t>(count, 0);
    if (n < options.min_category_decisions) continue;
    const auto used = actions.find(category);
    if (used == actions.end()) continue;
    for (const std::string& action : used->second) {
      const auto it = counts.find(action);
      const std::int64_t k = it == counts.end() ? 0 : std::max<std::int64_t>(it->second, 0);
      out[action + "_rate." + category] = Share(k, n, ActionSubject(action, category), "cases");
    }
  }
  if (m.appealed >= options.min_category_decisions) {
    out["overturned_share"] =
        Share(std::clamp(m.overturned, std::int64_t{0}, m.appealed), m.appealed,
              "is overturned on appeal", "appealed decisions", Bad::kHigher);
  }
  if (m.honeypot_n >= options.min_category_decisions) {
    out["honeypot_accuracy"] = Share(std::clamp(m.honeypot_correct, std::int64_t{0}, m.honeypot_n),
                                     m.honeypot_n, "honeypot accuracy", "honeypots", Bad::kLower);
  }
  if (m.agreement_kappa)
    out["agreement_kappa"] = Value(Kind::kKappa, *m.agreement_kappa, Bad::kLower);
  if (m.decided > 0) {
    out["sla_breach_share"] = Share(std::clamp(m.sla_breaches, std::int64_t{0}, m.decided),
                                    m.decided, "breaches the SLA", "cases", Bad::kHigher);
  }
  if (m.hours_on_shift && *m.hours_on_shift > 0) {
    out["cases_per_hour"] = Value(Kind::kRatio, static_cast<double>(m.decided) / *m.hours_on_shift);
  }
  return out;
}

bool LargeEnough(const Sample& s, double median, const DeviationOptions& options) {
  if (s.bad == Bad::kHigher && s.value <= median) return false;
  if (s.bad == Bad::kLower && s.value >= median) return false;
  switch (s.kind) {
    case Kind::kShare: {
      const Interval w = WilsonInterval(s.successes, s.n, options.rate_interval_z);
      return w.low >= median + options.min_rate_difference ||
             w.high <= median - options.min_rate_difference;
    }
    case Kind::kRatio:
      if (median <= 0 || s.value <= 0) return false;
      return s.value >= median * options.min_time_ratio ||
             s.value * options.min_time_ratio <= median;
    case Kind::kKappa:
      return std::abs(s.value - median) >= options.min_kappa_difference;
  }
  return false;
}

std::string Explain(const std::string& metric, const Sample& s, double median) {
  const bool higher = s.value > median;
  if (metric == "handling_time_p50_s") {
    const std::string figures = " (" + Duration(s.value) + " against " + Duration(median) + ")";
    if (higher)
      return "takes " + Times(s.value / median) + " as long per case as the peer median" + figures;
    return "is " + Times(median / s.value) + " as fast per case as the peer median" + figures;
  }
  if (metric == "cases_per_hour") {
    if (higher) {
      return "handles " + Times(s.value / median) +
             " as many cases per hour on shift as the peer median (" + Printf("%.1f", s.value) +
             " against " + Printf("%.1f", median) + ")";
    }
    return "handles only " + Printf("%.1f", s.value) +
           " cases per hour on shift against a peer median of " + Printf("%.1f", median) + " (" +
           Times(s.value / median) + ")";
  }
  if (metric == "agreement_kappa") {
    return "agrees with second reviewers at κ = " + Printf("%.2f", s.value) +
           " against a peer median of " + Printf("%.2f", median);
  }
  if (metric == "honeypot_accuracy") {
    return "honeypot accuracy " + Percent(s.value) + " (" + Count(s.successes) + " of " +
           Count(s.n) + ") against a peer median of " + Percent(median);
  }
  // The other shares: action rates, overturned share, SLA breach share.
  const std::string of_n = Percent(s.value) + " of " + Count(s.n) + " " + s.noun;
  if (higher && median > 0) {
    return s.subject + " " + Times(s.value / median) + " as often as the peer median (" + of_n +
           " against " + Percent(median) + ")";
  }
  if (higher) return s.subject + " in " + of_n + ", where the peers' median is 0%";
  return s.subject + " in only " + of_n + " against a peer median of " + Percent(median);
}

std::vector<std::string> SortedSkills(std::vector<std::string> skills) {
  std::sort(skills.begin(), skills.end());
  skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
  return skills;
}

}  // namespace

std::vector<std::vector<Deviation>> FindDeviations(const std::vector<ModeratorFigures>& all,
                                                   const DeviationOptions& options) {
  std::vector<std::vector<Deviation>> out(all.size());
  // Peer groups: indices of the moderators with enough decisions, by skill set.
  std::map<std::vector<std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].decided >= options.min_decisions) groups[SortedSkills(all[i].skills)].push_back(i);
  }
  for (const auto& [skills, members] : groups) {
    if (members.size() < static_cast<std::size_t>(options.min_peers) + 1) continue;
    std::map<std::string, std::set<std::string>> actions;
    for (std::size_t i : members) {
      for (const auto& [category, counts] : all[i].decisions) {
        for (const auto& [action, count] : counts) {
          if (count > 0) actions[category].insert(action);
        }
      }
    }
    std::vector<Samples> samples;
    samples.reserve(members.size());
    for (std::size_t i : members) samples.push_back(MetricsOf(all[i], actions, options));

    // Per metric: the peers' values, their median, MAD and mean absolute deviation.
    struct Spread {
      std::vector<double> values;
      double median = 0, mad = 0, meanad = 0;
    };
    std::map<std::string, Spread> spreads;
    for (const Samples& s : samples) {
      for (const auto& [metric, sample] : s) spreads[metric].values.push_back(sample.value);
    }
    for (auto& [metric, spread] : spreads) {
      spread.median = Median(spread.values);
      spread.mad = Mad(spread.values, spread.median);
      spread.meanad = MeanAbsDeviation(spread.values, spread.median);
    }

    for (std::size_t k = 0; k < members.size(); ++k) {
      std::vector<Deviation>& found = out[members[k]];
      for (const auto& [metric, sample] : samples[k]) {
        const Spread& spread = spreads.at(metric);
        if (spread.values.size() < static_cast<std::size_t>(options.min_peers) + 1) continue;
        const double z = RobustZ(sample.value, spread.median, spread.mad, spread.meanad);
        if (std::abs(z) < options.z_threshold) continue;
        if (!LargeEnough(sample, spread.median, options)) continue;
        found.push_back(
            {metric, sample.value, spread.median, z, Explain(metric, sample, spread.median)});
      }
      std::stable_sort(found.begin(), found.end(), [](const Deviation& a, const Deviation& b) {
        return std::abs(a.z) > std::abs(b.z);
      });
    }
  }
  return out;
}

}  // namespace vitrina::quality
