#include "asr/pocketsphinx_common.h"

#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/logmath.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <type_traits>
#include <utility>

#include "asr/language_tag.h"

namespace vitrina::asr::internal {

namespace {

constexpr std::size_t kMaxLogBytes = 2048;

static_assert(std::is_same_v<mfcc_t, float>, "sphinxbase built with fixed-point features");

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

}  // namespace

void InstallSphinxLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No log file either: ps_init and cmd_ln print their whole configuration to it.
    err_set_logfp(nullptr);
    err_set_callback(&SphinxLogCallback, nullptr);
  });
}

void ClearSphinxLog() { t_sphinx_log.clear(); }

base::Error SphinxError(const std::string& what) {
  return base::Error{base::ErrorKind::kInternal, "asr_failed",
                     "pocketsphinx: " + what + ": " + TakeSphinxLog()};
}

bool IsFiller(std::string_view word) {
  return word.empty() || word.front() == '<' || word.front() == '[' || word.front() == '+';
}

std::string_view BaseWord(std::string_view word) {
  if (word.size() < 3 || word.back() != ')') return word;
  const std::size_t open = word.rfind('(');
  if (open == std::string_view::npos || open == 0 || open + 2 > word.size() - 1) return word;
  for (std::size_t i = open + 1; i + 1 < word.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(word[i]))) return word;
  }
  return word.substr(0, open);
}

std::string CleanHypothesis(std::string_view hyp) {
  std::string out;
  std::size_t i = 0;
  while (i < hyp.size()) {
    while (i < hyp.size() && std::isspace(static_cast<unsigned char>(hyp[i]))) ++i;
    std::size_t j = i;
    while (j < hyp.size() && !std::isspace(static_cast<unsigned char>(hyp[j]))) ++j;
    const std::string_view word = hyp.substr(i, j - i);
    if (!IsFiller(word)) {
      if (!out.empty()) out += ' ';
      out += BaseWord(word);
    }
    i = j;
  }
  return out;
}

Result<std::map<std::string, SphinxModel>> CheckedModels(
    std::map<std::string, SphinxModel> models) {
  std::map<std::string, SphinxModel> out;
  for (auto& [language, model] : models) {
    const std::string tag = NormaliseLanguageTag(language);
    if (tag.empty()) return base::InvalidArgument("asr_config", "empty language tag");
    TRY(CheckModel(tag, model));
    if (model.name.empty()) model.name = std::filesystem::path(model.hmm).filename().string();
    if (!out.emplace(tag, std::move(model)).second) {
      return base::InvalidArgument("asr_config", "language \"" + tag + "\" configured twice");
    }
  }
  return out;
}

void SummariseSegment(Segment& segment) {
  double weighted = 0;
  std::int64_t total = 0;
  segment.text.clear();
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

// ---- SphinxDecoder ----

Result<std::unique_ptr<SphinxDecoder>> SphinxDecoder::Create(const SphinxModel& model) {
  // -remove_silence no: we skip silence ourselves (VadOptions), and pocketsphinx's own
  // detector drops frames, which shifts every word time after them.
  std::vector<std::string> args = {"-hmm",     model.hmm,         "-lm", model.lm, "-dict",
                                   model.dict, "-remove_silence", "no"};
  for (const auto& [name, value] : model.extra_args) {
    args.push_back(name);
    args.push_back(value);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  ClearSphinxLog();
  cmd_ln_t* config =
      cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
  if (config == nullptr) return tl::unexpected(SphinxError("bad decoder arguments"));
  ps_decoder_t* ps = ps_init(config);
  if (ps == nullptr) {
    cmd_ln_free_r(config);
    return tl::unexpected(SphinxError("cannot load model " + model.name));
  }
  const int frate = cmd_ln_int32_r(config, "-frate");
  return std::unique_ptr<SphinxDecoder>(new SphinxDecoder(ps, config, frate > 0 ? frate : 100));
}

SphinxDecoder::SphinxDecoder(ps_decoder_t* ps, cmd_ln_t* config, int frate)
    : ps_(ps), config_(config), frate_(frate) {
  if (feat_t* feat = ps_get_feat(ps_); feat != nullptr && feat->cmn_struct != nullptr) {
    const cmn_t* cmn = feat->cmn_struct;
    cmn_mean_.assign(cmn->cmn_mean, cmn->cmn_mean + cmn->veclen);
    cmn_sum_.assign(cmn->sum, cmn->sum + cmn->veclen);
    cmn_nframe_ = cmn->nframe;
  }
}

SphinxDecoder::~SphinxDecoder() {
  ps_free(ps_);
  cmd_ln_free_r(config_);
}

Result<void> SphinxDecoder::Utterance(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                                      std::int64_t duration_ms, Segment& segment) {
  ClearSphinxLog();
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
  AppendWords(offset_ms, duration_ms, segment);
  return base::Ok();
}

Result<void> SphinxDecoder::StartLive() {
  ClearSphinxLog();
  if (feat_t* feat = ps_get_feat(ps_);
      feat != nullptr && feat->cmn_struct != nullptr && !cmn_mean_.empty()) {
    cmn_t* cmn = feat->cmn_struct;
    std::copy(cmn_mean_.begin(), cmn_mean_.end(), cmn->cmn_mean);
    std::copy(cmn_sum_.begin(), cmn_sum_.end(), cmn->sum);
    cmn->nframe = cmn_nframe_;
  }
  if (ps_start_stream(ps_) < 0) return tl::unexpected(SphinxError("start_stream failed"));
  if (ps_start_utt(ps_) < 0) return tl::unexpected(SphinxError("start_utt failed"));
  return base::Ok();
}

Result<void> SphinxDecoder::FeedLive(std::span<const std::int16_t> pcm) {
  if (pcm.empty()) return base::Ok();
  ClearSphinxLog();
  // no_search FALSE: the first pass runs as audio arrives, so partial hypotheses exist and
  // EndLive has only the second pass and the lattice left to do.
  if (ps_process_raw(ps_, pcm.data(), pcm.size(), FALSE, FALSE) < 0) {
    return tl::unexpected(SphinxError("process_raw failed"));
  }
  return base::Ok();
}

std::string SphinxDecoder::PartialText() {
  int32 score = 0;
  const char* hyp = ps_get_hyp(ps_, &score);
  return hyp == nullptr ? std::string() : CleanHypothesis(hyp);
}

Result<void> SphinxDecoder::EndLive() {
  ClearSphinxLog();
  if (ps_end_utt(ps_) < 0) return tl::unexpected(SphinxError("end_utt failed"));
  return base::Ok();
}

void SphinxDecoder::AppendWords(std::int64_t offset_ms, std::int64_t duration_ms,
                                Segment& segment) {
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
    w.start_ms = offset_ms + std::min<std::int64_t>(duration_ms, std::int64_t{sf} * 1000 / frate_);
    w.end_ms =
        offset_ms + std::min<std::int64_t>(duration_ms, (std::int64_t{ef} + 1) * 1000 / frate_);
    w.confidence = std::clamp(logmath_exp(lmath, post), 0.0, 1.0);
    if (w.end_ms <= w.start_ms) continue;
    segment.words.push_back(std::move(w));
  }
}

}  // namespace vitrina::asr::internal
