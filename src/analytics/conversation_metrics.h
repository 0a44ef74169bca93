#pragma once
// Conversation metrics of one call from both parties' word timelines: talk time and ratio,
// words per minute, turns, longest monologue, questions, interruptions per role; speaker
// switches, silences and overlaps per call. Definitions, thresholds and edge cases:
// docs/analytics.md "Conversation metrics". Pure functions of their arguments, no I/O;
// any thread.
//
// The input is the library's own (not store::TranscriptSegment) so that analytics does not
// depend on the store; the caller copies a transcript's segments into Utterances.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::analytics {

enum class Role { kBuyer, kSeller };

// "buyer" → kBuyer, "seller" → kSeller, anything else → nullopt.
std::optional<Role> ParseRole(std::string_view role);
std::string_view RoleName(Role role);

// One recognised word; times in ms on the call's timeline.
struct TimedWord {
  std::string text;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

// One utterance (a transcript segment) of one party. `words` may be empty when the recogniser
// gave no word timings: then [start_ms, end_ms] is taken as speech and `text` is counted.
struct Utterance {
  Role role = Role::kBuyer;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  std::vector<TimedWord> words;
};

// Thresholds (settings; docs/analytics.md). All in ms.
struct MetricsOptions {
  // A party's words separated by a pause shorter than this form one speech span (the pause
  // counts as their talk time, as a voice-activity detector's hang-over would).
  std::int64_t span_merge_pause_ms = 1000;
  // A gap in which neither party speaks counts as silence from this length on; it also ends
  // a monologue.
  std::int64_t silence_min_ms = 3000;
  // Both parties speaking counts as an overlap (and, if one started later, an interruption)
  // from this length on.
  std::int64_t overlap_min_ms = 1000;
};

// Field names are the API's (../shared/docs/API.md "Speech analytics").
struct SpeakerMetrics {
  std::int64_t talk_ms = 0;  // union of the party's speech spans
  double talk_ratio = 0;     // talk_ms / (buyer.talk_ms + seller.talk_ms); 0 if both 0
  std::int64_t words = 0;
  double wpm = 0;  // words per minute of the party's own talk time
  std::int64_t turns = 0;
  std::int64_t longest_monologue_ms = 0;
  std::int64_t questions = 0;
  std::int64_t interruptions = 0;  // overlaps this party started
};

struct SilenceMetrics {
  std::int64_t count = 0;
  std::int64_t total_ms = 0;
  std::int64_t longest_ms = 0;
  double ratio = 0;  // total_ms / duration_ms; 0 if the duration is 0
};

struct OverlapMetrics {
  std::int64_t count = 0;
  std::int64_t total_ms = 0;
};

struct Interval {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// One counted overlap and who began talking over whom (nullopt: both began at the same ms).
struct OverlapSpan {
  Interval at;
  std::optional<Role> started_by;
};

struct ConversationMetrics {
  std::int64_t duration_ms = 0;  // the call's duration the metrics were computed over
  SpeakerMetrics buyer;
  SpeakerMetrics seller;
  double switches_per_minute = 0;
  std::int64_t switches = 0;
  SilenceMetrics silence;
  OverlapMetrics overlaps;
  // Where they are on the timeline (for the player's markers), in time order.
  std::vector<Interval> silence_spans;
  std::vector<OverlapSpan> overlap_spans;

  SpeakerMetrics& Of(Role role) { return role == Role::kBuyer ? buyer : seller; }
  const SpeakerMetrics& Of(Role role) const { return role == Role::kBuyer ? buyer : seller; }
};

// Metrics of a call of `duration_ms` (<= 0: unknown, then the end of the last word or
// utterance). Utterances may come in any order and may overlap.
ConversationMetrics ComputeConversationMetrics(const std::vector<Utterance>& utterances,
                                               std::int64_t duration_ms,
                                               const MetricsOptions& options = {});

// Questions in one utterance's text: sentences ending in '?', plus an unpunctuated last (or
// only) sentence that opens with a Russian or English question cue, or holds the particle
// «ли». Rules: docs/analytics.md "Questions".
std::int64_t CountQuestions(std::string_view text);

}  // namespace vitrina::analytics
