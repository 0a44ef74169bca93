#include "search/highlight.h"

#include <algorithm>

#include "search/text.h"

namespace vitrina::search {
namespace {

struct Word {
  std::size_t begin;
  std::size_t end;
  bool marked;
};

void AppendEscaped(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    const char32_t cp = NextCodePoint(text, &i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case kInvalidCodePoint: out += "\xEF\xBF\xBD"; break;
      default: out.append(text.substr(at, i - at));
    }
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool Matches(std::string_view folded, const std::vector<QueryTerm>& terms) {
  std::string stem;
  bool stemmed = false;
  for (const auto& t : terms) {
    if (t.form.empty()) continue;
    if (t.prefix && StartsWith(folded, t.form)) return true;
    if (!stemmed) {
      stem = NormalizeWord(folded);
      stemmed = true;
    }
    if (t.prefix ? StartsWith(stem, t.form) : stem == t.form) return true;
  }
  return false;
}

// Byte offset `count` code points after (count > 0) or before (count < 0) `from`.
std::size_t Advance(std::string_view text, std::size_t from, long count) {
  std::size_t at = from;
  if (count >= 0) {
    for (long i = 0; i < count && at < text.size(); ++i) NextCodePoint(text, &at);
    return at;
  }
  for (long i = 0; i < -count && at > 0; ++i) {
    --at;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  }
  return at;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendEscaped(out, text);
  return out;
}

std::string Snippet(std::string_view text, const std::vector<QueryTerm>& terms,
                    std::size_t max_chars) {
  std::vector<Word> words;
  const Word* first = nullptr;
  Tokenize(text, kNoStem, [&](std::string_view folded, std::size_t begin, std::size_t end) {
    words.push_back({begin, end, Matches(folded, terms)});
    return true;
  });
  for (const auto& w : words) {
    if (w.marked) {
      first = &w;
      break;
    }
  }

  std::size_t start = 0;
  std::size_t stop = text.size();
  if (CodePointCount(text) > max_chars) {
    const std::size_t anchor = first ? first->begin : 0;
    start = Advance(text, anchor, -static_cast<long>(max_chars / 4));
    for (const auto& w : words) {  // never start inside a word
      if (w.begin < start && start < w.end) {
        start = w.end;
        break;
      }
    }
    while (start < anchor && (text[start] == ' ' || text[start] == '\n' || text[start] == '\t')) {
      ++start;
    }
    stop = Advance(text, start, static_cast<long>(max_chars));
    for (const auto& w : words) {  // nor end inside one (but keep the first match whole)
      if (w.begin < stop && stop < w.end) {
        stop = w.begin > anchor ? w.begin : w.end;
        break;
      }
    }
    while (stop > start && (text[stop - 1] == ' ' || text[stop - 1] == '\n' || text[stop - 1] == '\t')) {
      --stop;
    }
  }

  std::string out;
  out.reserve((stop - start) + 64);
  if (start > 0) out += "…";
  std::size_t at = start;
  for (const auto& w : words) {
    if (!w.marked || w.end <= start || w.begin >= stop) continue;
    const std::size_t b = std::max(w.begin, start);
    const std::size_t e = std::min(w.end, stop);
    AppendEscaped(out, text.substr(at, b - at));
    out += "<mark>";
    AppendEscaped(out, text.substr(b, e - b));
    out += "</mark>";
    at = e;
  }
  AppendEscaped(out, text.substr(at, stop - at));
  if (stop < text.size()) out += "…";
  return out;
}

}  // namespace vitrina::search
