// The OpenAI-compatible HTTP backend: each chunk goes to a transcription server as a WAV file
// in a multipart/form-data POST, and the verbose_json answer becomes words on our timeline.
//
// verbose_json comes in the shapes the servers in use produce:
// - OpenAI: top-level "words" [{word, start, end}] (no probability, no leading spaces, no
//   punctuation) beside "segments" [{start, end, text, avg_logprob, no_speech_prob}] without
//   words.
// - faster-whisper-server / speaches: "segments" each with "words" [{word, start, end,
//   probability}] (words with a leading space and their punctuation), the same words again at
//   the top level; either "words" may be null.
// - whisper.cpp's server: "segments" whose "words" are the model's sub-word *tokens*
//   (" cam", "era", ".": a leading space starts a word), each with start/end (its t0/t1 in
//   seconds), probability and t_dtw; segments are cut at ~60 characters, also inside a word;
//   no_speech_prob only in newer versions; old versions answer some errors with HTTP 200 and
//   {"error": "..."}.
// Times are seconds from the start of the audio sent.

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <semaphore>
#include <string_view>
#include <utility>

#include "asr/audio.h"
#include "asr/language_tag.h"
#include "asr/speech_recognizer.h"
#include "base/log.h"
#include "net/http_client.h"

namespace vitrina::asr {

namespace {

namespace json = boost::json;

constexpr const char* kEngine = "openai-http";
// Segments Whisper itself thinks are silence (hallucinated "Thank you." and the like on noise).
constexpr double kMaxNoSpeechProb = 0.8;
// Word confidence when the server gives neither word probabilities nor avg_logprob.
constexpr double kUnknownConfidence = 0.5;
// Longer input is sent as several requests cut at quiet points: 10 min of 16-bit 16 kHz mono
// is 19.2 MB, under OpenAI's 25 MB upload limit. (The pipeline sends VAD regions of <= 30 s.)
constexpr std::int64_t kMaxRequestMs = 10 * 60 * 1000;
constexpr std::size_t kExcerptBytes = 300;

// ---- The request ---------------------------------------------------------------------------

void PutLe(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A canonical 44-byte-header PCM WAV: 16 kHz, mono, 16-bit little-endian.
std::string EncodeWav(std::span<const std::int16_t> pcm) {
  const auto data_bytes = static_cast<std::uint32_t>(pcm.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  PutLe(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  PutLe(out, 16, 4);  // fmt chunk size
  PutLe(out, 1, 2);   // PCM
  PutLe(out, 1, 2);   // channels
  PutLe(out, kSampleRate, 4);
  PutLe(out, kSampleRate * 2, 4);  // byte rate
  PutLe(out, 2, 2);                // block align
  PutLe(out, 16, 2);               // bits per sample
  out += "data";
  PutLe(out, data_bytes, 4);
  for (const std::int16_t s : pcm) PutLe(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

struct FormField {
  std::string name;
  std::string value;
  std::string filename;      // set for a file
  std::string content_type;  // set for a file
};

// A boundary that does not occur in the content (checked, so binary audio cannot break it).
std::string MakeBoundary(const std::vector<FormField>& fields) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    std::string boundary = std::string("vitrina-asr-") + hex;
    const bool clash = std::any_of(fields.begin(), fields.end(), [&](const FormField& f) {
      return f.value.find(boundary) != std::string::npos;
    });
    if (!clash) return boundary;
  }
}

std::string EncodeMultipart(const std::vector<FormField>& fields, const std::string& boundary) {
  std::size_t size = boundary.size() + 8;
  for (const FormField& f : fields) size += f.value.size() + boundary.size() + 160;
  std::string out;
  out.reserve(size);
  for (const FormField& f : fields) {
    out += "--" + boundary + "\r\n";
    out += "Content-Disposition: form-data; name=\"" + f.name + "\"";
    if (!f.filename.empty()) out += "; filename=\"" + f.filename + "\"";
    out += "\r\n";
    if (!f.content_type.empty()) out += "Content-Type: " + f.content_type + "\r\n";
    out += "\r\n";
    out += f.value;
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

// ---- The answer ----------------------------------------------------------------------------

// verbose_json as received, times in seconds from the start of the audio sent.
struct RawWord {
  std::string text;  // as sent, leading space included
  double start = 0;
  double end = 0;
  std::optional<double> probability;
};

struct RawSegment {
  double start = 0;
  double end = 0;
  std::string text;
  std::optional<double> avg_logprob;
  std::optional<double> no_speech_prob;
  std::vector<RawWord> words;  // empty if absent or null
};

struct RawAnswer {
  std::vector<RawSegment> segments;
  std::vector<RawWord> words;  // top level
  std::string text;            // top level
  bool has_segments = false;
  bool has_words = false;
};

// Throws nothing: every shape problem is a string for the asr_failed message.
class Reader {
 public:
  // The member, or nullptr when it is absent or JSON null.
  static const json::value* Get(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  static std::optional<double> AsNumber(const json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return std::nullopt;
  }

  bool Number(const json::object& o, std::string_view key, const std::string& where, double& out) {
    const json::value* v = Get(o, key);
    const auto n = v ? AsNumber(*v) : std::nullopt;
    if (!n) return Fail(where + "." + std::string(key) + " is missing or not a number");
    out = *n;
    return true;
  }

  bool OptionalNumber(const json::object& o, std::string_view key, const std::string& where,
                      std::optional<double>& out) {
    const json::value* v = Get(o, key);
    if (v == nullptr) return true;
    out = AsNumber(*v);
    return out ? true : Fail(where + "." + std::string(key) + " is not a number");
  }

  bool String(const json::object& o, std::string_view key, const std::string& where,
              std::string& out, bool required) {
    const json::value* v = Get(o, key);
    if (v == nullptr) return required ? Fail(where + "." + std::string(key) + " is missing") : true;
    if (!v->is_string()) return Fail(where + "." + std::string(key) + " is not a string");
    out = std::string(v->get_string());
    return true;
  }

  bool Words(const json::value* v, const std::string& where, std::vector<RawWord>& out) {
    if (v == nullptr) return true;
    if (!v->is_array()) return Fail(where + " is not an array");
    std::size_t i = 0;
    for (const json::value& item : v->get_array()) {
      const std::string at = where + "[" + std::to_string(i++) + "]";
      if (!item.is_object()) return Fail(at + " is not an object");
      const json::object& o = item.get_object();
      RawWord w;
      if (!String(o, "word", at, w.text, true) || !Number(o, "start", at, w.start) ||
          !Number(o, "end", at, w.end) || !OptionalNumber(o, "probability", at, w.probability)) {
        return false;
      }
      out.push_back(std::move(w));
    }
    return true;
  }

  bool Segment(const json::value& item, const std::string& at, RawSegment& s) {
    if (!item.is_object()) return Fail(at + " is not an object");
    const json::object& o = item.get_object();
    return Number(o, "start", at, s.start) && Number(o, "end", at, s.end) &&
           String(o, "text", at, s.text, false) &&
           OptionalNumber(o, "avg_logprob", at, s.avg_logprob) &&
           OptionalNumber(o, "no_speech_prob", at, s.no_speech_prob) &&
           Words(Get(o, "words"), at + ".words", s.words);
  }

  bool Fail(std::string what) {
    problem = std::move(what);
    return false;
  }

  std::string problem;
};

// Parses the answer; on failure returns the reason (for asr_failed).
std::optional<std::string> ParseAnswer(std::string_view body, RawAnswer& answer) {
  boost::system::error_code ec;
  const json::value root = json::parse(body, ec);
  if (ec) return "not JSON (" + ec.message() + ")";
  if (!root.is_object()) return std::string("not a JSON object");
  const json::object& o = root.as_object();
  if (const json::value* error = Reader::Get(o, "error")) {
    // whisper.cpp: {"error": "failed to read WAV file"} (with HTTP 200 in older versions);
    // OpenAI: {"error": {"message": ...}}.
    const json::value* message =
        error->is_object() ? Reader::Get(error->get_object(), "message") : error;
    return "the server reports an error: " + (message && message->is_string()
                                                  ? std::string(message->get_string())
                                                  : json::serialize(*error));
  }
  Reader reader;
  if (!reader.String(o, "text", "answer", answer.text, false)) return reader.problem;
  if (const json::value* segments = Reader::Get(o, "segments")) {
    if (!segments->is_array()) return std::string("answer.segments is not an array");
    answer.has_segments = true;
    std::size_t i = 0;
    for (const json::value& item : segments->get_array()) {
      RawSegment s;
      if (!reader.Segment(item, "segments[" + std::to_string(i++) + "]", s)) {
        return reader.problem;
      }
      answer.segments.push_back(std::move(s));
    }
  }
  if (const json::value* words = Reader::Get(o, "words")) {
    answer.has_words = true;
    if (!reader.Words(words, "words", answer.words)) return reader.problem;
  }
  if (!answer.has_segments && !answer.has_words && !o.contains("text")) {
    return std::string("neither segments, words nor text in it");
  }
  return std::nullopt;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string Trimmed(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// A word on its way out: times still in seconds.
struct Draft {
  std::string text;
  double start = 0;
  double end = 0;
  double probability_sum = 0;
  int probabilities = 0;  // pieces that had one
};

struct DraftSegment {
  std::vector<Draft> words;
  double confidence = kUnknownConfidence;  // of words without a probability of their own
};

double SegmentConfidence(const RawSegment& s) {
  // avg_logprob is the mean log-probability of the segment's tokens: exp() is their geometric
  // mean probability.
  if (s.avg_logprob && std::isfinite(*s.avg_logprob)) {
    return std::clamp(std::exp(*s.avg_logprob), 0.0, 1.0);
  }
  return kUnknownConfidence;
}

bool Skipped(const RawSegment& s) {
  return (s.no_speech_prob && *s.no_speech_prob > kMaxNoSpeechProb) || Trimmed(s.text).empty();
}

Draft FromRaw(const RawWord& w) {
  Draft d{w.text, w.start, w.end, 0, 0};
  if (w.probability) {
    d.probability_sum = *w.probability;
    d.probabilities = 1;
  }
  return d;
}

// A segment without word times (OpenAI without word granularity, or a server that ignores it):
// ESTIMATED word spans, one per whitespace-separated token of its text, splitting the
// segment's time in proportion to each token's length in characters (+1 for the gap). Good
// enough to find the passage in a call; not real word timings.
std::vector<Draft> EstimateWords(std::string_view text, double start, double end) {
  std::vector<std::string> tokens;
  std::vector<double> weights;
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !IsSpace(text[j])) ++j;
    if (j > i) {
      double chars = 1;  // the gap after it
      for (std::size_t k = i; k < j; ++k) chars += (text[k] & 0xC0) != 0x80 ? 1 : 0;  // UTF-8
      tokens.emplace_back(text.substr(i, j - i));
      weights.push_back(chars);
      total += chars;
    }
    i = j;
  }
  std::vector<Draft> out;
  double at = start;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const double next = k + 1 == tokens.size() ? end : at + (end - start) * weights[k] / total;
    out.push_back(Draft{tokens[k], at, next, 0, 0});
    at = next;
  }
  return out;
}

// Whisper's non-speech annotations: "[BLANK_AUDIO]", "[Music]", "(laughs)", "(upbeat music)" —
// a word opening with [ or ( up to the word that closes it, within the segment. An opening
// bracket that is never closed is kept as text.
void DropAnnotations(std::vector<Draft>& words) {
  std::vector<Draft> kept;
  std::size_t i = 0;
  while (i < words.size()) {
    const std::string& t = words[i].text;
    const char open = t.empty() ? '\0' : t.front();
    if (open == '[' || open == '(') {
      const char close = open == '[' ? ']' : ')';
      std::size_t j = i;
      while (j < words.size() && (words[j].text.empty() || words[j].text.back() != close)) ++j;
      if (j < words.size()) {
        i = j + 1;
        continue;
      }
    }
    kept.push_back(std::move(words[i++]));
  }
  words = std::move(kept);
}

// Words per segment from the answer, in seconds, before clean-up.
std::vector<DraftSegment> Draw(const RawAnswer& answer, double duration_s) {
  std::vector<DraftSegment> out;
  out.reserve(answer.segments.size() + 1);
  const bool segment_words = std::any_of(answer.segments.begin(), answer.segments.end(),
                                         [](const RawSegment& s) { return !s.words.empty(); });

  if (segment_words) {
    // faster-whisper words all start with a space, OpenAI-style ones never do; whisper.cpp's
    // tokens mix both, and a token without one continues the word before it — also across a
    // segment boundary, since whisper.cpp cuts segments inside words.
    bool spaced = false;
    for (const RawSegment& s : answer.segments) {
      for (const RawWord& w : s.words) spaced = spaced || (!w.text.empty() && IsSpace(w.text[0]));
    }
    Draft* last = nullptr;  // the word a continuation piece joins
    for (const RawSegment& s : answer.segments) {
      if (Skipped(s)) {
        last = nullptr;
        continue;
      }
      DraftSegment& d = out.emplace_back();
      d.confidence = SegmentConfidence(s);
      if (s.words.empty()) {
        d.words = EstimateWords(s.text, s.start, s.end);
        last = nullptr;
        continue;
      }
      d.words.reserve(s.words.size());
      for (const RawWord& w : s.words) {
        if (spaced && last != nullptr && !w.text.empty() && !IsSpace(w.text[0])) {
          last->text += w.text;
          last->end = std::max(last->end, w.end);
          if (w.probability) {
            last->probability_sum += *w.probability;
            ++last->probabilities;
          }
          continue;
        }
        d.words.push_back(FromRaw(w));
        // Stays valid: neither d.words nor `out` grows past what was reserved.
        last = &d.words.back();
      }
    }
    // (A segment whose pieces all continued the word before it stays empty; Finish drops it.)
  } else if (!answer.words.empty() && !answer.segments.empty()) {
    // OpenAI: each top-level word goes to the segment it overlaps most (or the nearest one);
    // words of skipped segments go with them.
    out.resize(answer.segments.size());
    for (std::size_t i = 0; i < answer.segments.size(); ++i) {
      out[i].confidence = SegmentConfidence(answer.segments[i]);
    }
    for (const RawWord& w : answer.words) {
      std::size_t best = 0;
      double best_score = -std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < answer.segments.size(); ++i) {
        const RawSegment& s = answer.segments[i];
        // Overlap when positive, minus the distance when not.
        const double score = std::min(w.end, s.end) - std::max(w.start, s.start);
        if (score > best_score) {
          best_score = score;
          best = i;
        }
      }
      out[best].words.push_back(FromRaw(w));
    }
    std::vector<DraftSegment> kept;
    for (std::size_t i = 0; i < answer.segments.size(); ++i) {
      if (Skipped(answer.segments[i])) continue;
      if (out[i].words.empty()) {
        const RawSegment& s = answer.segments[i];
        out[i].words = EstimateWords(s.text, s.start, s.end);
      }
      kept.push_back(std::move(out[i]));
    }
    out = std::move(kept);
  } else if (!answer.words.empty()) {
    out.emplace_back().words.reserve(answer.words.size());
    for (const RawWord& w : answer.words) out.back().words.push_back(FromRaw(w));
  } else if (!answer.segments.empty()) {
    for (const RawSegment& s : answer.segments) {
      if (Skipped(s)) continue;
      DraftSegment& d = out.emplace_back();
      d.confidence = SegmentConfidence(s);
      d.words = EstimateWords(s.text, s.start, s.end);
    }
  } else if (!answer.has_segments && !answer.has_words && !Trimmed(answer.text).empty()) {
    // Only {"text": ...}: the server ignored response_format. Spread over the whole chunk.
    out.emplace_back().words = EstimateWords(answer.text, 0, duration_s);
  }
  return out;
}

// Times in ms on the caller's timeline (clamped to the chunk, increasing, non-overlapping, at
// least 1 ms), texts trimmed, annotations dropped, segment fields filled in.
std::vector<Segment> Finish(std::vector<DraftSegment> drafts, std::int64_t offset_ms,
                            std::int64_t duration_ms) {
  std::vector<Segment> out;
  std::int64_t previous_end = 0;
  auto to_ms = [&](double seconds) {
    const double ms = std::isfinite(seconds) ? std::round(seconds * 1000.0) : 0.0;
    return static_cast<std::int64_t>(std::clamp(ms, 0.0, static_cast<double>(duration_ms)));
  };
  for (DraftSegment& draft : drafts) {
    for (Draft& d : draft.words) d.text = Trimmed(d.text);
    std::erase_if(draft.words, [](const Draft& d) { return d.text.empty(); });
    DropAnnotations(draft.words);
    if (draft.words.empty()) continue;

    Segment segment;
    double weighted = 0;
    std::int64_t spoken_ms = 0;
    for (const Draft& d : draft.words) {
      Word w;
      w.text = d.text;
      w.start_ms = std::max(to_ms(d.start), previous_end);
      w.end_ms = std::max(to_ms(d.end), w.start_ms + 1);
      w.confidence = d.probabilities > 0 ? std::clamp(d.probability_sum / d.probabilities, 0.0, 1.0)
                                         : draft.confidence;
      previous_end = w.end_ms;
      if (!segment.text.empty()) segment.text += ' ';
      segment.text += w.text;
      weighted += w.confidence * static_cast<double>(w.end_ms - w.start_ms);
      spoken_ms += w.end_ms - w.start_ms;
      segment.words.push_back(std::move(w));
    }
    segment.start_ms = segment.words.front().start_ms;
    segment.end_ms = segment.words.back().end_ms;
    // Like pocketsphinx's: the words' confidences weighted by their durations.
    segment.confidence = weighted / static_cast<double>(spoken_ms);
    for (Word& w : segment.words) {
      w.start_ms += offset_ms;
      w.end_ms += offset_ms;
    }
    segment.start_ms += offset_ms;
    segment.end_ms += offset_ms;
    out.push_back(std::move(segment));
  }
  return out;
}

// ---- The recognizer ------------------------------------------------------------------------

// One configured language: immutable, plus the shared limit of its server.
struct Server {
  std::string language;  // normalised tag
  OpenAiHttpModel model;
  std::shared_ptr<std::counting_semaphore<>> limit;  // shared by languages on one host:port
};

class SemaphoreGuard {
 public:
  explicit SemaphoreGuard(std::counting_semaphore<>& s) : s_(s) { s_.acquire(); }
  ~SemaphoreGuard() { s_.release(); }
  SemaphoreGuard(const SemaphoreGuard&) = delete;
  SemaphoreGuard& operator=(const SemaphoreGuard&) = delete;

 private:
  std::counting_semaphore<>& s_;
};

// Owns the configuration (immutable after construction) and one semaphore per server.
// Thread-safe: any number of job workers may call Recognize; at most max_concurrent requests
// per server are in flight, later callers block until one finishes (or times out).
class OpenAiHttpRecognizer final : public SpeechRecognizer {
 public:
  explicit OpenAiHttpRecognizer(std::map<std::string, Server> servers)
      : servers_(std::move(servers)) {}

  Result<Recognition> Recognize(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                                const std::string& language) override {
    const auto it = internal::FindLanguage(servers_, language);
    if (it == servers_.end()) {
      return internal::UnsupportedLanguage("transcription server", language, servers_);
    }
    const Server& server = it->second;
    Recognition result;
    result.engine = kEngine;
    result.model = server.model.model;
    result.language = server.language;
    if (pcm.empty()) return result;

    const auto total_ms = static_cast<std::int64_t>(pcm.size()) * 1000 / kSampleRate;
    std::vector<SpeechRegion> pieces = {{0, total_ms}};
    if (total_ms > kMaxRequestMs) pieces = SplitLongRegions(pcm, std::move(pieces), kMaxRequestMs);
    for (const SpeechRegion& piece : pieces) {
      const std::size_t a = SampleAt(piece.start_ms, pcm.size());
      const std::size_t b =
          piece.end_ms >= total_ms ? pcm.size() : SampleAt(piece.end_ms, pcm.size());
      if (b <= a) continue;
      auto segments = TRY(Transcribe(server, pcm.subspan(a, b - a), offset_ms + piece.start_ms));
      for (Segment& s : segments) result.segments.push_back(std::move(s));
    }
    return result;
  }

  std::string Describe() const override {
    std::string out;
    for (const auto& [language, server] : servers_) {
      out += (out.empty() ? "" : ", ") + language + ": " + server.model.model + " at " +
             server.model.url;
    }
    return std::string(kEngine) + " (" + out + ")";
  }

 private:
  Result<std::vector<Segment>> Transcribe(const Server& server, std::span<const std::int16_t> pcm,
                                          std::int64_t offset_ms) const {
    const OpenAiHttpModel& m = server.model;
    const auto duration_ms = static_cast<std::int64_t>(pcm.size()) * 1000 / kSampleRate;
    const std::vector<FormField> fields = {
        {"model", m.model, "", ""},
        {"language", internal::PrimaryLanguageSubtag(server.language), "", ""},
        {"response_format", "verbose_json", "", ""},
        {"timestamp_granularities[]", "word", "", ""},
        {"timestamp_granularities[]", "segment", "", ""},
        {"temperature", "0", "", ""},
        {"file", EncodeWav(pcm), "audio.wav", "audio/wav"},
    };
    const std::string boundary = MakeBoundary(fields);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "multipart/form-data; boundary=" + boundary},
        {"Accept", "application/json"},
    };
    if (!m.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + m.api_key);

    base::Result<net::HttpClientResponse> res = base::Internal("not sent");
    {
      SemaphoreGuard in_flight(*server.limit);
      res =
          net::HttpRequest("POST", m.url, EncodeMultipart(fields, boundary), headers, m.timeout);
    }
    if (!res) {
      return base::Fail(base::ErrorKind::kUnavailable, "asr_unavailable",
                        std::string(kEngine) + ": " + res.error().message);
    }
    base::log::Debug("asr_http", {{"url", m.url},
                                  {"language", server.language},
                                  {"audio_ms", duration_ms},
                                  {"status", res->status},
                                  {"bytes", res->body.size()}});
    if (res->status < 200 || res->status >= 300) {
      return base::Fail(base::ErrorKind::kUnavailable, "asr_unavailable",
                        std::string(kEngine) + ": POST " + m.url + ": HTTP " +
                            std::to_string(res->status) + ": " + Excerpt(res->body, m.api_key));
    }
    RawAnswer answer;
    if (auto problem = ParseAnswer(res->body, answer)) {
      return base::Fail(base::ErrorKind::kInternal, "asr_failed",
                        std::string(kEngine) + ": POST " + m.url + ": unexpected answer: " +
                            *problem + ": " + Excerpt(res->body, m.api_key));
    }
    return Finish(Draw(answer, static_cast<double>(duration_ms) / 1000.0), offset_ms, duration_ms);
  }

  // The start of a body for an error message: one line, cut at a UTF-8 boundary, and without
  // the API key should the server echo it.
  static std::string Excerpt(std::string_view body, const std::string& api_key) {
    std::string out(body.substr(0, kExcerptBytes));
    if (body.size() > kExcerptBytes) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
        out.pop_back();
      }
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
      out += "...";
    }
    for (char& c : out) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    if (!api_key.empty()) {
      for (auto at = out.find(api_key); at != std::string::npos; at = out.find(api_key, at)) {
        out.replace(at, api_key.size(), "***");
      }
    }
    return out.empty() ? "(empty body)" : out;
  }

  const std::map<std::string, Server> servers_;  // by normalised tag
};

}  // namespace

Result<std::unique_ptr<SpeechRecognizer>> MakeOpenAiHttpRecognizer(OpenAiHttpOptions options) {
  auto config_error = [](const std::string& what) {
    return base::InvalidArgument("asr_config", "transcription server: " + what);
  };
  if (options.languages.empty()) return config_error("no languages configured");
  std::map<std::string, Server> servers;
  std::map<std::string, int> limits;  // host:port -> smallest max_concurrent
  for (auto& [language, model] : options.languages) {
    const std::string tag = internal::NormaliseLanguageTag(language);
    if (tag.empty()) return config_error("empty language tag");
    const std::string where = "language \"" + tag + "\": ";
    if (model.url.rfind("https://", 0) == 0) {
      return config_error(where + "https is not supported (" + model.url +
                          "): put a TLS-terminating proxy in front and give its http:// URL");
    }
    auto url = net::ParseUrl(model.url);
    if (!url || url->scheme != "http") {
      return config_error(where + "the URL must be http://host[:port]/path, not \"" + model.url +
                          "\"");
    }
    if (model.model.empty()) return config_error(where + "no model name");
    if (model.timeout.count() < 1) return config_error(where + "timeout must be at least 1 ms");
    if (model.max_concurrent < 1) return config_error(where + "max_concurrent must be at least 1");
    const std::string host_port = url->host + ":" + url->port;
    auto [limit, fresh] = limits.emplace(host_port, model.max_concurrent);
    if (!fresh) limit->second = std::min(limit->second, model.max_concurrent);
    Server server{tag, std::move(model), nullptr};
    if (!servers.emplace(tag, std::move(server)).second) {
      return config_error("language \"" + tag + "\" configured twice");
    }
  }
  std::map<std::string, std::shared_ptr<std::counting_semaphore<>>> semaphores;
  for (const auto& [host_port, limit] : limits) {
    semaphores.emplace(host_port, std::make_shared<std::counting_semaphore<>>(limit));
  }
  for (auto& [tag, server] : servers) {
    const auto url = net::ParseUrl(server.model.url);
    server.limit = semaphores.at(url->host + ":" + url->port);
  }
  return std::unique_ptr<SpeechRecognizer>(
      std::make_unique<OpenAiHttpRecognizer>(std::move(servers)));
}

}  // namespace vitrina::asr
