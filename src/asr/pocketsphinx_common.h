#pragma once
// Internal to asr: what the batch (pocketsphinx_recognizer.cc) and streaming
// (pocketsphinx_streaming.cc) pocketsphinx backends share — the process-wide logging hook, model
// checking, one decoder with its utterance steps, and how words are read out of it (fillers
// dropped, alternates folded, lattice posterior as confidence). Only asr's .cc files include
// this header (it pulls in pocketsphinx's C headers).

#include <pocketsphinx.h>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asr/speech_recognizer.h"
#include "base/result.h"

namespace vitrina::asr::internal {

inline constexpr const char* kPocketSphinxEngine = "pocketsphinx-5prealpha";

// Installs (once per process) the sphinxbase log callback that drops INFO/DEBUG and keeps
// warnings/errors per thread for error messages. Call before the first decoder is made.
void InstallSphinxLogging();

// Forgets what pocketsphinx logged on this thread (before a step whose complaint we want).
void ClearSphinxLog();

// kInternal "asr_failed": "pocketsphinx: <what>: <what it logged on this thread>".
base::Error SphinxError(const std::string& what);

// <s>, </s>, <sil>, [NOISE], [SPEECH], and ++NOISE++-style fillers of older models.
bool IsFiller(std::string_view word);

// "read(2)" -> "read": the dictionary's alternate pronunciations are the same word.
std::string_view BaseWord(std::string_view word);

// A hypothesis string as people read it: fillers dropped, alternates folded, single spaces.
std::string CleanHypothesis(std::string_view hyp);

// Tags normalised ("EN_us" -> "en-us"), each model checked (files exist, extra_args known and
// not ours) and named after its acoustic model directory when unnamed. Errors: kInvalidArgument
// "asr_model_missing" / "asr_config" (empty or duplicate tag, bad decoder argument).
Result<std::map<std::string, SphinxModel>> CheckedModels(std::map<std::string, SphinxModel> models);

// Text, span and confidence (duration-weighted mean) of a segment from its words. The segment
// must have words.
void SummariseSegment(Segment& segment);

// One pocketsphinx decoder (~100 MB: acoustic model, dictionary, LM). Not thread-safe: used by
// one thread at a time; its owners (the backends' pools) lend it out.
class SphinxDecoder {
 public:
  // Loads the model (~0.3 CPU-s). kInternal "asr_failed" with pocketsphinx's complaint.
  static Result<std::unique_ptr<SphinxDecoder>> Create(const SphinxModel& model);

  ~SphinxDecoder();
  SphinxDecoder(const SphinxDecoder&) = delete;
  SphinxDecoder& operator=(const SphinxDecoder&) = delete;

  // Batch: decodes one whole utterance of `duration_ms`; its words are appended to `segment`
  // with times offset by `offset_ms`. Batch CMN over this audio only. An error means the
  // decoder's state is unknown: drop it.
  Result<void> Utterance(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                         std::int64_t duration_ms, Segment& segment);

  // Streaming: StartLive, any number of FeedLive (with PartialText between them), EndLive, then
  // AppendWords. Pocketsphinx uses live (running) CMN for block input; StartLive puts that
  // running estimate back to what it was when the decoder was made, so an utterance's words do
  // not depend on what this (pooled) decoder heard before. Errors as for Utterance.
  Result<void> StartLive();
  Result<void> FeedLive(std::span<const std::int16_t> pcm);
  // The best hypothesis so far, cleaned (CleanHypothesis); empty when none.
  std::string PartialText();
  Result<void> EndLive();

  // The words of the last ended utterance, times offset by `offset_ms` and clamped to
  // `duration_ms`, appended to `segment`.
  void AppendWords(std::int64_t offset_ms, std::int64_t duration_ms, Segment& segment);

 private:
  SphinxDecoder(ps_decoder_t* ps, cmd_ln_t* config, int frate);

  ps_decoder_t* ps_;
  cmd_ln_t* config_;
  int frate_;  // frames per second (100: 10 ms frames)
  // The live-CMN state right after loading (mean and running sum per cepstral coefficient,
  // frame count), restored by StartLive.
  std::vector<float> cmn_mean_;
  std::vector<float> cmn_sum_;
  std::int32_t cmn_nframe_ = 0;
};

}  // namespace vitrina::asr::internal
