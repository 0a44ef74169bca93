#include "speech_analytics/call_analysis.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace vitrina::speech_analytics {
namespace {

namespace json = boost::json;
using analytics::Role;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Byte ranges of the segment's words in its text (the recogniser joins words with spaces);
// words not found in order are left out.
struct WordSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

std::vector<WordSpan> WordSpans(const store::TranscriptSegment& s) {
  std::vector<WordSpan> out;
  std::size_t at = 0;
  for (const auto& w : s.words) {
    if (w.w.empty()) continue;
    const auto found = s.text.find(w.w, at);
    if (found == std::string::npos) continue;
    out.push_back({found, found + w.w.size(), w.start_ms, w.end_ms});
    at = found + w.w.size();
  }
  return out;
}

// The time of bytes [begin, end) of the segment's text: the first and last word they touch.
std::pair<std::int64_t, std::int64_t> TimeOf(const store::TranscriptSegment& s,
                                             const std::vector<WordSpan>& words, std::size_t begin,
                                             std::size_t end) {
  std::optional<std::int64_t> from, to;
  for (const auto& w : words) {
    if (w.end <= begin || w.begin >= end) continue;
    if (!from) from = w.start_ms;
    to = w.end_ms;
  }
  if (!from) return {s.start_ms, s.end_ms};
  return {*from, *to};
}

json::object SpeakerJson(const analytics::SpeakerMetrics& m) {
  return {{"talk_ms", m.talk_ms},
          {"talk_ratio", m.talk_ratio},
          {"words", m.words},
          {"wpm", m.wpm},
          {"turns", m.turns},
          {"longest_monologue_ms", m.longest_monologue_ms},
          {"questions", m.questions},
          {"interruptions", m.interruptions}};
}

json::object ToneJson(const analytics::ToneScore& t) {
  return {{"label", analytics::ToneName(t.label)}, {"score", std::round(t.score * 1000) / 1000}};
}

json::array IntervalsJson(const std::vector<analytics::Interval>& spans) {
  json::array a;
  for (const auto& s : spans) a.push_back(json::object{{"start_ms", s.start_ms}, {"end_ms", s.end_ms}});
  return a;
}

}  // namespace

CallAnalysis AnalyzeTranscript(const store::Transcript& transcript, std::int64_t duration_ms,
                               const analytics::RuleMatcher& rules, const AnalysisOptions& options) {
  CallAnalysis out;
  std::vector<analytics::Utterance> utterances;
  utterances.reserve(transcript.segments.size());
  std::map<Role, std::vector<double>> levels;
  for (const auto& s : transcript.segments) {
    const auto role = analytics::ParseRole(s.speaker).value_or(Role::kBuyer);
    analytics::Utterance u;
    u.role = role;
    u.start_ms = s.start_ms;
    u.end_ms = s.end_ms;
    u.text = s.text;
    for (const auto& w : s.words) u.words.push_back({w.w, w.start_ms, w.end_ms});
    utterances.push_back(std::move(u));
    if (s.loudness_dbfs && *s.loudness_dbfs > -100) levels[role].push_back(*s.loudness_dbfs);
  }
  out.metrics = analytics::ComputeConversationMetrics(utterances, duration_ms, options.metrics);
  const std::map<Role, double> median_level = {{Role::kBuyer, Median(levels[Role::kBuyer])},
                                               {Role::kSeller, Median(levels[Role::kSeller])}};

  std::vector<analytics::TimedTone> tones;
  tones.reserve(transcript.segments.size());
  for (const auto& s : transcript.segments) {
    const auto role = analytics::ParseRole(s.speaker).value_or(Role::kBuyer);
    const auto& speaker = out.metrics.Of(role);
    UtteranceAnalysis u;
    u.segment_id = s.id;
    u.role = role;
    u.start_ms = s.start_ms;
    u.end_ms = s.end_ms;
    u.text = s.text;
    analytics::Arousal arousal;
    if (s.loudness_dbfs && *s.loudness_dbfs > -100 && !levels[role].empty()) {
      const double rel = *s.loudness_dbfs - median_level.at(role);
      u.loudness_dbfs = std::round(*s.loudness_dbfs * 10) / 10;
      u.loudness_level = std::clamp(50 + rel * options.loudness_points_per_db, 0.0, 100.0);
      arousal.loudness_rel_db = rel;
    }
    const auto words = static_cast<std::int64_t>(s.words.size());
    const auto span_ms = s.end_ms - s.start_ms;
    if (words >= 3 && span_ms > 0 && speaker.wpm > 0) {
      arousal.rate_ratio = (words * 60'000.0 / static_cast<double>(span_ms)) / speaker.wpm;
    }
    u.tone = analytics::ScoreTone(s.text, transcript.language, arousal);
    tones.push_back({role, s.start_ms, s.end_ms, u.tone, std::max<std::int64_t>(1, words)});

    const auto spans = WordSpans(s);
    for (auto& hit : rules.Match(s.text, transcript.language, role)) {
      PlacedHit p;
      p.segment_id = s.id;
      p.role = role;
      std::tie(p.start_ms, p.end_ms) = TimeOf(s, spans, hit.begin, hit.end);
      p.text = s.text.substr(hit.begin, hit.end - hit.begin);
      p.hit = std::move(hit);
      out.hits.push_back(std::move(p));
    }
    out.utterances.push_back(std::move(u));
  }
  out.tone = analytics::AggregateTone(tones, out.metrics.duration_ms);
  std::stable_sort(out.hits.begin(), out.hits.end(),
                   [](const PlacedHit& a, const PlacedHit& b) { return a.start_ms < b.start_ms; });

  // Negative-tone stretches: negative utterances, merged when less than a silence apart.
  for (const auto& u : out.utterances) {
    if (u.tone.label != analytics::Tone::kNegative) continue;
    auto& spans = out.negative_stretches;
    if (!spans.empty() && u.start_ms - spans.back().end_ms < options.metrics.silence_min_ms) {
      spans.back().end_ms = std::max(spans.back().end_ms, u.end_ms);
    } else {
      spans.push_back({u.start_ms, u.end_ms});
    }
  }
  return out;
}

json::object AnalysisJson(const CallAnalysis& a, store::Id call_id, std::int64_t version) {
  const auto& m = a.metrics;
  json::array utterances;
  for (const auto& u : a.utterances) {
    json::value loudness = nullptr;
    if (u.loudness_dbfs) {
      loudness = json::object{{"dbfs", *u.loudness_dbfs},
                              {"level", std::round(u.loudness_level.value_or(50))}};
    }
    utterances.push_back(json::object{{"segment_id", std::to_string(u.segment_id)},
                                      {"speaker", analytics::RoleName(u.role)},
                                      {"start_ms", u.start_ms},
                                      {"end_ms", u.end_ms},
                                      {"text", u.text},
                                      {"tone", analytics::ToneName(u.tone.label)},
                                      {"tone_score", std::round(u.tone.score * 1000) / 1000},
                                      {"loudness", std::move(loudness)}});
  }
  json::array quarters_b, quarters_s;
  for (const auto& q : a.tone.buyer_quarters) quarters_b.push_back(ToneJson(q));
  for (const auto& q : a.tone.seller_quarters) quarters_s.push_back(ToneJson(q));
  json::array overlaps;
  for (const auto& o : m.overlap_spans) {
    overlaps.push_back(json::object{
        {"start_ms", o.at.start_ms},
        {"end_ms", o.at.end_ms},
        {"started_by", o.started_by ? json::value(analytics::RoleName(*o.started_by)) : json::value(nullptr)}});
  }
  return {{"call_id", std::to_string(call_id)},
          {"transcript_version", version},
          {"duration_ms", m.duration_ms},
          {"speakers", json::object{{"buyer", SpeakerJson(m.buyer)}, {"seller", SpeakerJson(m.seller)}}},
          {"switches", m.switches},
          {"switches_per_minute", m.switches_per_minute},
          {"silence", json::object{{"count", m.silence.count},
                                   {"total_ms", m.silence.total_ms},
                                   {"longest_ms", m.silence.longest_ms},
                                   {"ratio", m.silence.ratio}}},
          {"overlaps", json::object{{"count", m.overlaps.count}, {"total_ms", m.overlaps.total_ms}}},
          {"tone", json::object{{"buyer", ToneJson(a.tone.buyer)},
                                {"seller", ToneJson(a.tone.seller)},
                                {"quarters", json::object{{"buyer", std::move(quarters_b)},
                                                          {"seller", std::move(quarters_s)}}}}},
          {"utterances", std::move(utterances)},
          {"markers", json::object{{"negative_tone", IntervalsJson(a.negative_stretches)},
                                   {"silences", IntervalsJson(m.silence_spans)},
                                   {"overlaps", std::move(overlaps)}}}};
}

}  // namespace vitrina::speech_analytics
