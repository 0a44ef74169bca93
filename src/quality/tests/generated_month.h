#pragma once
// A generated month of moderation decisions (header-only, for tests): 30 moderators in three
// skill groups, of whom two behave differently — one dismisses almost every fraud complaint, one
// takes five times longer per case — and everyone else varies as a real team does. Deterministic
// for a seed (std::mt19937_64 and hand-rolled draws: the standard distributions' output is not
// the same across standard libraries).
//
// The model, per moderator (traits) and per case (draws):
// - care q ~ U(0.80, 0.95): on a case whose right answer is t, the moderator decides t with
//   probability q and otherwise leans on a personal action mix (the category's mix with each
//   weight × U(0.7, 1.3)). So the action mix varies per moderator and category, honeypot
//   accuracy comes out at ~85–98 %, and agreement with second reviewers at kappa ~0.6–0.9.
// - pace: mean handling time 300 s × exp(U(-0.3, 0.3)) (a ±30 % spread), each case lognormal
//   around it (sigma 0.5); 110–150 hours on shift with 82–88 % of it spent on cases, which
//   gives the number of decisions (~1,300 for a typical moderator).
// - 4 % of cases are honeypots (right answer known), 6 % are double-reviewed by another
//   moderator of the same skill group; a wrong decision is appealed with probability 0.08 and
//   then overturned with 0.7, a right one appealed with 0.04 (people appeal what they dislike,
//   right or wrong) and overturned with 0.05; SLA breached on U(1 %, 4 %) of a moderator's
//   cases.
// - The dismisser (skill group 0) dismisses fraud complaints with probability 0.95 whatever
//   the right answer; the slow one (skill group 1) has 5× the mean handling time.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "quality/deviation.h"
#include "quality/stats.h"

namespace vitrina::quality::testing {

struct GeneratedDecision {
  std::int64_t moderator_id = 0;
  std::string category;
  std::string action;
  std::string right_action;  // what a careful moderator would have decided
  double handling_s = 0;
  bool appealed = false;
  bool overturned = false;
  bool sla_breached = false;
  bool honeypot = false;
  std::int64_t decided_at_ms = 0;
  std::int64_t second_reviewer_id = 0;  // 0: not double-reviewed
  std::string second_action;
};

struct GeneratedModerator {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> skills;
  double care = 0;
  double mean_handling_s = 0;
  double hours_on_shift = 0;
  double sla_breach_p = 0;
  // category -> action -> weight (the moderator's lean when not deciding the right answer).
  std::map<std::string, std::vector<std::pair<std::string, double>>> lean;
};

struct GeneratedMonth {
  std::vector<GeneratedModerator> moderators;
  std::vector<GeneratedDecision> decisions;
  std::int64_t dismisser_id = 0;  // dismisses ~95 % of fraud complaints
  std::int64_t slow_id = 0;       // 5× the handling time
};

struct MonthOptions {
  std::uint64_t seed = 1;
  double dismisser_fraud_dismiss = 0.95;  // negative: the dismisser decides like everyone else
  double slow_factor = 5;                 // 1: the slow one is as fast as everyone else
};

namespace generated_month_detail {

inline constexpr std::int64_t kMonthStartMs = 1717200000000;  // 2024-06-01T00:00:00Z
inline constexpr std::int64_t kMonthMs = 30LL * 24 * 3600 * 1000;

using Mix = std::vector<std::pair<std::string, double>>;

// The right answers' mix per category, and the categories' share of complaints.
inline const std::vector<std::pair<std::string, double>>& CategoryShares() {
  static const std::vector<std::pair<std::string, double>> kShares = {{"fraud", 0.30},
                                                                      {"rudeness", 0.25},
                                                                      {"no_show", 0.20},
                                                                      {"off_platform", 0.15},
                                                                      {"other", 0.10}};
  return kShares;
}

inline const std::map<std::string, Mix>& RightMix() {
  static const std::map<std::string, Mix> kMix = {
      {"fraud", {{"dismiss", 0.30}, {"warn", 0.25}, {"block", 0.30}, {"ban", 0.15}}},
      {"rudeness", {{"dismiss", 0.40}, {"warn", 0.45}, {"block", 0.12}, {"ban", 0.03}}},
      {"no_show", {{"dismiss", 0.55}, {"warn", 0.40}, {"block", 0.05}}},
      {"off_platform", {{"dismiss", 0.25}, {"warn", 0.45}, {"block", 0.25}, {"ban", 0.05}}},
      {"other", {{"dismiss", 0.60}, {"warn", 0.30}, {"block", 0.08}, {"ban", 0.02}}},
  };
  return kMix;
}

// Uniform in [0, 1) from the top 53 bits.
inline double Uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}
inline double Uniform(std::mt19937_64& rng, double low, double high) {
  return low + (high - low) * Uniform(rng);
}
inline bool Chance(std::mt19937_64& rng, double p) { return Uniform(rng) < p; }
inline double Normal(std::mt19937_64& rng) {  // Box-Muller
  const double u1 = 1.0 - Uniform(rng);
  const double u2 = Uniform(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
inline const std::string& Draw(std::mt19937_64& rng, const Mix& mix) {
  double total = 0;
  for (const auto& [name, weight] : mix) total += weight;
  double x = Uniform(rng) * total;
  for (const auto& [name, weight] : mix) {
    if (x < weight) return name;
    x -= weight;
  }
  return mix.back().first;
}

inline std::string Decide(std::mt19937_64& rng, const GeneratedModerator& m,
                          const std::string& category, const std::string& right, bool dismisser,
                          double dismisser_fraud_dismiss) {
  if (dismisser && dismisser_fraud_dismiss >= 0 && category == "fraud") {
    if (Chance(rng, dismisser_fraud_dismiss)) return "dismiss";
    Mix rest;
    for (const auto& [action, weight] : RightMix().at(category)) {
      if (action != "dismiss") rest.emplace_back(action, weight);
    }
    return Draw(rng, rest);
  }
  if (Chance(rng, m.care)) return right;
  return Draw(rng, m.lean.at(category));
}

}  // namespace generated_month_detail

inline GeneratedMonth GenerateMonth(const MonthOptions& options) {
  namespace d = generated_month_detail;
  std::mt19937_64 rng(options.seed);
  GeneratedMonth month;
  const std::vector<std::vector<std::string>> group_skills = {
      {"en", "payments"}, {"en"}, {"en", "ru"}};
  const std::vector<int> group_sizes = {12, 10, 8};
  std::vector<std::vector<std::size_t>> group_members(group_skills.size());
  for (std::size_t g = 0; g < group_skills.size(); ++g) {
    for (int k = 0; k < group_sizes[g]; ++k) {
      GeneratedModerator m;
      m.id = 101 + static_cast<std::int64_t>(month.moderators.size());
      m.name = "moderator " + std::to_string(m.id);
      m.skills = group_skills[g];
      m.care = d::Uniform(rng, 0.80, 0.95);
      m.mean_handling_s = 300 * std::exp(d::Uniform(rng, -0.3, 0.3));
      m.hours_on_shift = d::Uniform(rng, 110, 150);
      m.sla_breach_p = d::Uniform(rng, 0.01, 0.04);
      for (const auto& [category, mix] : d::RightMix()) {
        d::Mix lean = mix;
        for (auto& [action, weight] : lean) weight *= d::Uniform(rng, 0.7, 1.3);
        m.lean[category] = std::move(lean);
      }
      group_members[g].push_back(month.moderators.size());
      month.moderators.push_back(std::move(m));
    }
  }
  const std::size_t dismisser = group_members[0][rng() % group_members[0].size()];
  const std::size_t slow = group_members[1][rng() % group_members[1].size()];
  month.dismisser_id = month.moderators[dismisser].id;
  month.slow_id = month.moderators[slow].id;
  month.moderators[slow].mean_handling_s *= options.slow_factor;

  std::vector<std::size_t> group_of(month.moderators.size());
  for (std::size_t g = 0; g < group_members.size(); ++g) {
    for (std::size_t i : group_members[g]) group_of[i] = g;
  }
  for (std::size_t i = 0; i < month.moderators.size(); ++i) {
    const GeneratedModerator& m = month.moderators[i];
    const double busy_s = m.hours_on_shift * 3600 * d::Uniform(rng, 0.82, 0.88);
    const auto cases = static_cast<std::int64_t>(std::llround(busy_s / m.mean_handling_s));
    for (std::int64_t c = 0; c < cases; ++c) {
      GeneratedDecision x;
      x.moderator_id = m.id;
      x.category = d::Draw(rng, d::CategoryShares());
      x.right_action = d::Draw(rng, d::RightMix().at(x.category));
      x.action = d::Decide(rng, m, x.category, x.right_action, i == dismisser,
                           options.dismisser_fraud_dismiss);
      x.handling_s = m.mean_handling_s * std::exp(0.5 * d::Normal(rng) - 0.125);
      const bool right = x.action == x.right_action;
      x.appealed = d::Chance(rng, right ? 0.04 : 0.08);
      x.overturned = x.appealed && d::Chance(rng, right ? 0.05 : 0.7);
      x.sla_breached = d::Chance(rng, m.sla_breach_p);
      x.honeypot = d::Chance(rng, 0.04);
      x.decided_at_ms = d::kMonthStartMs + static_cast<std::int64_t>(rng() % d::kMonthMs);
      if (d::Chance(rng, 0.06)) {
        const auto& peers = group_members[group_of[i]];
        std::size_t j = i;
        while (j == i) j = peers[rng() % peers.size()];
        x.second_reviewer_id = month.moderators[j].id;
        x.second_action = d::Decide(rng, month.moderators[j], x.category, x.right_action,
                                    j == dismisser, options.dismisser_fraud_dismiss);
      }
      month.decisions.push_back(std::move(x));
    }
  }
  return month;
}

// The month's figures per moderator, in the order of month.moderators.
inline std::vector<ModeratorFigures> FiguresOf(const GeneratedMonth& month) {
  std::map<std::int64_t, std::size_t> index;
  std::vector<ModeratorFigures> out;
  std::vector<std::vector<double>> times(month.moderators.size());
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs(
      month.moderators.size());
  for (const GeneratedModerator& m : month.moderators) {
    index[m.id] = out.size();
    ModeratorFigures f;
    f.moderator_id = m.id;
    f.name = m.name;
    f.skills = m.skills;
    f.hours_on_shift = m.hours_on_shift;
    out.push_back(std::move(f));
  }
  for (const GeneratedDecision& x : month.decisions) {
    const std::size_t i = index.at(x.moderator_id);
    ModeratorFigures& f = out[i];
    ++f.decided;
    ++f.decisions[x.category][x.action];
    times[i].push_back(x.handling_s);
    f.appealed += x.appealed ? 1 : 0;
    f.overturned += x.overturned ? 1 : 0;
    f.sla_breaches += x.sla_breached ? 1 : 0;
    if (x.honeypot) {
      ++f.honeypot_n;
      f.honeypot_correct += x.action == x.right_action ? 1 : 0;
    }
    if (x.second_reviewer_id != 0) {
      pairs[i].first.push_back(x.action);
      pairs[i].second.push_back(x.second_action);
      const std::size_t j = index.at(x.second_reviewer_id);
      pairs[j].first.push_back(x.second_action);
      pairs[j].second.push_back(x.action);
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!times[i].empty()) out[i].handling_time_p50_s = Median(times[i]);
    out[i].agreement_kappa = CohenKappa(pairs[i].first, pairs[i].second);
  }
  return out;
}

}  // namespace vitrina::quality::testing
