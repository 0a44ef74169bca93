#pragma once
// Search result snippets: the segment text, HTML-escaped, with the words that match the
// query wrapped in <mark>…</mark> and long text cut to a window around the first match.
// Pure function; any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "search/query.h"

namespace vitrina::search {

inline constexpr std::size_t kSnippetChars = 200;

// Marks every word of `text` whose index form equals a non-prefix term's form, or whose
// index form or folded form begins with a prefix term's form (the tokenizer of text.h decides
// what a word is, so "Картой" is marked for the term "карт"). Every word of a phrase term is
// marked wherever it occurs. If `text` is longer than `max_chars` code points, returns about
// `max_chars` of it around the first match with "…" where it was cut, never cutting a word.
// The result is safe to put into HTML; invalid UTF-8 becomes U+FFFD.
std::string Snippet(std::string_view text, const std::vector<QueryTerm>& terms,
                    std::size_t max_chars = kSnippetChars);

// `text` with & < > " ' escaped for HTML (and invalid UTF-8 replaced by U+FFFD).
std::string EscapeHtml(std::string_view text);

}  // namespace vitrina::search
