#include "app/asr_setup.h"

#include <cstdlib>
#include <mutex>
#include <set>

#include <boost/json.hpp>

namespace vitrina::app {

namespace json = boost::json;

namespace {

base::Error ConfigFail(const std::string& message) {
  return base::Error{base::ErrorKind::kInvalidArgument, "asr_config", "asr.languages: " + message};
}

std::string Field(const json::object& o, const char* key, const std::string& fallback = "") {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

// Fields each engine takes: anything else is a typo that must not pass silently.
bool KnownField(const std::string& engine, std::string_view key) {
  static const std::set<std::string_view> sphinx = {"engine", "name", "hmm", "lm", "dict"};
  static const std::set<std::string_view> http = {"engine", "url", "model", "api_key", "api_key_env",
                                                  "timeout_seconds", "max_concurrent"};
  return (engine == "pocketsphinx" ? sphinx : http).contains(key);
}

struct Engines {
  asr::PocketSphinxOptions sphinx;
  asr::OpenAiHttpOptions http;
};

// asr.languages, checked, as the options of each engine.
base::Result<Engines> ParseLanguages(const Config& config) {
  boost::system::error_code ec;
  const auto parsed = json::parse(config.asr_languages, ec);
  if (ec || !parsed.is_object() || parsed.as_object().empty()) {
    return tl::unexpected(ConfigFail("expected a non-empty JSON object of languages"));
  }
  if (!parsed.as_object().contains(config.asr_language)) {
    return tl::unexpected(ConfigFail("asr.language '" + config.asr_language + "' has no entry"));
  }
  asr::PocketSphinxOptions sphinx;
  sphinx.languages.clear();
  sphinx.max_decoders_per_language = config.asr_decoders;
  sphinx.preload = config.asr_preload;
  asr::OpenAiHttpOptions http;
  for (const auto& [key, value] : parsed.as_object()) {
    const std::string language(key);
    if (!value.is_object()) return tl::unexpected(ConfigFail(language + ": expected an object"));
    const auto& o = value.as_object();
    const auto engine = Field(o, "engine", "pocketsphinx");
    if (engine == "pocketsphinx" || engine == "openai-http") {
      for (const auto& [field, v] : o) {
        if (!KnownField(engine, field)) {
          return tl::unexpected(ConfigFail(language + ": unknown field '" + std::string(field) + "' for " + engine));
        }
        const bool number = field == "timeout_seconds" || field == "max_concurrent";
        if (number ? !v.is_int64() : !v.is_string()) {
          return tl::unexpected(ConfigFail(language + "." + std::string(field) + ": expected " +
                                           (number ? "an integer" : "a string")));
        }
      }
    }
    if (engine == "pocketsphinx") {
      // Only English has a default model (Debian's); any other language names its own files.
      const bool english = language == "en" || language == "en-us";
      if (!english && !(o.contains("hmm") && o.contains("lm") && o.contains("dict"))) {
        return tl::unexpected(ConfigFail(language + ": a pocketsphinx model needs hmm, lm and dict"));
      }
      auto model = asr::DebianEnUsModel();
      model.name = Field(o, "name", o.contains("hmm") ? "custom-" + language : model.name);
      model.hmm = Field(o, "hmm", model.hmm);
      model.lm = Field(o, "lm", model.lm);
      model.dict = Field(o, "dict", model.dict);
      sphinx.languages[language] = model;
    } else if (engine == "openai-http") {
      asr::OpenAiHttpModel model;
      model.url = Field(o, "url");
      model.model = Field(o, "model", "whisper-1");
      model.api_key = Field(o, "api_key");
      if (auto env = Field(o, "api_key_env"); !env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (!v) return tl::unexpected(ConfigFail(language + ": environment variable " + env + " is not set"));
        model.api_key = v;
      }
      if (const auto* t = o.if_contains("timeout_seconds"); t && t->is_int64()) {
        model.timeout = std::chrono::seconds(t->as_int64());
      }
      if (const auto* m = o.if_contains("max_concurrent"); m && m->is_int64()) {
        model.max_concurrent = static_cast<int>(m->as_int64());
      }
      if (model.url.empty()) return tl::unexpected(ConfigFail(language + ": openai-http needs a url"));
      http.languages[language] = model;
    } else {
      return tl::unexpected(ConfigFail(language + ": unknown engine '" + engine +
                                       "' (pocketsphinx or openai-http)"));
    }
  }
  return Engines{std::move(sphinx), std::move(http)};
}

base::Result<std::unique_ptr<asr::SpeechRecognizer>> Build(const Config& config) {
  auto [sphinx, http] = TRY(ParseLanguages(config));
  std::map<std::string, std::shared_ptr<asr::SpeechRecognizer>> by_language;
  if (!sphinx.languages.empty()) {
    std::shared_ptr<asr::SpeechRecognizer> r = TRY(asr::MakePocketSphinxRecognizer(sphinx));
    for (const auto& [language, _] : sphinx.languages) by_language[language] = r;
  }
  if (!http.languages.empty()) {
    std::shared_ptr<asr::SpeechRecognizer> r = TRY(asr::MakeOpenAiHttpRecognizer(http));
    for (const auto& [language, _] : http.languages) by_language[language] = r;
  }
  return asr::MakeLanguageRouter(std::move(by_language));
}

// Builds the real recognizer at the first recognition (asr.preload = false): start-up stays
// fast and a process that never transcribes never loads a model.
class LazyRecognizer final : public asr::SpeechRecognizer {
 public:
  explicit LazyRecognizer(Config config) : config_(std::move(config)) {}

  base::Result<asr::Recognition> Recognize(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                                           const std::string& language) override {
    asr::SpeechRecognizer* real = nullptr;
    {
      std::lock_guard lock(mu_);
      if (!real_) real_ = TRY(Build(config_));
      real = real_.get();
    }
    return real->Recognize(pcm, offset_ms, language);
  }
  std::string Describe() const override {
    std::lock_guard lock(mu_);
    if (real_) return real_->Describe();
    // The configuration may hold API keys: name the languages only.
    std::string languages;
    boost::system::error_code ec;
    if (auto parsed = json::parse(config_.asr_languages, ec); !ec && parsed.is_object()) {
      for (const auto& [key, _] : parsed.as_object()) languages += (languages.empty() ? "" : ", ") + std::string(key);
    }
    return "speech recognizer for " + languages + " (loaded at first use)";
  }

 private:
  const Config config_;
  mutable std::mutex mu_;
  std::unique_ptr<asr::SpeechRecognizer> real_;
};

}  // namespace

base::Result<std::unique_ptr<asr::StreamingRecognizer>> MakeStreamingRecognizer(const Config& config) {
  auto engines = TRY(ParseLanguages(config));
  if (engines.sphinx.languages.empty()) return std::unique_ptr<asr::StreamingRecognizer>();
  return asr::MakePocketSphinxStreaming(std::move(engines.sphinx), config.live_max_sessions);
}

base::Result<std::unique_ptr<asr::SpeechRecognizer>> MakeRecognizer(const Config& config) {
  if (config.asr_preload) return Build(config);
  return std::make_unique<LazyRecognizer>(config);
}

}  // namespace vitrina::app
