#pragma once
// Complaint themes: complaint texts, appeal texts and rating comments grouped, per language,
// into themes whose number is chosen from the data; each theme labelled by its top terms, with
// representative masked examples, its size and its growth against the previous period. Method,
// choice of the number of themes, quality on the labelled set and limits: docs/quality.md
// "## Complaint themes". A pure library (no store, no clock): stateless, deterministic for
// the same input and seed, and every function may be called from any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::themes {

struct ThemeDoc {
  std::int64_t id = 0;
  std::string text;
  std::string language;  // "ru" | "en"; empty: GuessLanguage(text)
  bool current = true;   // false: previous period, only for growth
};

struct ThemeOptions {
  int min_themes = 2;  // per language, before the cap by the number of documents
  int max_themes = 20;
  int top_terms = 5;  // label terms per theme
  int examples = 3;   // representative texts per theme
  std::uint64_t seed = 1;  // the same seed and input give the same themes
  // A term must occur in this many current documents of the language to count; lowered for
  // inputs of fewer than 10 * min_df documents so that a handful of complaints still has terms.
  int min_df = 2;
};

struct Theme {
  std::string language;
  // Readable words (the most frequent word form of each stem), heaviest first; "[phone]",
  // "[link]", "[email]", "[card]" for masked contacts. Empty for the language's residual theme
  // (its documents have no term of the vocabulary: too short, only stop words or numbers).
  std::vector<std::string> label_terms;
  std::int64_t size = 0;           // current documents
  std::int64_t previous_size = 0;  // previous-period documents nearest to this theme
  double growth = 0;               // (size - previous_size) / max(previous_size, 1)
  std::vector<std::int64_t> example_ids;
  std::vector<std::string> examples;  // masked with analytics::Mask, the ones nearest the centroid
  std::vector<std::int64_t> member_ids;  // current documents, ascending
};

// Groups docs per language into themes; the number of themes chosen from the data. Languages
// in ascending order; within one, themes by size (largest first), the residual theme last.
std::vector<Theme> ClusterThemes(const std::vector<ThemeDoc>& docs, const ThemeOptions& options);

// Language guess for a text without one: "ru" when Cyrillic letters dominate, else "en".
std::string GuessLanguage(std::string_view text);

}  // namespace vitrina::themes
