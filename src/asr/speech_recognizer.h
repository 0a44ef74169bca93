#pragma once
// The speech-recognition boundary: 16 kHz mono PCM in, words with times and confidences out.
// Backends are swappable (pocketsphinx in-process; OpenAI-compatible transcription servers over
// HTTP), chosen per language by whoever wires them up (MakeLanguageRouter).
//
// Times are milliseconds on the caller's timeline: every time in a Recognition is the position
// inside the given PCM plus `offset_ms` (the chunk's place on the call's common timeline).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace vitrina::asr {

using base::Result;

// The sample rate every recognizer takes.
inline constexpr int kSampleRate = 16'000;

struct Word {
  std::string text;  // as the model spells it (pocketsphinx en-us: lower case), no fillers
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;  // exclusive
  double confidence = 0.0;  // 0..1; backend-specific (pocketsphinx: lattice posterior)
};

struct Segment {
  std::int64_t start_ms = 0;  // of its first word (or of the audio it came from if no words)
  std::int64_t end_ms = 0;    // exclusive
  std::string text;           // the words joined by single spaces
  double confidence = 0.0;    // 0..1; pocketsphinx: duration-weighted mean of its words'
  std::vector<Word> words;    // in time order, non-overlapping
  // RMS level of the segment's samples in dBFS (full-scale sine: -3 dB); set by the
  // transcriber, which has the audio; null when not measured.
  std::optional<double> loudness_dbfs;
};

struct Recognition {
  std::string engine;             // e.g. "pocketsphinx-5prealpha"
  std::string model;              // the model's name, for versioning transcripts
  std::string language;           // the language the model was chosen for, e.g. "en"
  std::vector<Segment> segments;  // in time order; empty when nothing was recognised
};

// A speech recognizer. Implementations are thread-safe: Recognize may be called from several
// job-worker threads at once. Recognize is CPU-heavy and blocks (pocketsphinx en-us: about 0.13
// CPU-s per second of speech), so it belongs on a job worker, never on an I/O thread. The object
// must outlive every call.
class SpeechRecognizer {
 public:
  virtual ~SpeechRecognizer() = default;

  // Recognises one stretch of speech (typically one voice-activity region, seconds to tens of
  // seconds; longer input is split internally at quiet points). `language` is a BCP 47 tag
  // ("en", "en-US"; matched case-insensitively, then by its primary subtag). Silence or
  // unintelligible audio is not an error: the result then has no segments. Errors:
  // kInvalidArgument "unsupported_language" (no model configured for it, naming those that
  // are); kInternal "asr_failed" naming the backend's complaint; kUnavailable "asr_unavailable"
  // when a backend server is down, overloaded or too slow (retry later).
  virtual Result<Recognition> Recognize(std::span<const std::int16_t> pcm_16k_mono,
                                        std::int64_t offset_ms, const std::string& language) = 0;

  // For logs and /readyz, e.g. "pocketsphinx (en: cmusphinx-en-us-5prealpha)".
  virtual std::string Describe() const = 0;
};

// ---- pocketsphinx (CMU Sphinx, in-process) ------------------------------------------------

// One CMU Sphinx model set. Any pocketsphinx-compatible model (cmusphinx.github.io "Models")
// can be dropped in per language.
struct SphinxModel {
  std::string name;  // reported as Recognition::model, e.g. "cmusphinx-en-us-5prealpha"
  std::string hmm;   // acoustic model directory (holds mdef, means, feat.params ...)
  std::string lm;    // n-gram language model (.lm.bin, .lm or .dmp)
  std::string dict;  // pronunciation dictionary
  // More decoder arguments, e.g. {{"-topn", "2"}} to trade accuracy for speed. Names must be
  // pocketsphinx's; "-hmm", "-lm", "-dict", "-logfn" and "-remove_silence" are set here.
  std::vector<std::pair<std::string, std::string>> extra_args;
};

// The model of Debian's pocketsphinx-en-us package under /usr/share/pocketsphinx/model.
SphinxModel DebianEnUsModel();

struct PocketSphinxOptions {
  // Models by language tag (lower case: "en", "en-gb"). Default: {"en": DebianEnUsModel()}.
  std::map<std::string, SphinxModel> languages = {{"en", DebianEnUsModel()}};
  // Decoders kept per language. A decoder is not thread-safe and takes ~100 MB, so each
  // Recognize call borrows one; calls beyond this many wait for one to come back. Match it to
  // the number of job-worker threads that recognise at once (2).
  int max_decoders_per_language = 2;
  // Input longer than this is recognised as several utterances cut at the quietest points:
  // pocketsphinx's search grows with utterance length and gets worse past ~30 s.
  std::int64_t max_utterance_ms = 30'000;
  // Load one decoder per language in the factory, so a missing or broken model shows at
  // start-up instead of in the first job. (pocketsphinx exit()s the process on some malformed
  // model files; start-up is the place for that to happen.)
  bool preload = true;
};

// Errors: kInvalidArgument "asr_model_missing" when a model path does not exist, or "asr_config"
// for a bad option (unknown decoder argument, duplicate language); kInternal "asr_failed" when
// pocketsphinx cannot load a model (with its complaint; only with preload).
[[nodiscard]] Result<std::unique_ptr<SpeechRecognizer>> MakePocketSphinxRecognizer(
    PocketSphinxOptions options = {});

// ---- OpenAI-compatible transcription servers over HTTP -------------------------------------
//
// POST /v1/audio/transcriptions (OpenAI, faster-whisper-server/speaches; whisper.cpp's server
// with --inference-path /v1/audio/transcriptions, or its /inference URL as it is): the chunk as
// a 16 kHz mono 16-bit WAV, response_format=verbose_json with word and segment timestamps,
// temperature 0, language = the tag's primary subtag. Plain http:// only (net's client has no
// TLS): for a https:// service put a TLS-terminating proxy on the worker's host or LAN.

struct OpenAiHttpModel {
  std::string url;      // e.g. http://gpu-host:8080/v1/audio/transcriptions
  std::string model;    // form field "model", e.g. whisper-1 / large-v3; Recognition::model
  std::string api_key;  // optional: sent as "Authorization: Bearer ..."; never logged
  // For one request, from connecting to the last byte of the answer. Generous by default: a
  // CPU-only server may take longer than the audio lasts.
  std::chrono::milliseconds timeout{120000};
  // Requests in flight at once to this server (host:port); more callers wait. Languages served
  // by the same host:port share one limit, the smallest of theirs.
  int max_concurrent = 2;
};

struct OpenAiHttpOptions {
  // Servers by language tag ("ru", "en-gb"), matched like pocketsphinx's models.
  std::map<std::string, OpenAiHttpModel> languages;
};

// Errors: kInvalidArgument "asr_config" (no languages, an empty or duplicate tag, a URL that is
// not http://host[:port]/path, an empty model, timeout or max_concurrent below 1). Nothing is
// sent at creation: a server that is down shows in the first Recognize as "asr_unavailable".
[[nodiscard]] Result<std::unique_ptr<SpeechRecognizer>> MakeOpenAiHttpRecognizer(
    OpenAiHttpOptions options);

// ---- Routing by language -------------------------------------------------------------------

// A recognizer that hands each call to the one configured for its language (e.g. pocketsphinx
// for "en", an HTTP server for "ru"), matched like the backends match theirs: the whole tag
// case-insensitively, then its primary subtag. The chosen recognizer gets the caller's tag as
// it was. Unknown languages: kInvalidArgument "unsupported_language" naming the configured
// ones. The recognizers are shared (one may serve several languages) and must be thread-safe,
// as every SpeechRecognizer is. Errors: kInvalidArgument "asr_config" for no languages, an
// empty or duplicate tag, or a null recognizer.
[[nodiscard]] Result<std::unique_ptr<SpeechRecognizer>> MakeLanguageRouter(
    std::map<std::string, std::shared_ptr<SpeechRecognizer>> by_language);

}  // namespace vitrina::asr
