// The pocketsphinx backend (Debian's 0.8+5prealpha C API): one n-gram decoder per utterance,
// decoders pooled per language.

#include <pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <utility>

#include "asr/audio.h"
#include "asr/language_tag.h"
#include "asr/speech_recognizer.h"

namespace vitrina::asr {

namespace {

constexpr const char* kEngine = "pocketsphinx-5prealpha";
constexpr std::size_t kMaxLogBytes = 2048;

// ---- sphinxbase logging ----
//
// sphinxbase logs through one process-wide callback. We do not use "-logfn /dev/null": every
// ps_init with -logfn fopen()s the file, makes it the global log and fclose()s the previous
// one, which another worker's decoder may be writing to at that moment. Instead one callback,
// installed once before any decoder exists, drops INFO/DEBUG and keeps warnings and errors in
// a per-thread buffer, so an error returned to the caller can say what pocketsphinx said.
thread_local std::string t_sphinx_log;

void SphinxLogCallback(void* /*user_data*/, err_lvl_t level, const char* fmt, ...) {
  if (level < ERR_WARN) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  t_sphinx_log += line;
  if (t_sphinx_log.size() > kMaxLogBytes) {
    t_sphinx_log.erase(0, t_sphinx_log.size() - kMaxLogBytes);
  }
}

void InstallSphinxLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No log file either: ps_init and cmd_ln print their whole configuration to it.
    err_set_logfp(nullptr);
    err_set_callback(&SphinxLogCallback, nullptr);
  });
}

// What pocketsphinx said since the last call, trimmed, for an error message.
std::string TakeSphinxLog() {
  std::string text;
  text.swap(t_sphinx_log);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ';';
  }
  return text.empty() ? "no details" : text;
}

base::Error SphinxError(const std::string& what) {
  return base::Error{base::ErrorKind::kInternal, "asr_failed",
                     "pocketsphinx: " + what + ": " + TakeSphinxLog()};
}

// <s>, </s>, <sil>, [NOISE], [SPEECH], and ++NOISE++-style fillers of older models.
bool IsFiller(std::string_view word) {
  return word.empty() || word.front() == '<' || word.front() == '[' || word.front() == '+';
}

// "read(2)" -> "read": the dictionary's alternate pronunciations are the same word.
std::string_view BaseWord(std::string_view word) {
  if (word.size() < 3 || word.back() != ')') return word;
  const std::size_t open = word.rfind('(');
  if (open == std::string_view::npos || open == 0 || open + 2 > word.size() - 1) return word;
  for (std::size_t i = open + 1; i + 1 < word.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(word[i]))) return word;
  }
  return word.substr(0, open);
}

Result<void> CheckModel(const std::string& language, const SphinxModel& model) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto missing = [&](const std::string& what, const std::string& path) {
    return base::InvalidArgument("asr_model_missing", "speech model for \"" + language + "\": " +
                                                          what + " not found at \"" + path + "\"");
  };
  if (model.hmm.empty() || !fs::is_regular_file(fs::path(model.hmm) / "mdef", ec)) {
    return missing("acoustic model (a directory with mdef)", model.hmm);
  }
  if (model.lm.empty() || !fs::is_regular_file(model.lm, ec)) {
    return missing("language model", model.lm);
  }
  if (model.dict.empty() || !fs::is_regular_file(model.dict, ec)) {
    return missing("dictionary", model.dict);
  }
  for (const auto& [name, value] : model.extra_args) {
    if (name == "-hmm" || name == "-lm" || name == "-dict" || name == "-logfn" ||
        name == "-remove_silence") {
      return base::InvalidArgument("asr_config", "speech model for \"" + language +
                                                     "\": decoder argument \"" + name +
                                                     "\" is set by vitrina");
    }
    // Checked here: on an unknown name cmd_ln prints its whole help text to stderr.
    bool known = false;
    for (const arg_t* a = ps_args(); a->name != nullptr; ++a) known = known || name == a->name;
    if (!known) {
      return base::InvalidArgument(
          "asr_config",
          "speech model for \"" + language + "\": unknown decoder argument \"" + name + "\"");
    }
  }
  return base::Ok();
}

// One pocketsphinx decoder. Not thread-safe: used by one thread at a time (DecoderPool).
class Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> Create(const SphinxModel& model) {
    // -remove_silence no: we skip silence ourselves (VadOptions), and pocketsphinx's own
    // detector drops frames, which in whole-utterance mode shifts every word time after them.
    std::vector<std::string> args = {"-hmm",     model.hmm,         "-lm", model.lm, "-dict",
                                     model.dict, "-remove_silence", "no"};
    for (const auto& [name, value] : model.extra_args) {
      args.push_back(name);
      args.push_back(value);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    t_sphinx_log.clear();
    cmd_ln_t* config =
        cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
    if (config == nullptr) return tl::unexpected(SphinxError("bad decoder arguments"));
    ps_decoder_t* ps = ps_init(config);
    if (ps == nullptr) {
      cmd_ln_free_r(config);
      return tl::unexpected(SphinxError("cannot load model " + model.name));
    }
    const int frate = cmd_ln_int32_r(config, "-frate");
    return std::unique_ptr<Decoder>(new Decoder(ps, config, frate > 0 ? frate : 100));
  }

  ~Decoder() {
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one utterance of `duration_ms`; its words are appended to `segment` with times
  // offset by `offset_ms`. An error means the decoder's state is unknown: drop it.
  Result<void> Utterance(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                         std::int64_t duration_ms, Segment& segment) {
    t_sphinx_log.clear();
    // A new stream each time: resets the noise estimate, so the result depends only on this
    // audio, not on what this decoder (of several in the pool) heard before.
    if (ps_start_stream(ps_) < 0) return tl::unexpected(SphinxError("start_stream failed"));
    if (ps_start_utt(ps_) < 0) return tl::unexpected(SphinxError("start_utt failed"));
    // full_utt: the whole utterance at once, so batch cepstral mean normalisation (the en-us
    // model's "-cmn batch") is computed over this utterance alone.
    if (ps_process_raw(ps_, pcm.data(), pcm.size(), FALSE, TRUE) < 0) {
      ps_end_utt(ps_);
      return tl::unexpected(SphinxError("process_raw failed"));
    }
    if (ps_end_utt(ps_) < 0) return tl::unexpected(SphinxError("end_utt failed"));

    logmath_t* lmath = ps_get_logmath(ps_);
    for (ps_seg_t* seg = ps_seg_iter(ps_); seg != nullptr; seg = ps_seg_next(seg)) {
      const char* raw = ps_seg_word(seg);
      if (raw == nullptr || IsFiller(raw)) continue;
      int sf = 0, ef = 0;
      ps_seg_frames(seg, &sf, &ef);
      int32 ascr = 0, lscr = 0, lback = 0;
      const int32 post = ps_seg_prob(seg, &ascr, &lscr, &lback);
      Word w;
      w.text = std::string(BaseWord(raw));
      w.start_ms =
          offset_ms + std::min<std::int64_t>(duration_ms, std::int64_t{sf} * 1000 / frate_);
      w.end_ms =
          offset_ms + std::min<std::int64_t>(duration_ms, (std::int64_t{ef} + 1) * 1000 / frate_);
      w.confidence = std::clamp(logmath_exp(lmath, post), 0.0, 1.0);
      if (w.end_ms <= w.start_ms) continue;
      segment.words.push_back(std::move(w));
    }
    return base::Ok();
  }

 private:
  Decoder(ps_decoder_t* ps, cmd_ln_t* config, int frate)
      : ps_(ps), config_(config), frate_(frate) {}

  ps_decoder_t* ps_;
  cmd_ln_t* config_;
  int frate_;  // frames per second (100: 10 ms frames)
};

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
    result.engine = kEngine;
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
      Finish(segment);
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

  // Text, span and confidence of a segment from its words.
  static void Finish(Segment& segment) {
    double weighted = 0;
    std::int64_t total = 0;
    for (const Word& w : segment.words) {
      if (!segment.text.empty()) segment.text += ' ';
      segment.text += w.text;
      weighted += w.confidence * static_cast<double>(w.end_ms - w.start_ms);
      total += w.end_ms - w.start_ms;
    }
    segment.start_ms = segment.words.front().start_ms;
    segment.end_ms = segment.words.back().end_ms;
    segment.confidence = total > 0 ? weighted / static_cast<double>(total) : 0.0;
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
  std::map<std::string, SphinxModel> languages;
  for (auto& [language, model] : options.languages) {
    const std::string tag = internal::NormaliseLanguageTag(language);
    if (tag.empty()) return base::InvalidArgument("asr_config", "empty language tag");
    TRY(CheckModel(tag, model));
    if (model.name.empty()) model.name = std::filesystem::path(model.hmm).filename().string();
    if (!languages.emplace(tag, std::move(model)).second) {
      return base::InvalidArgument("asr_config", "language \"" + tag + "\" configured twice");
    }
  }
  options.languages = std::move(languages);
  InstallSphinxLogging();
  const bool preload = options.preload;
  auto recognizer = std::make_unique<PocketSphinxRecognizer>(std::move(options));
  if (preload) TRY(recognizer->Preload());
  return std::unique_ptr<SpeechRecognizer>(std::move(recognizer));
}

}  // namespace vitrina::asr
