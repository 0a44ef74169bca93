// The streaming pocketsphinx backend: one decoder per live utterance, fed block by block
// (ps_process_raw with full_utt FALSE, so the first search pass runs while the person speaks),
// partial text from ps_get_hyp, words from the lattice at ps_end_utt. Decoders are shared
// pocketsphinx_common.cc code, pooled per language under one total limit.

#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "asr/language_tag.h"
#include "asr/pocketsphinx_common.h"
#include "asr/streaming_recognizer.h"

namespace vitrina::asr {

namespace {

using Decoder = internal::SphinxDecoder;

// The partial hypothesis is read at most once per this much fed audio (audio time, not wall
// time: the result depends only on the audio). ps_get_hyp backtraces the whole first-pass
// history, so reading it every 20 ms chunk would cost more than the search itself.
constexpr std::int64_t kPartialEverySamples = kSampleRate / 5;  // 200 ms

// The decoders of every language, at most `max` in total. Thread-safe. Shared (shared_ptr) by
// the recognizer and its utterances, so an utterance may outlive the recognizer.
class DecoderPool {
 public:
  DecoderPool(std::map<std::string, SphinxModel> models, int max)
      : models_(std::move(models)), max_(max) {}

  // The configured language for a caller's tag (normalised key), or null.
  const std::string* Resolve(const std::string& language) const {
    auto it = internal::FindLanguage(models_, language);
    return it == models_.end() ? nullptr : &it->first;
  }
  const std::map<std::string, SphinxModel>& models() const { return models_; }

  // An idle decoder of `language`, else a new one if the limit allows (freeing an idle decoder
  // of another language if that is what it takes), else kUnavailable "asr_busy". Never waits
  // for a lent decoder.
  Result<std::unique_ptr<Decoder>> Acquire(const std::string& language) {
    std::unique_ptr<Decoder> evicted;  // freed outside the lock
    {
      std::lock_guard lock(mu_);
      auto& idle = idle_[language];
      if (!idle.empty()) {
        auto decoder = std::move(idle.back());
        idle.pop_back();
        return decoder;
      }
      if (live_ >= max_) {
        for (auto& [other, decoders] : idle_) {
          if (decoders.empty()) continue;
          evicted = std::move(decoders.back());
          decoders.pop_back();
          --owned_[other];
          --live_;
          break;
        }
        if (!evicted) {
          return tl::unexpected(
              base::Error{base::ErrorKind::kUnavailable, "asr_busy",
                          "all " + std::to_string(max_) + " live speech decoders are in use", 1});
        }
      }
      ++live_;
      ++owned_[language];
    }
    evicted.reset();
    return Load(language);
  }

  // Loads decoders until `language` has `count` (idle, lent or loading) or the limit is reached.
  Result<void> Warm(const std::string& language, int count) {
    while (true) {
      {
        std::lock_guard lock(mu_);
        if (owned_[language] >= count || live_ >= max_) return base::Ok();
        ++live_;
        ++owned_[language];
      }
      auto decoder = TRY(Load(language));
      Return(language, std::move(decoder));
    }
  }

  // Takes a decoder back; null means the lent one was dropped (after an error).
  void Return(const std::string& language, std::unique_ptr<Decoder> decoder) {
    std::lock_guard lock(mu_);
    if (decoder) {
      idle_[language].push_back(std::move(decoder));
    } else {
      --live_;
      --owned_[language];
    }
  }

 private:
  // Loads a decoder for a slot already counted in live_ and owned_; gives the slot back on
  // failure. ~0.3 s, not under the lock.
  Result<std::unique_ptr<Decoder>> Load(const std::string& language) {
    auto decoder = Decoder::Create(models_.at(language));
    if (!decoder) Return(language, nullptr);
    return decoder;
  }

  const std::map<std::string, SphinxModel> models_;  // by normalised tag
  const int max_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Decoder>>> idle_;  // guarded by mu_
  std::map<std::string, int> owned_;  // per language: idle + lent + loading; guarded by mu_
  int live_ = 0;                      // all languages: idle + lent + loading; guarded by mu_
};

base::Error Ended() {
  return base::Error{base::ErrorKind::kConflict, "asr_utterance_ended",
                     "this live utterance has already ended"};
}

// Holds a started decoder from Begin to Finish/destruction. Used by one thread at a time.
class PocketSphinxUtterance final : public LiveUtterance {
 public:
  PocketSphinxUtterance(std::shared_ptr<DecoderPool> pool, std::string language,
                        std::unique_ptr<Decoder> decoder, std::int64_t offset_ms)
      : pool_(std::move(pool)),
        language_(std::move(language)),
        decoder_(std::move(decoder)),
        offset_ms_(offset_ms) {}

  ~PocketSphinxUtterance() override {
    if (!decoder_) return;
    // Abandoned mid-utterance: end it so the decoder can start the next one; a decoder that
    // cannot end its utterance is dropped instead.
    if (decoder_->EndLive()) {
      pool_->Return(language_, std::move(decoder_));
    } else {
      Drop();
    }
  }

  Result<std::optional<std::string>> Feed(std::span<const std::int16_t> pcm) override {
    if (!decoder_) return tl::unexpected(Ended());
    if (auto fed = decoder_->FeedLive(pcm); !fed) {
      Drop();
      return tl::unexpected(std::move(fed).error());
    }
    samples_ += static_cast<std::int64_t>(pcm.size());
    if (samples_ - samples_at_partial_ < kPartialEverySamples) return std::nullopt;
    samples_at_partial_ = samples_;
    std::string text = decoder_->PartialText();
    if (text == partial_) return std::nullopt;
    partial_ = text;
    return text;
  }

  Result<Segment> Finish() override {
    if (!decoder_) return tl::unexpected(Ended());
    if (auto ended = decoder_->EndLive(); !ended) {
      Drop();
      return tl::unexpected(std::move(ended).error());
    }
    const std::int64_t duration_ms = samples_ * 1000 / kSampleRate;
    Segment segment;
    decoder_->AppendWords(offset_ms_, duration_ms, segment);
    pool_->Return(language_, std::move(decoder_));
    if (segment.words.empty()) {
      segment.start_ms = offset_ms_;
      segment.end_ms = offset_ms_ + duration_ms;
    } else {
      internal::SummariseSegment(segment);
    }
    return segment;
  }

 private:
  // After a decoder error its state is unknown: free it (a new one is loaded later).
  void Drop() {
    decoder_.reset();
    pool_->Return(language_, nullptr);
  }

  const std::shared_ptr<DecoderPool> pool_;
  const std::string language_;        // the pool's (normalised) tag
  std::unique_ptr<Decoder> decoder_;  // null once finished or failed
  const std::int64_t offset_ms_;
  std::int64_t samples_ = 0;             // fed so far
  std::int64_t samples_at_partial_ = 0;  // when the hypothesis was last read
  std::string partial_;                  // the partial text last returned
};

// Immutable after construction; the pool does the locking. Thread-safe.
class PocketSphinxStreaming final : public StreamingRecognizer {
 public:
  explicit PocketSphinxStreaming(std::shared_ptr<DecoderPool> pool) : pool_(std::move(pool)) {}

  Result<std::unique_ptr<LiveUtterance>> Begin(const std::string& language,
                                               std::int64_t offset_ms) override {
    const std::string tag = TRY(Resolve(language));
    auto decoder = TRY(pool_->Acquire(tag));
    if (auto started = decoder->StartLive(); !started) {
      decoder.reset();
      pool_->Return(tag, nullptr);
      return tl::unexpected(std::move(started).error());
    }
    return std::make_unique<PocketSphinxUtterance>(pool_, tag, std::move(decoder), offset_ms);
  }

  Result<void> Warm(const std::string& language, int decoders) override {
    const std::string tag = TRY(Resolve(language));
    return pool_->Warm(tag, decoders);
  }

  bool Supports(const std::string& language) const override {
    return pool_->Resolve(language) != nullptr;
  }

  std::string Describe() const override {
    std::string out = "pocketsphinx streaming (";
    bool first = true;
    for (const auto& [language, model] : pool_->models()) {
      if (!first) out += ", ";
      first = false;
      out += language + ": " + model.name;
    }
    return out + ")";
  }

 private:
  // The configured tag the caller's language maps to.
  Result<std::string> Resolve(const std::string& language) const {
    if (const std::string* tag = pool_->Resolve(language); tag != nullptr) return *tag;
    return internal::UnsupportedLanguage("pocketsphinx model", language, pool_->models());
  }

  const std::shared_ptr<DecoderPool> pool_;
};

}  // namespace

Result<std::unique_ptr<StreamingRecognizer>> MakePocketSphinxStreaming(PocketSphinxOptions options,
                                                                       int max_decoders) {
  if (max_decoders < 1) {
    return base::InvalidArgument("asr_config", "max_decoders must be at least 1");
  }
  auto models = TRY(internal::CheckedModels(std::move(options.languages)));
  internal::InstallSphinxLogging();
  auto pool = std::make_shared<DecoderPool>(std::move(models), max_decoders);
  if (options.preload) {
    for (const auto& [language, model] : pool->models()) TRY(pool->Warm(language, 1));
  }
  return std::unique_ptr<StreamingRecognizer>(
      std::make_unique<PocketSphinxStreaming>(std::move(pool)));
}

}  // namespace vitrina::asr
