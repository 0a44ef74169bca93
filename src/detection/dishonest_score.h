#pragma once
// Dishonest-user ranking (issue 13 item 7): a score 0–100 per user from transparent signals
// over a window — upheld sanctions, complaints from distinct users, automatic flags by category
// and severity with their moderator verdicts, a phrase repeated across counterparts, a new
// account's first calls flagged, no-shows — each signal saturating so no single noisy one
// dominates, and each score listing its reasons with evidence (call and time range).
// Weights, formulas and the measured precision/recall: docs/analytics.md
// "## Dishonest-user ranking".
//
// Pure functions of their arguments: no store, no clock, no I/O; any thread. The caller (a job
// or the API) reads the signals from the store into UserSignals; the input types are the
// library's own so that detection depends on base only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vitrina::detection {

using base::Result;

// A place in a recording. [0, 0] means the whole call (no moment was given).
struct Evidence {
  std::int64_t call_id = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

enum class SanctionKind { kWarn, kBlock, kBan };
enum class ComplaintStatus { kOpen, kUpheld, kDismissed };
enum class FlagSeverity { kInfo, kWarn, kHigh };
enum class FlagVerdict { kNone, kCorrect, kWrong };

// The store's strings: "warn" | "block" | "ban"; "open" | "in_review" (→ kOpen) | "upheld" |
// "dismissed"; "info" | "warn" | "high"; "correct" | "wrong" (empty → kNone). Else nullopt.
std::optional<SanctionKind> ParseSanctionKind(std::string_view s);
std::optional<ComplaintStatus> ParseComplaintStatus(std::string_view s);
std::optional<FlagSeverity> ParseFlagSeverity(std::string_view s);
std::optional<FlagVerdict> ParseFlagVerdict(std::string_view s);

// A sanction a moderator decided against the user. Overturned ones (appeal won) never count.
struct SanctionSignal {
  SanctionKind kind = SanctionKind::kWarn;
  double age_days = 0;  // from its decision to the end of the window
  bool overturned = false;
  std::vector<Evidence> evidence;  // the decision's evidence ranges
};

// A complaint against the user. Several complaints of one reporter count once (their
// strongest); dismissed ones count nothing and lower the weight of the user's open ones.
struct ComplaintSignal {
  std::int64_t reporter_id = 0;
  std::string category;  // fraud | prepayment_request | rude | not_as_described | no_show | other
  ComplaintStatus status = ComplaintStatus::kOpen;
  Evidence evidence;  // the complaint's call and its first range (or quote match), else [0, 0]
};

// An automatic flag raised on what the user said. Flags a moderator marked wrong never count.
struct FlagSignal {
  std::string category;  // one of analytics::kRuleCategories
  FlagSeverity severity = FlagSeverity::kWarn;
  FlagVerdict verdict = FlagVerdict::kNone;
  std::int64_t counterpart_id = 0;  // the other party of the call
  // What makes two flags "the same phrase": the matched text normalised (folded, stemmed,
  // PII masked) or, failing that, "rule:<id>". Empty: not used for repetition.
  std::string phrase;
  Evidence evidence;
};

// Everything known about one user over the window.
struct UserSignals {
  std::int64_t user_id = 0;
  std::int64_t calls = 0;  // calls that took place in the window with the user in them
  double account_age_days = 0;
  // The account's first calls ever, in time order (at most ScoringParams::first_calls are
  // read); their flags are in `flags` when they fall in the window.
  std::vector<std::int64_t> first_call_ids;
  std::vector<SanctionSignal> sanctions;
  std::vector<ComplaintSignal> complaints;
  std::vector<FlagSignal> flags;
  std::vector<Evidence> no_shows;  // agreed calls the user did not join ([0, 0] ranges)
};

// How many points a signal can give (its weight; the seven sum to 100) and how many units of
// it give half of them: points = max_points × (1 − 2^(−units / half_units)).
struct SignalWeight {
  double max_points = 0;
  double half_units = 1;
};

// Every number of the formula. The defaults were tuned on one generated population and
// measured on another (docs/analytics.md); a deployment may override them from settings.
struct ScoringParams {
  SignalWeight upheld_sanction{28, 1.0};
  SignalWeight complaints{25, 0.75};
  SignalWeight flags_high{17, 1.0};
  SignalWeight flags_warn{9, 3.0};
  SignalWeight repeated_phrase{10, 1.5};
  SignalWeight new_account{6, 1.0};
  SignalWeight no_shows{5, 2.0};

  // Sanction units, halved every `sanction_half_life_days` of age.
  double sanction_warn = 0.5, sanction_block = 1.0, sanction_ban = 2.0;
  double sanction_half_life_days = 180;

  // A reporter's complaint: category weight × 1 if upheld, × open_complaint (× the share of
  // the user's decided reporters whose complaints were not dismissed) if open, 0 if dismissed.
  double open_complaint = 0.5;

  // A flag: category weight × severity factor × (correct_verdict if a moderator confirmed it).
  // Per call and category the strongest flag counts; "high" flags feed flags_high, the others
  // flags_warn, each minus the background noise expected of an honest user's `calls`.
  double severity_info = 0.25, severity_warn = 0.5, severity_high = 1.0;
  double correct_verdict = 3.0;
  double flags_high_noise_per_call = 0.015;
  double flags_warn_noise_per_call = 0.03;

  // Accounts at most this old whose first `first_calls` calls hold flags.
  double new_account_days = 30;
  int first_calls = 5;

  // No-shows beyond this share of agreed calls (calls + no-shows) count.
  double no_show_noise_rate = 0.05;

  int max_reasons = 5;   // reasons listed per score
  int max_evidence = 5;  // evidence items per reason
};

// The defaults (the documented table).
const ScoringParams& DefaultParams();

// Category weights: how much a flag or complaint of the category speaks for dishonesty, 0..1
// (the table in the docs; a category the table does not know weighs 0.5).
double FlagCategoryWeight(std::string_view category);
double ComplaintCategoryWeight(std::string_view category);

// Stable reason codes.
inline constexpr std::string_view kReasonUpheldSanction = "upheld_sanction";
inline constexpr std::string_view kReasonComplaints = "complaints_distinct_reporters";
inline constexpr std::string_view kReasonFlagsHigh = "flags_high_severity";
inline constexpr std::string_view kReasonFlagsWarn = "flags_warn_severity";
inline constexpr std::string_view kReasonRepeatedPhrase = "repeated_phrase_across_counterparts";
inline constexpr std::string_view kReasonNewAccount = "new_account_flagged";
inline constexpr std::string_view kReasonNoShows = "no_shows";

struct Reason {
  std::string code;
  double weight = 0;  // points this signal gave, rounded to 0.1
  double units = 0;   // the signal's raw amount before saturation (for the docs' formula)
  std::vector<Evidence> evidence;  // strongest first
};

struct UserScore {
  std::int64_t user_id = 0;
  double score = 0;  // 0–100, rounded to 0.1 (the sum of all signals' points)
  std::vector<Reason> reasons;  // weight > 0 only, highest first (ties by code)
};

UserScore ScoreUser(const UserSignals& user, const ScoringParams& params = DefaultParams());

// Ranking: score descending, then user id ascending. Scores compare at 0.1 precision.
bool RanksBefore(const UserScore& a, const UserScore& b);
void SortRanking(std::vector<UserScore>& scores);

// Keyset cursor: the last row of a page. Encoded "<score × 10>.<user_id>", e.g. "873.1042".
struct RankCursor {
  double score = 0;
  std::int64_t user_id = 0;
};
std::string EncodeCursor(const RankCursor& cursor);
// InvalidArgument "invalid_cursor".
Result<RankCursor> DecodeCursor(std::string_view text);

struct RankPage {
  std::vector<UserScore> items;
  std::optional<RankCursor> next;  // set when more rows follow
};

// The page of `limit` rows after `after` (from the top without it) of `scores` in ranking
// order. Users scoring below `min_score` are left out (by default those scoring 0).
RankPage Rank(std::vector<UserScore> scores, const std::optional<RankCursor>& after, int limit,
              double min_score = 0.1);

}  // namespace vitrina::detection
