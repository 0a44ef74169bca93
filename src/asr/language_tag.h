#pragma once
// Internal to asr: how every backend and the language router match a caller's language tag
// against the languages they were configured with, so "en-US" means the same everywhere.
// Pure functions; safe from any thread.

#include <cctype>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vitrina::asr::internal {

// "en-US", "en_us" -> "en-us".
inline std::string NormaliseLanguageTag(std::string_view tag) {
  std::string out;
  out.reserve(tag.size());
  for (char c : tag) {
    out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// "en-us" -> "en".
inline std::string PrimaryLanguageSubtag(std::string_view tag) {
  return NormaliseLanguageTag(tag.substr(0, tag.find_first_of("-_")));
}

// The entry of `by_tag` (keys normalised) for `language`: the whole tag, case-insensitively,
// then its primary subtag ("en-GB" falls back to "en"). end() if neither is configured.
template <typename Map>
auto FindLanguage(Map& by_tag, std::string_view language) {
  const std::string tag = NormaliseLanguageTag(language);
  if (auto it = by_tag.find(tag); it != by_tag.end()) return it;
  return by_tag.find(PrimaryLanguageSubtag(tag));
}

// kInvalidArgument "unsupported_language", naming the configured languages ("en, ru").
template <typename Map>
tl::unexpected<base::Error> UnsupportedLanguage(std::string_view what, std::string_view language,
                                                const Map& by_tag) {
  std::string known;
  for (const auto& entry : by_tag) known += (known.empty() ? "" : ", ") + entry.first;
  return base::InvalidArgument("unsupported_language",
                               std::string("no ") + std::string(what) + " for language \"" +
                                   std::string(language) +
                                   "\" (configured: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace vitrina::asr::internal
