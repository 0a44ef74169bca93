// The phrase rules' expression parser (rules.h): the search query language (search/query.h)
// plus NEAR/n, upper-case NOT and PII placeholders, with error positions. A parser of its own
// rather than search::ParseQuery, whose tree has no proximity or placeholders and whose
// behaviour search depends on; the word forms come from the same tokenizer and stemmer.

#include <algorithm>
#include <string>

#include "analytics/rules.h"
#include "search/text.h"

namespace vitrina::analytics {
namespace {

tl::unexpected<base::Error> BadRule(std::string message) {
  return base::InvalidArgument("bad_rule", std::move(message));
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

std::optional<PiiKind> PlaceholderKind(std::string_view name) {
  if (name == "phone") return PiiKind::kPhone;
  if (name == "card") return PiiKind::kCard;
  if (name == "email") return PiiKind::kEmail;
  if (name == "link") return PiiKind::kLink;
  return std::nullopt;
}

struct Token {
  enum class Kind { kLParen, kRParen, kOr, kNot, kNear, kPhrase };
  Kind kind;
  std::size_t pos = 0;           // byte offset in the expression
  std::vector<RuleTerm> terms;   // kPhrase
  int distance = 0;              // kNear
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : q_(text) {}

  Result<std::vector<Token>> Run() const {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < q_.size()) {
      std::size_t next = i;
      const char32_t c = search::NextCodePoint(q_, &next);
      if (IsSpace(c)) {
        i = next;
      } else if (c == '(' || c == ')') {
        out.push_back({c == '(' ? Token::Kind::kLParen : Token::Kind::kRParen, i, {}, 0});
        i = next;
      } else if (c == '"') {
        const std::size_t close = q_.find('"', next);
        if (close == std::string_view::npos) return BadRule("unbalanced quote" + At(i));
        Token t{Token::Kind::kPhrase, i, {}, 0};
        std::vector<std::string> folded;  // unstemmed word of each term ("" for placeholders)
        TRY(Body(next, close, t.terms, folded));
        i = close + 1;
        if (i < q_.size() && q_[i] == '*') {
          if (t.terms.empty() || t.terms.back().kind != RuleTerm::Kind::kWord) {
            return BadRule("* must follow a word" + At(i));
          }
          TRY(MakePrefix(t.terms.back(), folded.back(), i));
          while (i < q_.size() && q_[i] == '*') ++i;
        }
        out.push_back(std::move(t));
      } else if (c == '[') {
        Token t{Token::Kind::kPhrase, i, {}, 0};
        t.terms.push_back(TRY(Placeholder(i, &i)));
        out.push_back(std::move(t));
      } else if (c == '-' && next < q_.size() && !IsSpace(Peek(next)) && Peek(next) != ')') {
        out.push_back({Token::Kind::kNot, i, {}, 0});
        i = next;
      } else {
        const std::size_t end = ChunkEnd(next, /*in_phrase=*/false);
        const std::string_view chunk = q_.substr(i, end - i);
        if (chunk == "OR") {
          out.push_back({Token::Kind::kOr, i, {}, 0});
        } else if (chunk == "NOT") {
          out.push_back({Token::Kind::kNot, i, {}, 0});
        } else if (chunk.starts_with("NEAR")) {
          out.push_back({Token::Kind::kNear, i, {}, TRY(NearDistance(chunk, i))});
        } else {
          Token t{Token::Kind::kPhrase, i, {}, 0};
          std::vector<std::string> folded;
          TRY(Chunk(i, end, t.terms, folded));
          out.push_back(std::move(t));
        }
        i = end;
      }
    }
    return out;
  }

  std::string At(std::size_t byte) const {
    return " at " + std::to_string(search::CodePointCount(q_.substr(0, byte)) + 1);
  }

 private:
  char32_t Peek(std::size_t at) const {
    if (at >= q_.size()) return 0;
    return search::NextCodePoint(q_, &at);
  }

  // End of a chunk: the next space, parenthesis, quote or '['.
  std::size_t ChunkEnd(std::size_t from, bool in_phrase) const {
    std::size_t end = from;
    while (end < q_.size()) {
      std::size_t after = end;
      const char32_t d = search::NextCodePoint(q_, &after);
      if (IsSpace(d) || d == '"' || d == '[') break;
      if (!in_phrase && (d == '(' || d == ')')) break;
      end = after;
    }
    return end;
  }

  Result<int> NearDistance(std::string_view chunk, std::size_t pos) const {
    if (chunk.size() < 6 || chunk[4] != '/') return BadRule("NEAR needs a number" + At(pos));
    const std::string_view digits = chunk.substr(5);
    if (digits.size() > 3 || !std::all_of(digits.begin(), digits.end(),
                                          [](char d) { return d >= '0' && d <= '9'; })) {
      return BadRule("NEAR needs a number" + At(pos));
    }
    const int n = std::stoi(std::string(digits));
    if (n > kMaxNearDistance) {
      return BadRule("NEAR distance over " + std::to_string(kMaxNearDistance) + At(pos));
    }
    return n;
  }

  // A placeholder "[kind]" starting at `begin` (a '['); `*end` is set past the ']'.
  Result<RuleTerm> Placeholder(std::size_t begin, std::size_t* end) const {
    const std::size_t close = q_.find(']', begin);
    const std::size_t space = q_.find_first_of(" \t\n\"()[", begin + 1);
    if (close == std::string_view::npos || (space != std::string_view::npos && space < close)) {
      return BadRule("unclosed placeholder" + At(begin));
    }
    const std::string_view name = q_.substr(begin + 1, close - begin - 1);
    const auto kind = PlaceholderKind(name);
    if (!kind) {
      return BadRule("unknown placeholder [" + std::string(name) + "]" + At(begin) +
                     " (use [phone], [card], [email] or [link])");
    }
    *end = close + 1;
    if (*end < q_.size() && q_[*end] == '*') {
      return BadRule("a placeholder cannot be a prefix" + At(*end));
    }
    RuleTerm t;
    t.kind = RuleTerm::Kind::kPlaceholder;
    t.form = "[" + std::string(name) + "]";
    t.pii = *kind;
    return t;
  }

  Result<void> MakePrefix(RuleTerm& term, const std::string& folded, std::size_t pos) const {
    if (search::CodePointCount(folded) < kMinRulePrefixChars) {
      return BadRule("a prefix needs at least 2 characters before *" + At(pos));
    }
    term.kind = RuleTerm::Kind::kPrefix;
    term.form = folded;
    return base::Ok();
  }

  // Words of the chunk q_[begin, end): adjacent terms (e-mail = "e mail"); a trailing * makes
  // the last word a prefix when it directly follows a letter or digit.
  Result<void> Chunk(std::size_t begin, std::size_t end, std::vector<RuleTerm>& terms,
                     std::vector<std::string>& folded) const {
    std::string_view chunk = q_.substr(begin, end - begin);
    std::size_t stars = 0;
    while (stars < chunk.size() && chunk[chunk.size() - 1 - stars] == '*') ++stars;
    bool prefix = false;
    if (stars > 0) {
      const std::string_view body = chunk.substr(0, chunk.size() - stars);
      std::size_t last = body.size();
      while (last > 0 && (static_cast<unsigned char>(body[last - 1]) & 0xC0) == 0x80) --last;
      if (last > 0) {
        std::size_t at = last - 1;
        prefix = !search::IsSeparator(search::NextCodePoint(body, &at));
      }
      chunk = body;
    }
    const std::size_t first = terms.size();
    search::Tokenize(chunk, search::kNoStem, [&](std::string_view w, std::size_t, std::size_t) {
      RuleTerm t;
      t.kind = RuleTerm::Kind::kWord;
      t.form = search::NormalizeWord(w);
      if (t.form.empty()) t.form.assign(w);
      terms.push_back(std::move(t));
      folded.emplace_back(w);
      return true;
    });
    if (prefix) {
      if (terms.size() == first) return BadRule("* must follow a word" + At(end - 1));
      TRY(MakePrefix(terms.back(), folded.back(), begin));
    }
    return base::Ok();
  }

  // The inside of a quoted phrase q_[begin, end): chunks and placeholders.
  Result<void> Body(std::size_t begin, std::size_t end, std::vector<RuleTerm>& terms,
                    std::vector<std::string>& folded) const {
    std::size_t i = begin;
    while (i < end) {
      std::size_t next = i;
      const char32_t c = search::NextCodePoint(q_, &next);
      if (IsSpace(c)) {
        i = next;
      } else if (c == '[') {
        std::size_t after = i;
        RuleTerm t = TRY(Placeholder(i, &after));
        if (after > end) return BadRule("unclosed placeholder" + At(i));
        terms.push_back(std::move(t));
        folded.emplace_back();
        i = after;
      } else {
        const std::size_t chunk_end = std::min(ChunkEnd(next, /*in_phrase=*/true), end);
        TRY(Chunk(i, chunk_end, terms, folded));
        i = chunk_end;
      }
    }
    return base::Ok();
  }

  std::string_view q_;
};

bool Empty(const RuleNode& n) {
  return n.kind == RuleNode::Kind::kPhrase ? n.terms.empty()
                                            : n.children.empty() && n.excluded.empty();
}

class Parser {
 public:
  Parser(const Lexer& lexer, std::vector<Token> tokens)
      : lexer_(lexer), tokens_(std::move(tokens)) {}

  Result<RuleNode> Parse() {
    auto root = TRY(ParseOr(0));
    if (!AtEnd()) return BadRule("unmatched closing parenthesis" + lexer_.At(Pos()));
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  Token::Kind Peek() const { return tokens_[pos_].kind; }
  std::size_t Pos() const { return tokens_[pos_].pos; }
  std::size_t EndPos() const { return tokens_.empty() ? 0 : tokens_.back().pos + 1; }
  std::string AtHere() const { return lexer_.At(AtEnd() ? EndPos() : Pos()); }

  Result<RuleNode> ParseOr(int depth) {
    if (!AtEnd() && Peek() == Token::Kind::kOr) {
      return BadRule("OR needs a term on each side" + lexer_.At(Pos()));
    }
    std::vector<RuleNode> branches;
    branches.push_back(TRY(ParseAnd(depth)));
    while (!AtEnd() && Peek() == Token::Kind::kOr) {
      const std::size_t at = Pos();
      ++pos_;
      if (AtEnd() || Peek() == Token::Kind::kOr || Peek() == Token::Kind::kRParen) {
        return BadRule("OR needs a term on each side" + lexer_.At(at));
      }
      RuleNode branch = TRY(ParseAnd(depth));
      if (Empty(branch)) return BadRule("OR needs a term on each side" + lexer_.At(at));
      branches.push_back(std::move(branch));
    }
    if (branches.size() > 1 && Empty(branches.front())) {
      return BadRule("OR needs a term on each side" + lexer_.At(tokens_.front().pos));
    }
    if (branches.size() == 1) return std::move(branches.front());
    RuleNode node;
    node.kind = RuleNode::Kind::kOr;
    node.children = std::move(branches);
    return node;
  }

  Result<RuleNode> ParseAnd(int depth) {
    RuleNode node;
    node.kind = RuleNode::Kind::kAnd;
    std::size_t first_exclusion = 0;
    while (!AtEnd() && Peek() != Token::Kind::kOr && Peek() != Token::Kind::kRParen) {
      bool negated = false;
      const std::size_t at = Pos();
      while (!AtEnd() && Peek() == Token::Kind::kNot) {
        negated = true;
        ++pos_;
      }
      if (negated && (AtEnd() || Peek() == Token::Kind::kOr || Peek() == Token::Kind::kRParen ||
                      Peek() == Token::Kind::kNear)) {
        return BadRule("NOT needs a term after it" + lexer_.At(at));
      }
      if (Peek() == Token::Kind::kNear) {
        return BadRule("NEAR needs a term on each side" + lexer_.At(Pos()));
      }
      RuleNode item = TRY(ParsePrimary(depth));
      if (!AtEnd() && Peek() == Token::Kind::kNear) {
        if (negated) return BadRule("an excluded term cannot be a side of NEAR" + lexer_.At(at));
        if (Empty(item)) return BadRule("NEAR needs a term on each side" + lexer_.At(Pos()));
        while (!AtEnd() && Peek() == Token::Kind::kNear) {
          const Token& near = tokens_[pos_];
          ++pos_;
          if (AtEnd() ||
              (Peek() != Token::Kind::kPhrase && Peek() != Token::Kind::kLParen)) {
            return BadRule("NEAR needs a term on each side" + lexer_.At(near.pos));
          }
          RuleNode right = TRY(ParsePrimary(depth));
          if (Empty(right)) return BadRule("NEAR needs a term on each side" + lexer_.At(near.pos));
          RuleNode n;
          n.kind = RuleNode::Kind::kNear;
          n.distance = near.distance;
          n.children.push_back(std::move(item));
          n.children.push_back(std::move(right));
          item = std::move(n);
        }
      }
      if (Empty(item)) continue;  // punctuation only: nothing to match
      if (negated && node.excluded.empty()) first_exclusion = at;
      (negated ? node.excluded : node.children).push_back(std::move(item));
    }
    if (node.children.empty() && !node.excluded.empty()) {
      return BadRule("an exclusion needs a term to match beside it" +
                     lexer_.At(first_exclusion));
    }
    if (node.children.size() == 1 && node.excluded.empty()) return std::move(node.children.front());
    return node;
  }

  Result<RuleNode> ParsePrimary(int depth) {
    Token& t = tokens_[pos_];
    if (t.kind == Token::Kind::kLParen) {
      if (depth + 1 > kMaxRuleDepth) {
        return BadRule("parentheses nested deeper than " + std::to_string(kMaxRuleDepth) +
                       lexer_.At(t.pos));
      }
      const std::size_t open = t.pos;
      ++pos_;
      RuleNode inner = TRY(ParseOr(depth + 1));
      if (AtEnd() || Peek() != Token::Kind::kRParen) {
        return BadRule("unclosed parenthesis" + lexer_.At(open));
      }
      ++pos_;
      return inner;
    }
    if (t.kind == Token::Kind::kPhrase) {
      RuleNode n;
      n.kind = RuleNode::Kind::kPhrase;
      n.terms = std::move(t.terms);
      ++pos_;
      return n;
    }
    return BadRule("a term is missing" + lexer_.At(t.pos));
  }

  const Lexer& lexer_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

std::size_t CountTerms(const RuleNode& n) {
  std::size_t count = n.terms.size();
  for (const auto& c : n.children) count += CountTerms(c);
  for (const auto& c : n.excluded) count += CountTerms(c);
  return count;
}

void RenderDebug(const RuleNode& n, std::string& out) {
  switch (n.kind) {
    case RuleNode::Kind::kPhrase:
      out.push_back('"');
      for (std::size_t i = 0; i < n.terms.size(); ++i) {
        if (i > 0) out.push_back(' ');
        out += n.terms[i].form;
        if (n.terms[i].kind == RuleTerm::Kind::kPrefix) out.push_back('*');
      }
      out.push_back('"');
      return;
    case RuleNode::Kind::kNear:
      out += "(NEAR/" + std::to_string(n.distance);
      for (const auto& c : n.children) {
        out.push_back(' ');
        RenderDebug(c, out);
      }
      out.push_back(')');
      return;
    case RuleNode::Kind::kOr:
    case RuleNode::Kind::kAnd:
      out += n.kind == RuleNode::Kind::kOr ? "(OR" : "(AND";
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

bool IsCategory(std::string_view c) {
  return std::find(kRuleCategories.begin(), kRuleCategories.end(), c) != kRuleCategories.end();
}

}  // namespace

std::optional<Severity> ParseSeverity(std::string_view s) {
  if (s == "info") return Severity::kInfo;
  if (s == "warn") return Severity::kWarn;
  if (s == "high") return Severity::kHigh;
  return std::nullopt;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarn: return "warn";
    case Severity::kHigh: return "high";
  }
  return "warn";
}

std::optional<RuleAction> ParseRuleAction(std::string_view s) {
  if (s == "tag") return RuleAction::kTag;
  if (s == "case") return RuleAction::kCase;
  return std::nullopt;
}

std::string_view RuleActionName(RuleAction a) { return a == RuleAction::kCase ? "case" : "tag"; }

std::string RuleExpression::Debug() const {
  std::string out;
  RenderDebug(root_, out);
  return out;
}

Result<RuleExpression> ParseRuleExpression(std::string_view text) {
  if (text.size() > kMaxRuleBytes) {
    return BadRule("expression too long: " + std::to_string(text.size()) + " bytes, at most " +
                   std::to_string(kMaxRuleBytes));
  }
  bool blank = true;
  for (std::size_t i = 0; i < text.size() && blank;) {
    if (!IsSpace(search::NextCodePoint(text, &i))) blank = false;
  }
  if (blank) return BadRule("empty expression");
  const Lexer lexer(text);
  auto tokens = TRY(lexer.Run());
  RuleNode root = TRY(Parser(lexer, std::move(tokens)).Parse());
  const std::size_t terms = CountTerms(root);
  if (terms == 0) return BadRule("no words to match");
  if (terms > kMaxRuleTerms) {
    return BadRule("too many terms: " + std::to_string(terms) + ", at most " +
                   std::to_string(kMaxRuleTerms));
  }
  return RuleExpression(std::move(root));
}

Result<void> ValidateRule(const Rule& rule) {
  if (!IsCategory(rule.category)) {
    return BadRule("unknown category \"" + rule.category + "\"");
  }
  if (rule.language != "ru" && rule.language != "en" && rule.language != "any") {
    return BadRule("language must be ru, en or any");
  }
  if (rule.speaker != "buyer" && rule.speaker != "seller" && rule.speaker != "any") {
    return BadRule("speaker must be buyer, seller or any");
  }
  TRY(ParseRuleExpression(rule.expression));
  return base::Ok();
}

std::size_t ByteToCharOffset(std::string_view text, std::size_t byte) {
  return search::CodePointCount(text.substr(0, std::min(byte, text.size())));
}

}  // namespace vitrina::analytics
