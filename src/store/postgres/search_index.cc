#include "store/postgres/search_index.h"

#include <algorithm>
#include <map>
#include <set>

#include "search/text.h"

namespace vitrina::store::postgres {
namespace {

// PostgreSQL keeps positions up to 16383 (larger ones are clamped to it).
constexpr int kMaxPosition = 16383;

std::vector<std::string> Tokens(std::string_view text, unsigned flags) {
  std::vector<std::string> out;
  search::Tokenize(text, flags, [&](std::string_view t, std::size_t, std::size_t) {
    out.emplace_back(t);
    return true;
  });
  return out;
}

void AppendQuoted(std::string& out, std::string_view lexeme) {
  out.push_back('\'');
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

// The phrase's tokens as FTS5 gets them: the words before a prefix stemmed, the prefix folded
// only (search::Query::ToFts splits them so).
QueryPhrase PhraseOf(const search::QueryNode& n) {
  QueryPhrase p;
  p.prefix = n.prefix;
  const std::size_t stemmed = n.prefix ? n.words.size() - 1 : n.words.size();
  for (std::size_t i = 0; i < n.words.size(); ++i) {
    const unsigned flags = search::kTags | (i < stemmed ? 0u : unsigned{search::kNoStem});
    for (auto& t : Tokens(n.words[i], flags)) p.tokens.push_back(std::move(t));
  }
  return p;
}

void CollectPhrases(const search::QueryNode& n, std::vector<QueryPhrase>& out) {
  if (n.kind == search::QueryNode::Kind::kPhrase) {
    out.push_back(PhraseOf(n));
    return;
  }
  for (const auto& c : n.children) CollectPhrases(c, out);
  for (const auto& c : n.excluded) CollectPhrases(c, out);
}

void RenderTsquery(const search::QueryNode& n, std::string& out) {
  switch (n.kind) {
    case search::QueryNode::Kind::kPhrase: {
      const auto p = PhraseOf(n);
      if (p.tokens.empty()) {
        out += "''";  // matches nothing, like an empty FTS5 string
        return;
      }
      out.push_back('(');
      for (std::size_t i = 0; i < p.tokens.size(); ++i) {
        if (i > 0) out += " <-> ";
        AppendQuoted(out, p.tokens[i]);
        if (p.prefix && i + 1 == p.tokens.size()) out += ":*";
      }
      out.push_back(')');
      return;
    }
    case search::QueryNode::Kind::kOr:
    case search::QueryNode::Kind::kAnd: {
      const char* op = n.kind == search::QueryNode::Kind::kOr ? " | " : " & ";
      out.push_back('(');
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += op;
        RenderTsquery(n.children[i], out);
      }
      for (const auto& e : n.excluded) {
        out += " & !";
        RenderTsquery(e, out);
      }
      out.push_back(')');
      return;
    }
  }
}

// lexeme -> positions, from "'a':1,3 'b':2" (weights, if any, ignored).
std::map<std::string, std::vector<int>, std::less<>> ParseTsvector(std::string_view s) {
  std::map<std::string, std::vector<int>, std::less<>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || s[i] != '\'') break;
    ++i;
    std::string lexeme;
    while (i < s.size()) {
      if (s[i] == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        lexeme.push_back('\'');
        i += 2;
      } else if (s[i] == '\\' && i + 1 < s.size()) {
        lexeme.push_back(s[i + 1]);
        i += 2;
      } else if (s[i] == '\'') {
        ++i;
        break;
      } else {
        lexeme.push_back(s[i++]);
      }
    }
    auto& positions = out[lexeme];
    if (i < s.size() && s[i] == ':') {
      ++i;
      while (i < s.size() && s[i] != ' ') {
        int p = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') p = p * 10 + (s[i++] - '0');
        positions.push_back(p);
        while (i < s.size() && s[i] != ',' && s[i] != ' ') ++i;  // a weight letter
        if (i < s.size() && s[i] == ',') ++i;
      }
    }
  }
  return out;
}

}  // namespace

std::string TsvectorOf(std::string_view text) {
  std::map<std::string, std::vector<int>> positions;
  int at = 0;
  search::Tokenize(text, search::kTags, [&](std::string_view t, std::size_t, std::size_t) {
    at = std::min(at + 1, kMaxPosition);
    auto& p = positions[std::string(t)];
    if (p.empty() || p.back() != at) p.push_back(at);
    return true;
  });
  std::string out;
  for (const auto& [lexeme, ps] : positions) {
    if (!out.empty()) out.push_back(' ');
    AppendQuoted(out, lexeme);
    out.push_back(':');
    for (std::size_t i = 0; i < ps.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += std::to_string(ps[i]);
    }
  }
  return out;
}

std::string TsqueryOf(const search::QueryNode& root) {
  std::string out;
  RenderTsquery(root, out);
  return out;
}

std::vector<QueryPhrase> PhrasesOf(const search::QueryNode& root) {
  std::vector<QueryPhrase> out;
  CollectPhrases(root, out);
  return out;
}

std::vector<std::int32_t> RowStats(std::string_view tsvector_text, const std::vector<QueryPhrase>& phrases) {
  const auto lexemes = ParseTsvector(tsvector_text);
  std::vector<std::int32_t> out(phrases.size() + 1, 0);
  std::int32_t tokens = 0;
  for (const auto& [lexeme, ps] : lexemes) tokens += static_cast<std::int32_t>(ps.size());
  out[0] = tokens;
  for (std::size_t p = 0; p < phrases.size(); ++p) {
    const auto& phrase = phrases[p];
    if (phrase.tokens.empty()) continue;
    // Positions of each token of the phrase (a prefix: of every lexeme beginning with it).
    std::vector<std::set<int>> at(phrase.tokens.size());
    for (std::size_t k = 0; k < phrase.tokens.size(); ++k) {
      const bool prefix = phrase.prefix && k + 1 == phrase.tokens.size();
      if (prefix) {
        for (auto it = lexemes.lower_bound(phrase.tokens[k]);
             it != lexemes.end() && it->first.compare(0, phrase.tokens[k].size(), phrase.tokens[k]) == 0; ++it) {
          at[k].insert(it->second.begin(), it->second.end());
        }
      } else if (auto it = lexemes.find(phrase.tokens[k]); it != lexemes.end()) {
        at[k].insert(it->second.begin(), it->second.end());
      }
    }
    std::int32_t count = 0;
    for (int start : at[0]) {
      bool whole = true;
      for (std::size_t k = 1; k < at.size() && whole; ++k) whole = at[k].count(start + static_cast<int>(k)) > 0;
      if (whole) ++count;
    }
    out[p + 1] = count;
  }
  return out;
}

}  // namespace vitrina::store::postgres
