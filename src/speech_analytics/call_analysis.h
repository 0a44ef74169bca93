#pragma once
// One transcript version of a call analysed: conversation metrics, loudness and tone per
// utterance, call-level tone per side and quarter, and the phrase rules' hits placed on the
// call's timeline (docs/analytics.md). Pure: no store, no I/O; any thread. The service
// (analytics_service.h) loads the transcript, runs this and stores the result.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analytics/conversation_metrics.h"
#include "analytics/rules.h"
#include "analytics/tone.h"
#include "store/records.h"

namespace vitrina::speech_analytics {

struct AnalysisOptions {
  analytics::MetricsOptions metrics;
  // Loudness 0–100: 50 is the speaker's median level, each dB above or below moves it by this.
  double loudness_points_per_db = 5.0;
  // A stretch of this many negative utterances of one side in a row (or one of score ≤ -0.6)
  // is a "negative-tone stretch" marker for the player.
  double strong_negative = -0.6;
};

struct UtteranceAnalysis {
  store::Id segment_id = 0;
  analytics::Role role = analytics::Role::kBuyer;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  analytics::ToneScore tone;
  std::optional<double> loudness_dbfs;   // the segment's RMS level
  std::optional<double> loudness_level;  // 0–100 against the speaker's median (50)
};

// A rule's hit placed on the timeline.
struct PlacedHit {
  analytics::RuleHit hit;
  store::Id segment_id = 0;
  analytics::Role role = analytics::Role::kBuyer;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;  // the words that matched, as recognised
};

struct CallAnalysis {
  analytics::ConversationMetrics metrics;
  analytics::CallTone tone;
  std::vector<UtteranceAnalysis> utterances;  // by start_ms
  std::vector<PlacedHit> hits;                // by start_ms
  std::vector<analytics::Interval> negative_stretches;  // merged spans of negative tone
};

// `duration_ms`: the call's length (<= 0: taken from the transcript). Rules come compiled.
CallAnalysis AnalyzeTranscript(const store::Transcript& transcript, std::int64_t duration_ms,
                               const analytics::RuleMatcher& rules, const AnalysisOptions& options = {});

// The API's object (../shared/docs/API.md "Speech analytics") without flags, which the store
// keeps as rows: {call_id, transcript_version, duration_ms, speakers, silence, overlaps,
// switches_per_minute, tone (+ quarters), utterances, negative_stretches, overlap_spans,
// silence_spans}.
boost::json::object AnalysisJson(const CallAnalysis& a, store::Id call_id, std::int64_t version);

}  // namespace vitrina::speech_analytics
