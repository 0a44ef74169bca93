#pragma once
// Tone of one utterance (positive / neutral / negative with a score in [-1, 1]) from the
// project's own Russian and English lexicons of word stems, with negation, intensifiers and
// diminishers, short phrases and an optional acoustic arousal; and the call's tone per party
// and per quarter of the call. Definitions, the lexicons' provenance, the rules and the
// evaluation: docs/analytics.md "## Tone". Pure functions of their arguments, no I/O; the
// lexicon is built once on first use (thread-safe static initialisation). Any thread.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/conversation_metrics.h"

namespace vitrina::analytics {

enum class Tone { kPositive, kNeutral, kNegative };

// "positive", "neutral", "negative".
std::string_view ToneName(Tone tone);
// The inverse of ToneName; anything else → nullopt.
std::optional<Tone> ParseTone(std::string_view name);

// `score` in [-1, 1]: below 0 negative, above 0 positive; `label` is `score` against the
// thresholds below (utterances) or kCallToneThreshold (AggregateTone).
struct ToneScore {
  Tone label = Tone::kNeutral;
  double score = 0;
};

// |score| at or above which an utterance is positive or negative.
inline constexpr double kToneThreshold = 0.3;
// The same for a party's tone over a call or a quarter (a mean of utterance scores, in which
// neutral utterances count as 0, so it is smaller than one utterance's).
inline constexpr double kCallToneThreshold = 0.1;

// Optional acoustics of the utterance relative to the same speaker in the same call.
struct Arousal {
  // Loudness minus the speaker's median loudness, dB (e.g. RMS in dBFS of the utterance minus
  // the median over the speaker's utterances).
  std::optional<double> loudness_rel_db;
  // Words (or syllables) per second over the speaker's median rate; 1 = usual speed.
  std::optional<double> rate_ratio;
};

// Arousal in [0, 1]: 0 for usual loudness and speed (or nothing known), 1 for shouting
// (+12 dB or more) and fast speech (1.5x or more). docs/analytics.md "Acoustic arousal".
double ArousalLevel(const Arousal& arousal);

// The tone of one utterance's text (a recogniser's output: any case, punctuation ignored).
// Each word's script chooses its lexicon (Cyrillic: Russian, Latin: English), so a Latin
// word inside Russian speech still counts; `language` ("ru", "en" or "") is accepted for the
// API's shape and does not change the result. Arousal only scales a score that the words
// already gave: it never gives a tone to an utterance without one. Empty text: neutral, 0.
ToneScore ScoreTone(std::string_view text, std::string_view language = {},
                    const Arousal& arousal = {});

// One scored utterance on the call's timeline.
struct TimedTone {
  Role role = Role::kBuyer;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  ToneScore tone;
  std::int64_t words = 0;  // its word count: the utterance's weight (at least 1)
};

// A party's tone over the whole call and over each quarter of the call's duration. A quarter
// (or a call) in which the party said nothing is neutral with score 0.
struct CallTone {
  ToneScore buyer;
  ToneScore seller;
  std::array<ToneScore, 4> buyer_quarters;
  std::array<ToneScore, 4> seller_quarters;

  const ToneScore& Of(Role role) const { return role == Role::kBuyer ? buyer : seller; }
  const std::array<ToneScore, 4>& QuartersOf(Role role) const {
    return role == Role::kBuyer ? buyer_quarters : seller_quarters;
  }
};

// Each party's tone: the mean of its utterances' scores weighted by their words; in a quarter,
// each utterance's weight is shared among the quarters its [start_ms, end_ms] overlaps, in
// proportion to the overlap (an utterance of zero length belongs to the quarter of its start).
// `duration_ms` <= 0: unknown, then the latest end of any utterance. Labels use
// kCallToneThreshold. Utterances may come in any order.
CallTone AggregateTone(const std::vector<TimedTone>& utterances, std::int64_t duration_ms);

// Lexicon lines that could not be used (unreadable, no word, or the same stems as another
// line with other attributes, e.g. two forms that stem alike); empty when the lexicon is sound.
std::vector<std::string> ToneLexiconProblems();

}  // namespace vitrina::analytics
