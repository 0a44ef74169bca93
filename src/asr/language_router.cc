// MakeLanguageRouter: one recognizer per language, chosen per call.

#include <utility>

#include "asr/language_tag.h"
#include "asr/speech_recognizer.h"

namespace vitrina::asr {

namespace {

// Owns shared references to its recognizers; immutable after construction, so any number of
// threads may call it at once (each call runs on the chosen recognizer, which is thread-safe).
class LanguageRouter final : public SpeechRecognizer {
 public:
  explicit LanguageRouter(std::map<std::string, std::shared_ptr<SpeechRecognizer>> routes)
      : routes_(std::move(routes)) {}

  Result<Recognition> Recognize(std::span<const std::int16_t> pcm_16k_mono, std::int64_t offset_ms,
                                const std::string& language) override {
    const auto it = internal::FindLanguage(routes_, language);
    if (it == routes_.end()) {
      return internal::UnsupportedLanguage("speech recognizer", language, routes_);
    }
    return it->second->Recognize(pcm_16k_mono, offset_ms, language);
  }

  std::string Describe() const override {
    std::string out;
    for (const auto& [language, recognizer] : routes_) {
      out += (out.empty() ? "" : "; ") + language + " -> " + recognizer->Describe();
    }
    return "by language (" + out + ")";
  }

 private:
  const std::map<std::string, std::shared_ptr<SpeechRecognizer>> routes_;  // normalised tags
};

}  // namespace

Result<std::unique_ptr<SpeechRecognizer>> MakeLanguageRouter(
    std::map<std::string, std::shared_ptr<SpeechRecognizer>> by_language) {
  if (by_language.empty()) {
    return base::InvalidArgument("asr_config", "no languages to route speech recognition for");
  }
  std::map<std::string, std::shared_ptr<SpeechRecognizer>> routes;
  for (auto& [language, recognizer] : by_language) {
    const std::string tag = internal::NormaliseLanguageTag(language);
    if (tag.empty()) return base::InvalidArgument("asr_config", "empty language tag");
    if (recognizer == nullptr) {
      return base::InvalidArgument("asr_config", "no speech recognizer for \"" + tag + "\"");
    }
    if (!routes.emplace(tag, std::move(recognizer)).second) {
      return base::InvalidArgument("asr_config", "language \"" + tag + "\" configured twice");
    }
  }
  return std::unique_ptr<SpeechRecognizer>(std::make_unique<LanguageRouter>(std::move(routes)));
}

}  // namespace vitrina::asr
