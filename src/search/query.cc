#include "search/query.h"

#include <algorithm>
#include <optional>

#include "search/text.h"

namespace vitrina::search {
namespace {

tl::unexpected<base::Error> BadQuery(std::string message) {
  return base::InvalidArgument("bad_query", std::move(message));
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

struct Token {
  enum class Kind { kLParen, kRParen, kOr, kMinus, kPhrase };
  Kind kind;
  std::vector<std::string> words;  // kPhrase
  bool prefix = false;             // kPhrase
};

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  Tokenize(text, kNoStem, [&](std::string_view w, std::size_t, std::size_t) {
    words.emplace_back(w);
    return true;
  });
  return words;
}

Result<std::vector<Token>> Lex(std::string_view q) {
  std::vector<Token> out;
  std::size_t i = 0;
  const auto peek = [&](std::size_t at) -> char32_t {
    if (at >= q.size()) return 0;
    return NextCodePoint(q, &at);
  };
  while (i < q.size()) {
    std::size_t next = i;
    const char32_t c = NextCodePoint(q, &next);
    if (IsSpace(c)) {
      i = next;
    } else if (c == '(') {
      out.push_back({Token::Kind::kLParen, {}, false});
      i = next;
    } else if (c == ')') {
      out.push_back({Token::Kind::kRParen, {}, false});
      i = next;
    } else if (c == '"') {
      const std::size_t close = q.find('"', next);
      if (close == std::string_view::npos) return BadQuery("A quotation mark is not closed");
      Token t{Token::Kind::kPhrase, Words(q.substr(next, close - next)), false};
      i = close + 1;
      if (i < q.size() && q[i] == '*') {
        t.prefix = true;
        while (i < q.size() && q[i] == '*') ++i;
      }
      out.push_back(std::move(t));
    } else if (c == '-' && next < q.size() && !IsSpace(peek(next)) && peek(next) != ')') {
      // Exclusion only at the start of a word, phrase or group; a hyphen inside a word
      // ("e-mail") never gets here: it belongs to the word's chunk below.
      out.push_back({Token::Kind::kMinus, {}, false});
      i = next;
    } else {
      // A chunk: everything up to a space, parenthesis or quote. Its words form one phrase,
      // so "e-mail", "text:foo" or "foo_bar" stay one term (adjacent words).
      std::size_t end = next;
      while (end < q.size()) {
        std::size_t after = end;
        const char32_t d = NextCodePoint(q, &after);
        if (IsSpace(d) || d == '(' || d == ')' || d == '"') break;
        end = after;
      }
      std::string_view chunk = q.substr(i, end - i);
      i = end;
      if (chunk == "OR") {
        out.push_back({Token::Kind::kOr, {}, false});
        continue;
      }
      Token t{Token::Kind::kPhrase, {}, false};
      std::size_t stars = 0;
      while (stars < chunk.size() && chunk[chunk.size() - 1 - stars] == '*') ++stars;
      if (stars > 0) {
        // A prefix only when the star directly follows a letter or digit ("ab*", not "ab-*").
        std::string_view body = chunk.substr(0, chunk.size() - stars);
        std::size_t last = body.size();
        while (last > 0 && (static_cast<unsigned char>(body[last - 1]) & 0xC0) == 0x80) --last;
        if (last > 0) {
          std::size_t at = last - 1;
          if (!IsSeparator(NextCodePoint(body, &at))) t.prefix = true;
        }
        chunk = body;
      }
      t.words = Words(chunk);
      out.push_back(std::move(t));
    }
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<QueryNode> Parse() {
    auto root = TRY(ParseOr(0));
    if (pos_ < tokens_.size()) {
      // Only a stray ')' can stop the top level early.
      return BadQuery("A closing parenthesis has no opening one");
    }
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  Token::Kind Peek() const { return tokens_[pos_].kind; }

  static bool Empty(const QueryNode& n) {
    return n.kind == QueryNode::Kind::kPhrase ? n.words.empty()
                                              : n.children.empty() && n.excluded.empty();
  }

  Result<QueryNode> ParseOr(int depth) {
    if (!AtEnd() && Peek() == Token::Kind::kOr) return BadQuery("OR needs a term on each side");
    std::vector<QueryNode> branches;
    branches.push_back(TRY(ParseAnd(depth)));
    while (!AtEnd() && Peek() == Token::Kind::kOr) {
      ++pos_;
      if (AtEnd() || Peek() == Token::Kind::kOr || Peek() == Token::Kind::kRParen) {
        return BadQuery("OR needs a term on each side");
      }
      branches.push_back(TRY(ParseAnd(depth)));
    }
    std::erase_if(branches, Empty);
    if (branches.empty()) return QueryNode{QueryNode::Kind::kAnd, {}, false, {}, {}};
    if (branches.size() == 1) return std::move(branches.front());
    QueryNode node;
    node.kind = QueryNode::Kind::kOr;
    node.children = std::move(branches);
    return node;
  }

  Result<QueryNode> ParseAnd(int depth) {
    QueryNode node;
    node.kind = QueryNode::Kind::kAnd;
    while (!AtEnd() && Peek() != Token::Kind::kOr && Peek() != Token::Kind::kRParen) {
      bool negated = false;
      while (!AtEnd() && Peek() == Token::Kind::kMinus) {
        negated = true;
        ++pos_;
      }
      if (AtEnd()) break;
      QueryNode item;
      Token& t = tokens_[pos_];
      if (t.kind == Token::Kind::kLParen) {
        if (depth + 1 > kMaxQueryDepth) return BadQuery("Parentheses are nested too deeply");
        ++pos_;
        item = TRY(ParseOr(depth + 1));
        if (AtEnd() || Peek() != Token::Kind::kRParen) {
          return BadQuery("An opening parenthesis is not closed");
        }
        ++pos_;
      } else if (t.kind == Token::Kind::kPhrase) {
        item.kind = QueryNode::Kind::kPhrase;
        item.words = std::move(t.words);
        item.prefix = t.prefix;
        ++pos_;
        if (item.prefix && !item.words.empty() &&
            CodePointCount(item.words.back()) < kMinPrefixChars) {
          return BadQuery("A prefix needs at least 2 characters before *");
        }
      } else {
        break;  // OR or ')' right after a minus: handled by the callers
      }
      if (Empty(item)) continue;  // punctuation only: nothing to search for
      (negated ? node.excluded : node.children).push_back(std::move(item));
    }
    if (node.children.empty() && !node.excluded.empty()) {
      return BadQuery("Exclusions (-word) need at least one word to search for beside them");
    }
    if (node.children.size() == 1 && node.excluded.empty()) return std::move(node.children.front());
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

std::size_t CountWords(const QueryNode& n) {
  std::size_t count = n.words.size();
  for (const auto& c : n.children) count += CountWords(c);
  for (const auto& c : n.excluded) count += CountWords(c);
  return count;
}

void CollectTerms(const QueryNode& n, std::vector<QueryTerm>& out) {
  if (n.kind == QueryNode::Kind::kPhrase) {
    for (std::size_t i = 0; i < n.words.size(); ++i) {
      const bool prefix = n.prefix && i + 1 == n.words.size();
      QueryTerm term{prefix ? n.words[i] : NormalizeWord(n.words[i]), prefix};
      if (term.form.empty()) continue;
      if (std::find(out.begin(), out.end(), term) == out.end()) out.push_back(std::move(term));
    }
    return;
  }
  for (const auto& c : n.children) CollectTerms(c, out);
}

// A quoted FTS5 string. Words hold only letters, digits and marks, so there is never a quote
// to double; doubling anyway keeps this safe if that ever changes.
void AppendString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string Join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) s.push_back(' ');
    s += words[i];
  }
  return s;
}

void RenderFts(const QueryNode& n, std::string& out) {
  switch (n.kind) {
    case QueryNode::Kind::kPhrase:
      // FTS5 tokenizes a string followed by * in prefix mode as a whole, so the words before
      // the prefix go into their own string (stemmed), joined as one phrase with `+`.
      if (n.prefix && n.words.size() > 1) {
        AppendString(out, Join(n.words, 0, n.words.size() - 1));
        out += " + ";
        AppendString(out, n.words.back());
      } else {
        AppendString(out, Join(n.words, 0, n.words.size()));
      }
      if (n.prefix) out.push_back('*');
      return;
    case QueryNode::Kind::kOr:
      out.push_back('(');
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += " OR ";
        RenderFts(n.children[i], out);
      }
      out.push_back(')');
      return;
    case QueryNode::Kind::kAnd:
      // (a AND b) NOT (c OR d): FTS5's NOT is binary, "a NOT c NOT d" would read the same.
      if (!n.excluded.empty()) out.push_back('(');
      out.push_back('(');
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += " AND ";
        RenderFts(n.children[i], out);
      }
      out.push_back(')');
      if (!n.excluded.empty()) {
        out += " NOT (";
        for (std::size_t i = 0; i < n.excluded.size(); ++i) {
          if (i > 0) out += " OR ";
          RenderFts(n.excluded[i], out);
        }
        out += "))";
      }
      return;
  }
}

void RenderDebug(const QueryNode& n, std::string& out) {
  switch (n.kind) {
    case QueryNode::Kind::kPhrase:
      out += '"' + Join(n.words, 0, n.words.size()) + '"';
      if (n.prefix) out.push_back('*');
      return;
    case QueryNode::Kind::kOr:
    case QueryNode::Kind::kAnd:
      out += n.kind == QueryNode::Kind::kOr ? "(OR" : "(AND";
      for (const auto& c : n.children) {
        out.push_back(' ');
        RenderDebug(c, out);
      }
      for (const auto& c : n.excluded) {
        out += " (NOT ";
        RenderDebug(c, out);
        out.push_back(')');
      }
      out.push_back(')');
      return;
  }
}

}  // namespace

Query::Query(QueryNode root) : root_(std::move(root)) { CollectTerms(root_, terms_); }

std::string Query::ToFts() const {
  std::string out;
  RenderFts(root_, out);
  return out;
}

std::string Query::Debug() const {
  std::string out;
  RenderDebug(root_, out);
  return out;
}

Result<Query> ParseQuery(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return BadQuery("The query is too long (at most " + std::to_string(kMaxQueryBytes) +
                    " bytes)");
  }
  if (std::all_of(text.begin(), text.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
      })) {
    return BadQuery("The query is empty");
  }
  auto tokens = TRY(Lex(text));
  auto root = TRY(Parser(std::move(tokens)).Parse());
  const std::size_t words = CountWords(root);
  if (words == 0) return BadQuery("The query has no words to search for");
  if (words > kMaxQueryTerms) {
    return BadQuery("The query has too many words (at most " + std::to_string(kMaxQueryTerms) +
                    ")");
  }
  return Query(std::move(root));
}

}  // namespace vitrina::search
