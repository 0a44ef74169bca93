// The pocketsphinx backend (Debian's 0.8+5prealpha C API): one n-gram decoder per utterance,
// decoders pooled per language. The decoder itself and the model checks are in
// pocketsphinx_common.cc, shared with the streaming backend (pocketsphinx_streaming.cc).

#include <condition_variable>
#include <mutex>
#include <utility>

#include "asr/audio.h"
#include "asr/language_tag.h"
#include "asr/pocketsphinx_common.h"
#include "asr/speech_recognizer.h"

namespace vitrina::asr {

namespace {

// Loading, decoding and word extraction are shared with the streaming backend.
using Decoder = internal::SphinxDecoder;

// Up to `max` decoders of one model, created on demand, lent to one thread at a time.
// Thread-safe.
class DecoderPool {
 public:
  DecoderPool(std::string language, SphinxModel model, int max)
      : language_(std::move(language)), model_(std::move(model)), max_(max) {}

  // Returns a decoder to the pool on destruction, or drops it after Discard().
  class Lease {
   public:
    Lease(DecoderPool* pool, std::unique_ptr<Decoder> decoder)
        : pool_(pool), decoder_(std::move(decoder)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), decoder_(std::move(other.decoder_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(decoder_));
    }
    Decoder& operator*() { return *decoder_; }
    Decoder* operator->() { return decoder_.get(); }
    // After a decoder error: its state is unknown, so it is freed and a new one made later.
    void Discard() { decoder_.reset(); }

   private:
    DecoderPool* pool_;
    std::unique_ptr<Decoder> decoder_;
  };

  Result<Lease> Acquire() {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty() || live_ < max_; });
      if (!idle_.empty()) {
        auto decoder = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(decoder));
      }
      ++live_;
    }
    // Loading takes ~0.3 s (dictionary and LM); not under the lock.
    auto decoder = Decoder::Create(model_);
    if (!decoder) {
      std::lock_guard lock(mu_);
      --live_;
      cv_.notify_one();
      return tl::unexpected(std::move(decoder).error());
    }
    return Lease(this, std::move(*decoder));
  }

  const std::string& language() const { return language_; }
  const SphinxModel& model() const { return model_; }

 private:
  void Return(std::unique_ptr<Decoder> decoder) {
    std::lock_guard lock(mu_);
    if (decoder) {
      idle_.push_back(std::move(decoder));
    } else {
      --live_;
    }
    cv_.notify_one();
  }

  const std::string language_;
  const SphinxModel model_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Decoder>> idle_;  // guarded by mu_
  int live_ = 0;                                // decoders lent or idle; guarded by mu_
};

// Owns one DecoderPool per configured language (immutable after construction). Thread-safe:
// Recognize borrows a decoder for the duration of the call, so at most
// max_decoders_per_language calls per language run at once and the rest wait.
class PocketSphinxRecognizer final : public SpeechRecognizer {
 public:
  explicit PocketSphinxRecognizer(PocketSphinxOptions options) : options_(std::move(options)) {
    for (const auto& [language, model] : options_.languages) {
      pools_.emplace(language, std::make_unique<DecoderPool>(language, model,
                                                             options_.max_decoders_per_language));
    }
  }

  Result<void> Preload() {
    for (auto& [language, pool] : pools_) {
      auto lease = TRY(pool->Acquire());
      (void)lease;
    }
    return base::Ok();
  }

  Result<Recognition> Recognize(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                                const std::string& language) override {
    DecoderPool* pool = TRY(Resolve(language));
    Recognition result;
    result.engine = internal::kPocketSphinxEngine;
    result.model = pool->model().name;
    result.language = pool->language();
    if (pcm.empty()) return result;

    const auto total_ms = static_cast<std::int64_t>(pcm.size()) * 1000 / kSampleRate;
    std::vector<SpeechRegion> pieces = {{0, total_ms}};
    if (total_ms > options_.max_utterance_ms) {
      pieces = SplitLongRegions(pcm, std::move(pieces), options_.max_utterance_ms);
    }

    auto lease = TRY(pool->Acquire());
    for (const SpeechRegion& piece : pieces) {
      const std::size_t a = SampleAt(piece.start_ms, pcm.size());
      const std::size_t b =
          piece.end_ms >= total_ms ? pcm.size() : SampleAt(piece.end_ms, pcm.size());
      if (b <= a) continue;
      Segment segment;
      auto decoded = lease->Utterance(pcm.subspan(a, b - a), offset_ms + piece.start_ms,
                                      piece.end_ms - piece.start_ms, segment);
      if (!decoded) {
        lease.Discard();
        return tl::unexpected(std::move(decoded).error());
      }
      if (segment.words.empty()) continue;
      internal::SummariseSegment(segment);
      result.segments.push_back(std::move(segment));
    }
    return result;
  }

  std::string Describe() const override {
    std::string out = "pocketsphinx (";
    bool first = true;
    for (const auto& [language, pool] : pools_) {
      if (!first) out += ", ";
      first = false;
      out += language + ": " + pool->model().name;
    }
    return out + ")";
  }

 private:
  Result<DecoderPool*> Resolve(const std::string& language) const {
    if (auto it = internal::FindLanguage(pools_, language); it != pools_.end()) {
      return it->second.get();
    }
    return internal::UnsupportedLanguage("pocketsphinx model", language, pools_);
  }

  const PocketSphinxOptions options_;
  std::map<std::string, std::unique_ptr<DecoderPool>> pools_;  // by normalised language tag
};

}  // namespace

SphinxModel DebianEnUsModel() {
  const std::string dir = "/usr/share/pocketsphinx/model/en-us";
  return SphinxModel{.name = "cmusphinx-en-us-5prealpha",
                     .hmm = dir + "/en-us",
                     .lm = dir + "/en-us.lm.bin",
                     .dict = dir + "/cmudict-en-us.dict",
                     .extra_args = {}};
}

Result<std::unique_ptr<SpeechRecognizer>> MakePocketSphinxRecognizer(PocketSphinxOptions options) {
  if (options.max_decoders_per_language < 1) {
    return base::InvalidArgument("asr_config", "max_decoders_per_language must be at least 1");
  }
  if (options.max_utterance_ms < 1000) {
    return base::InvalidArgument("asr_config", "max_utterance_ms must be at least 1000");
  }
  auto languages = TRY(internal::CheckedModels(std::move(options.languages)));
  options.languages = std::move(languages);
  internal::InstallSphinxLogging();
  const bool preload = options.preload;
  auto recognizer = std::make_unique<PocketSphinxRecognizer>(std::move(options));
  if (preload) TRY(recognizer->Preload());
  return std::unique_ptr<SpeechRecognizer>(std::move(recognizer));
}

}  // namespace vitrina::asr
