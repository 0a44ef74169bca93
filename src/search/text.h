#pragma once
// Word splitting, folding and stemming shared by the index (the FTS5 tokenizer), the query
// parser and the highlighter, so the three always agree on what a word is. Rules:
// docs/search.md "Tokenizer". Stateless; every function may be called from any thread
// (the Snowball stemmers, which are not thread-safe, are per-thread instances).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace vitrina::search {

enum TokenizeFlags : unsigned {
  kTokenizeDefault = 0,
  // Fold but do not stem (prefix queries: the typed beginning of a word is not a word).
  kNoStem = 1u << 0,
  // `_` followed by letters/digits at the start of a word is a filter tag, kept verbatim.
  // Only the store's tag column and tag queries use this; user text never does.
  kTags = 1u << 1,
};

// Receives one token (valid only during the call) and its byte range in the input.
// Returns false to stop tokenizing.
using TokenFn = std::function<bool(std::string_view token, std::size_t begin, std::size_t end)>;

// Splits `utf8` into words (runs of letters and digits, apostrophes inside a word dropped),
// folds case (and ё to е) and stems each word with Snowball (Russian for Cyrillic words,
// English for Latin ones; words with digits, mixed or other scripts are not stemmed).
// Invalid UTF-8 bytes are separators. Returns false if `fn` stopped it.
bool Tokenize(std::string_view utf8, unsigned flags, const TokenFn& fn);

// The index form of one word as Tokenize would produce it; "" if `word` holds no word.
// If it holds several, the first.
std::string NormalizeWord(std::string_view word, unsigned flags = kTokenizeDefault);

// The code point at byte `*at` of `utf8`, advancing `*at` past it; kInvalidCodePoint (and one
// byte) for invalid UTF-8. Requires *at < utf8.size().
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;
char32_t NextCodePoint(std::string_view utf8, std::size_t* at);

// Whether a code point separates words (not a letter, digit or combining mark).
bool IsSeparator(char32_t cp);

// Number of code points in valid UTF-8 (invalid bytes count one each).
std::size_t CodePointCount(std::string_view utf8);

}  // namespace vitrina::search
