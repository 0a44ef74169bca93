#pragma once
// Incremental recognition for live captions: audio is fed in small chunks (e.g. 20 ms) while a
// person speaks, partial text comes back while they speak, and the final words with times and
// confidences when the utterance ends. The batch boundary is speech_recognizer.h; this one
// reuses its types (Word, Segment, PocketSphinxOptions) and its time convention: every time is
// milliseconds on the caller's timeline (the utterance's `offset_ms` + position in the fed audio).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "asr/speech_recognizer.h"
#include "base/result.h"

namespace vitrina::asr {

// One utterance of one speaker, holding one decoder from Begin until Finish or destruction
// (destroying an unfinished utterance abandons it and gives the decoder back). Not thread-safe:
// used by one thread at a time. May outlive the StreamingRecognizer that began it.
class LiveUtterance {
 public:
  virtual ~LiveUtterance() = default;

  // Feeds 16 kHz mono PCM (any chunk size; typically 20 ms). Returns the current partial text
  // (fillers dropped, words folded as in the final result) when it changed since it was last
  // returned, nullopt otherwise. Cheap enough for every 20 ms: the hypothesis is read at most
  // once per 200 ms of fed audio. Errors: kInternal "asr_failed" (the decoder is then
  // dropped and the utterance is dead); kConflict "asr_utterance_ended" after Finish or a
  // failure.
  [[nodiscard]] virtual Result<std::optional<std::string>> Feed(
      std::span<const std::int16_t> pcm) = 0;

  // Ends the utterance and gives the decoder back: the final words with times and
  // confidences. The segment spans its words; with no words (silence) it spans the fed audio
  // and has empty text. Blocks for the recogniser's last pass (tens to hundreds of ms). Errors
  // as for Feed; called twice: kConflict "asr_utterance_ended".
  [[nodiscard]] virtual Result<Segment> Finish() = 0;
};

// Lends decoders to live utterances. Thread-safe: Begin and Warm may be called from any
// thread at once; each utterance is then used by its own thread.
class StreamingRecognizer {
 public:
  virtual ~StreamingRecognizer() = default;

  // A new utterance in `language` (BCP 47; matched like SpeechRecognizer's: whole tag, then
  // primary subtag) whose audio starts at `offset_ms` on the caller's timeline. Never waits
  // for a decoder in use: kUnavailable "asr_busy" at once when all are lent out. It does load
  // a decoder when none is idle and the limit allows (~0.3 s; Warm beforehand avoids that).
  // Errors: kInvalidArgument "unsupported_language" naming the configured languages;
  // kInternal "asr_failed" when a decoder cannot be loaded.
  [[nodiscard]] virtual Result<std::unique_ptr<LiveUtterance>> Begin(const std::string& language,
                                                                     std::int64_t offset_ms) = 0;

  // Loads decoders for `language` until `decoders` are idle or lent for it (or the total limit
  // is reached), so the first utterances do not pay for loading. Blocks while loading. Errors
  // as for Begin (but never "asr_busy").
  [[nodiscard]] virtual Result<void> Warm(const std::string& language, int decoders) = 0;

  virtual bool Supports(const std::string& language) const = 0;

  // For logs and /readyz, e.g. "pocketsphinx streaming (en: cmusphinx-en-us-5prealpha)".
  virtual std::string Describe() const = 0;
};

// pocketsphinx, in-process. Uses `options.languages` (the same models as the batch backend;
// loaded separately: streaming decoders use running CMN, batch ones per-utterance CMN) and
// `options.preload` (loads and keeps one decoder per language, up to `max_decoders`, so a bad
// model fails here); `max_decoders_per_language` and `max_utterance_ms` are the batch
// backend's and not used: at most `max_decoders` decoders exist in total, over all languages
// (~100 MB each; an idle decoder of another language is freed to make room), and the caller
// ends utterances (its voice-activity detection, or a cap of its own: pocketsphinx's search
// slows past ~30 s). Errors as for MakePocketSphinxRecognizer, and kInvalidArgument
// "asr_config" for `max_decoders` below 1.
[[nodiscard]] Result<std::unique_ptr<StreamingRecognizer>> MakePocketSphinxStreaming(
    PocketSphinxOptions options, int max_decoders);

}  // namespace vitrina::asr
