#pragma once
// The moderation rules that need no database: category severity, case priority, SLA state,
// and matching a complaint's quote to the accused's transcript words (docs/moderation.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "store/records.h"

namespace vitrina::moderation {

inline constexpr std::array<std::string_view, 6> kCategories = {
    "fraud", "prepayment_request", "rude", "not_as_described", "no_show", "other"};

bool IsCategory(std::string_view category);
// 1 (most urgent) .. 3.
int Severity(std::string_view category);

struct PriorityInputs {
  int most_severe = 3;         // Severity of the case's most severe undecided complaint
  int complainants = 0;        // distinct reporters
  bool recent_sanction = false;  // in force or imposed in the last 365 days, not overturned
};
// Reporter credibility (docs/quality.md "Reporter credibility"): the share of a reporter's last
// 100 decided complaints that were upheld, smoothed toward one half ((upheld + 1) / (decided +
// 2)) so a new reporter starts neither trusted nor distrusted.
double ReporterCredibility(std::int64_t upheld, std::int64_t dismissed);
// The severity a reporter's complaint weighs in its case's priority: one step less urgent
// (never below 3) from a reporter with at least 5 decided complaints and a credibility under
// 0.25, as given otherwise.
int WeightedSeverity(int severity, std::int64_t upheld, std::int64_t dismissed);

// The case priority: the most severe complaint's, one step more urgent with 3 or more
// complainants, one more with a recent sanction; never above 1.
int CasePriority(const PriorityInputs& in);

// SLA per priority (index 0 = P1).
struct SlaPolicy {
  std::array<std::int64_t, 3> due_ms = {60 * 60'000LL, 8 * 60 * 60'000LL, 48 * 60 * 60'000LL};
  std::int64_t For(int priority) const;
};
// on_time | at_risk (the last quarter of the priority's SLA) | breached.
std::string SlaState(const SlaPolicy& sla, int priority, base::TimeMs due, base::TimeMs now);

struct QuoteMatch {
  std::vector<store::Id> segment_ids;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  int matched = 0;  // quote words found in order in the window
  int words = 0;    // quote words
};
// Finds `quote` in `segments` (the accused speaker's, in time order): the window of
// transcript words as long as the quote holding the most quote words in order (compared as
// Snowball stems), if at least 60 % of the quote's words are there. Recognition errors and
// paraphrase keep an exact match from being required.
std::optional<QuoteMatch> MatchQuote(std::string_view quote,
                                     const std::vector<store::TranscriptSegment>& segments);

}  // namespace vitrina::moderation
