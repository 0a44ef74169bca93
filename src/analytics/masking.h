#pragma once
// PII masking: phone numbers, payment card numbers, e-mail addresses, links and messenger
// handles in a transcript (typed or said in words, Russian and English) become "[phone]",
// "[card]", "[email]", "[link]". The one function used wherever text reaches an analyst, an
// export or a log. Rules, what is deliberately left alone, and limits: docs/analytics.md
// "## Masking". Stateless; linear in the text (hand-written scanners, no regular expressions);
// UTF-8 safe (never cuts a code point; invalid bytes are kept as they are). Any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::analytics {

enum class PiiKind { kPhone, kCard, kEmail, kLink };

// "[phone]", "[card]", "[email]", "[link]".
std::string_view PiiToken(PiiKind kind);

struct PiiMatch {
  PiiKind kind;
  std::size_t begin;  // byte range in the input
  std::size_t end;
};

// Every item to mask, in order, not overlapping.
std::vector<PiiMatch> FindPii(std::string_view text);

// `text` with every FindPii match replaced by its token.
std::string Mask(std::string_view text);

// Whether `digits` (ASCII digits only, at least two) passes the Luhn check.
bool LuhnValid(std::string_view digits);

}  // namespace vitrina::analytics
