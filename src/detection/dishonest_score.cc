#include "detection/dishonest_score.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace vitrina::detection {
namespace {

// One piece of evidence with the strength it contributed, so a reason lists its strongest first.
struct Weighted {
  double strength = 0;
  Evidence evidence;
};

struct Signal {
  std::string_view code;
  SignalWeight weight;
  double units = 0;
  std::vector<Weighted> evidence;
};

double Saturate(const SignalWeight& w, double units) {
  if (units <= 0 || w.max_points <= 0) return 0;
  const double half = w.half_units > 0 ? w.half_units : 1;
  return w.max_points * (1 - std::exp2(-units / half));
}

double Round1(double x) { return std::round(x * 10) / 10; }
std::int64_t ScoreKey(double score) { return std::llround(score * 10); }

double SeverityFactor(FlagSeverity s, const ScoringParams& p) {
  switch (s) {
    case FlagSeverity::kInfo: return p.severity_info;
    case FlagSeverity::kWarn: return p.severity_warn;
    case FlagSeverity::kHigh: return p.severity_high;
  }
  return 0;
}

// A flag's strength, 0 for a flag a moderator marked wrong.
double FlagStrength(const FlagSignal& f, const ScoringParams& p) {
  if (f.verdict == FlagVerdict::kWrong) return 0;
  const double v = FlagCategoryWeight(f.category) * SeverityFactor(f.severity, p);
  return f.verdict == FlagVerdict::kCorrect ? v * p.correct_verdict : v;
}

Signal Sanctions(const UserSignals& u, const ScoringParams& p) {
  Signal s{kReasonUpheldSanction, p.upheld_sanction, 0, {}};
  for (const auto& x : u.sanctions) {
    if (x.overturned) continue;
    double units = x.kind == SanctionKind::kBan     ? p.sanction_ban
                   : x.kind == SanctionKind::kBlock ? p.sanction_block
                                                    : p.sanction_warn;
    if (p.sanction_half_life_days > 0)
      units *= std::exp2(-std::max(0.0, x.age_days) / p.sanction_half_life_days);
    s.units += units;
    for (const auto& e : x.evidence) s.evidence.push_back({units, e});
  }
  return s;
}

Signal Complaints(const UserSignals& u, const ScoringParams& p) {
  Signal s{kReasonComplaints, p.complaints, 0, {}};
  // Per reporter: upheld beats open beats dismissed; within a status the heavier category.
  struct Best {
    int rank = -1;
    double category_weight = 0;
    Evidence evidence;
  };
  std::map<std::int64_t, Best> by_reporter;
  for (const auto& c : u.complaints) {
    const int rank = c.status == ComplaintStatus::kUpheld ? 2
                     : c.status == ComplaintStatus::kOpen ? 1
                                                          : 0;
    const double cw = ComplaintCategoryWeight(c.category);
    auto& b = by_reporter[c.reporter_id];
    if (rank > b.rank || (rank == b.rank && cw > b.category_weight)) b = {rank, cw, c.evidence};
  }
  int decided = 0, dismissed = 0;
  for (const auto& [id, b] : by_reporter) {
    if (b.rank == 0) ++dismissed;
    if (b.rank != 1) ++decided;
  }
  const double open_factor =
      p.open_complaint * (decided > 0 ? 1.0 - static_cast<double>(dismissed) / decided : 1.0);
  for (const auto& [id, b] : by_reporter) {
    const double units = b.rank == 2 ? b.category_weight : b.rank == 1 ? b.category_weight * open_factor : 0;
    if (units <= 0) continue;
    s.units += units;
    s.evidence.push_back({units, b.evidence});
  }
  return s;
}

// flags_high_severity / flags_warn_severity: per (call, category) the strongest flag, summed,
// minus the noise an honest user of this many calls would collect.
Signal Flags(const UserSignals& u, const ScoringParams& p, bool high) {
  Signal s{high ? kReasonFlagsHigh : kReasonFlagsWarn, high ? p.flags_high : p.flags_warn, 0, {}};
  std::map<std::pair<std::int64_t, std::string_view>, Weighted> strongest;
  for (const auto& f : u.flags) {
    if ((f.severity == FlagSeverity::kHigh) != high) continue;
    const double v = FlagStrength(f, p);
    if (v <= 0) continue;
    auto& w = strongest[{f.evidence.call_id, f.category}];
    if (v > w.strength) w = {v, f.evidence};
  }
  for (auto& [key, w] : strongest) {
    s.units += w.strength;
    s.evidence.push_back(w);
  }
  const double noise = (high ? p.flags_high_noise_per_call : p.flags_warn_noise_per_call) *
                       static_cast<double>(std::max<std::int64_t>(0, u.calls));
  s.units = std::max(0.0, s.units - noise);
  return s;
}

// The same phrase said to several distinct counterparts: per phrase, (counterparts − 1) ×
// its strongest flag's category weight, summed over phrases.
Signal RepeatedPhrase(const UserSignals& u, const ScoringParams& p) {
  Signal s{kReasonRepeatedPhrase, p.repeated_phrase, 0, {}};
  struct PerPhrase {
    double weight = 0;
    std::map<std::int64_t, Weighted> by_counterpart;
  };
  std::map<std::string_view, PerPhrase> phrases;
  for (const auto& f : u.flags) {
    if (f.phrase.empty() || f.verdict == FlagVerdict::kWrong) continue;
    const double cw = FlagCategoryWeight(f.category);
    auto& ph = phrases[f.phrase];
    ph.weight = std::max(ph.weight, cw);
    auto& w = ph.by_counterpart[f.counterpart_id];
    if (w.strength == 0) w = {cw, f.evidence};
  }
  for (auto& [phrase, ph] : phrases) {
    if (ph.by_counterpart.size() < 2) continue;
    const double units = static_cast<double>(ph.by_counterpart.size() - 1) * ph.weight;
    s.units += units;
    for (auto& [cp, w] : ph.by_counterpart) s.evidence.push_back({units, w.evidence});
  }
  return s;
}

// A new account whose first calls were already flagged: per first call, its strongest flag's
// category weight (not its severity: any early scam-like phrase counts).
Signal NewAccount(const UserSignals& u, const ScoringParams& p) {
  Signal s{kReasonNewAccount, p.new_account, 0, {}};
  if (u.account_age_days > p.new_account_days || u.first_call_ids.empty()) return s;
  const std::size_t n =
      std::min(u.first_call_ids.size(), static_cast<std::size_t>(std::max(0, p.first_calls)));
  const std::set<std::int64_t> first(u.first_call_ids.begin(), u.first_call_ids.begin() + n);
  std::map<std::int64_t, Weighted> per_call;
  for (const auto& f : u.flags) {
    if (f.verdict == FlagVerdict::kWrong || !first.contains(f.evidence.call_id)) continue;
    const double cw = FlagCategoryWeight(f.category);
    auto& w = per_call[f.evidence.call_id];
    if (cw > w.strength) w = {cw, f.evidence};
  }
  for (auto& [call, w] : per_call) {
    s.units += w.strength;
    s.evidence.push_back(w);
  }
  return s;
}

Signal NoShows(const UserSignals& u, const ScoringParams& p) {
  Signal s{kReasonNoShows, p.no_shows, 0, {}};
  const double n = static_cast<double>(u.no_shows.size());
  const double agreed = n + static_cast<double>(std::max<std::int64_t>(0, u.calls));
  s.units = std::max(0.0, n - p.no_show_noise_rate * agreed);
  if (s.units > 0)
    for (const auto& e : u.no_shows) s.evidence.push_back({1, e});
  return s;
}

}  // namespace

std::optional<SanctionKind> ParseSanctionKind(std::string_view s) {
  if (s == "warn") return SanctionKind::kWarn;
  if (s == "block") return SanctionKind::kBlock;
  if (s == "ban") return SanctionKind::kBan;
  return std::nullopt;
}

std::optional<ComplaintStatus> ParseComplaintStatus(std::string_view s) {
  if (s == "open" || s == "in_review") return ComplaintStatus::kOpen;
  if (s == "upheld") return ComplaintStatus::kUpheld;
  if (s == "dismissed") return ComplaintStatus::kDismissed;
  return std::nullopt;
}

std::optional<FlagSeverity> ParseFlagSeverity(std::string_view s) {
  if (s == "info") return FlagSeverity::kInfo;
  if (s == "warn") return FlagSeverity::kWarn;
  if (s == "high") return FlagSeverity::kHigh;
  return std::nullopt;
}

std::optional<FlagVerdict> ParseFlagVerdict(std::string_view s) {
  if (s.empty()) return FlagVerdict::kNone;
  if (s == "correct") return FlagVerdict::kCorrect;
  if (s == "wrong") return FlagVerdict::kWrong;
  return std::nullopt;
}

const ScoringParams& DefaultParams() {
  static const ScoringParams kDefaults;
  return kDefaults;
}

double FlagCategoryWeight(std::string_view c) {
  if (c == "prepayment" || c == "off_platform_payment" || c == "card_or_code_request" ||
      c == "fake_link" || c == "fake_payment_confirmation")
    return 1.0;
  if (c == "contact_exchange") return 0.6;
  if (c == "pressure") return 0.4;
  if (c == "insult") return 0.1;
  return 0.5;
}

double ComplaintCategoryWeight(std::string_view c) {
  if (c == "fraud" || c == "prepayment_request") return 1.0;
  if (c == "not_as_described") return 0.5;
  if (c == "no_show" || c == "other") return 0.3;
  if (c == "rude") return 0.2;
  return 0.3;
}

UserScore ScoreUser(const UserSignals& u, const ScoringParams& p) {
  Signal signals[] = {Sanctions(u, p),      Complaints(u, p), Flags(u, p, true),
                      Flags(u, p, false),   RepeatedPhrase(u, p), NewAccount(u, p),
                      NoShows(u, p)};
  UserScore out;
  out.user_id = u.user_id;
  double total = 0;
  for (auto& s : signals) {
    const double points = Saturate(s.weight, s.units);
    total += points;
    if (Round1(points) <= 0) continue;
    Reason r{std::string(s.code), Round1(points), s.units, {}};
    std::stable_sort(s.evidence.begin(), s.evidence.end(),
                     [](const Weighted& a, const Weighted& b) { return a.strength > b.strength; });
    for (const auto& w : s.evidence) {
      if (static_cast<int>(r.evidence.size()) >= p.max_evidence) break;
      if (std::find(r.evidence.begin(), r.evidence.end(), w.evidence) == r.evidence.end())
        r.evidence.push_back(w.evidence);
    }
    out.reasons.push_back(std::move(r));
  }
  out.score = std::clamp(Round1(total), 0.0, 100.0);
  std::sort(out.reasons.begin(), out.reasons.end(), [](const Reason& a, const Reason& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.code < b.code;
  });
  if (static_cast<int>(out.reasons.size()) > p.max_reasons)
    out.reasons.resize(static_cast<std::size_t>(std::max(0, p.max_reasons)));
  return out;
}

bool RanksBefore(const UserScore& a, const UserScore& b) {
  const auto ka = ScoreKey(a.score), kb = ScoreKey(b.score);
  return ka != kb ? ka > kb : a.user_id < b.user_id;
}

void SortRanking(std::vector<UserScore>& scores) {
  std::sort(scores.begin(), scores.end(), RanksBefore);
}

std::string EncodeCursor(const RankCursor& c) {
  return std::to_string(ScoreKey(c.score)) + "." + std::to_string(c.user_id);
}

Result<RankCursor> DecodeCursor(std::string_view text) {
  const auto bad = [] {
    return base::InvalidArgument("invalid_cursor", "Query parameter 'cursor' is not valid");
  };
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return bad();
  std::int64_t key = 0, id = 0;
  const auto a = text.substr(0, dot), b = text.substr(dot + 1);
  auto ra = std::from_chars(a.data(), a.data() + a.size(), key);
  auto rb = std::from_chars(b.data(), b.data() + b.size(), id);
  if (a.empty() || b.empty() || ra.ec != std::errc() || ra.ptr != a.data() + a.size() ||
      rb.ec != std::errc() || rb.ptr != b.data() + b.size() || key < 0 || key > 1000)
    return bad();
  return RankCursor{static_cast<double>(key) / 10, id};
}

RankPage Rank(std::vector<UserScore> scores, const std::optional<RankCursor>& after, int limit,
              double min_score) {
  std::erase_if(scores, [&](const UserScore& s) { return ScoreKey(s.score) < ScoreKey(min_score); });
  SortRanking(scores);
  auto begin = scores.begin();
  if (after) {
    const UserScore key{after->user_id, after->score, {}};
    begin = std::upper_bound(scores.begin(), scores.end(), key, RanksBefore);
  }
  RankPage page;
  const auto available = static_cast<std::size_t>(scores.end() - begin);
  const auto n = std::min(available, static_cast<std::size_t>(std::max(0, limit)));
  page.items.assign(std::make_move_iterator(begin), std::make_move_iterator(begin + static_cast<std::ptrdiff_t>(n)));
  if (n < available && n > 0) page.next = RankCursor{page.items.back().score, page.items.back().user_id};
  return page;
}

}  // namespace vitrina::detection
