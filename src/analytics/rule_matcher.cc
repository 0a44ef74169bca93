// RuleMatcher (rules.h): rules compiled into an index from each distinct term (a stem, a
// prefix or a placeholder) to the rules it can trigger. A segment is tokenized once; each of
// its words is looked up (its stem, and its beginnings for prefix terms), FindPii runs once if
// any rule has a placeholder, and only the rules triggered by what was found are evaluated,
// on per-term position lists. Cost: O(words × (1 + prefix lengths in use)) look-ups plus the
// evaluation of the candidate rules, independent of how many rules never come up.

#include <algorithm>
#include <unordered_map>

#include "analytics/rules.h"
#include "analytics/spoken_numbers.h"
#include "search/text.h"

namespace vitrina::analytics {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// A stretch of the segment's words that one term or subexpression matched.
struct Span {
  std::uint32_t first = 0;  // token indexes, inclusive
  std::uint32_t last = 0;
  std::size_t begin = 0;  // byte range
  std::size_t end = 0;
};

bool SpanLess(const Span& a, const Span& b) {
  return a.first != b.first ? a.first < b.first : a.last < b.last;
}

Span Hull(const Span& a, const Span& b) {
  return {std::min(a.first, b.first), std::max(a.last, b.last), std::min(a.begin, b.begin),
          std::max(a.end, b.end)};
}

struct Node {
  RuleNode::Kind kind = RuleNode::Kind::kPhrase;
  std::vector<std::uint32_t> terms;  // term ids
  std::vector<Node> children;
  std::vector<Node> excluded;
  int distance = 0;
};

enum : int { kAny = 0, kRu = 1, kEn = 2, kBuyer = 1, kSeller = 2, kOtherLanguage = -1 };

struct CompiledRule {
  std::int64_t id = 0;
  std::string category;
  Severity severity = Severity::kWarn;
  RuleAction action = RuleAction::kTag;
  int language = kAny;
  int speaker = kAny;
  Node root;
};

// Per-thread working memory, reused across calls (and across matchers: stamps are compared
// with a per-thread generation that grows on every call).
struct Scratch {
  std::uint64_t generation = 0;
  struct Tok {
    std::size_t begin, end;
  };
  std::vector<Tok> tokens;
  std::vector<std::uint64_t> term_stamp;
  std::vector<std::vector<Span>> term_hits;
  std::vector<std::uint64_t> rule_stamp;
  std::vector<std::uint32_t> candidates;
  struct Word {
    std::string stem;
    std::size_t digits = 0;  // see Describe
    bool continues = false;
    bool joiner = false;
  };
  StringMap<Word> words;  // folded word → what we need to know about it
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

constexpr std::size_t kMaxCachedWords = 200'000;

// What a word can contribute to something FindPii finds (PiiHints): at most how many digits it
// adds to a number run (spoken_numbers.h: sum over adjacent words is an upper bound of a run's
// digits, as a numeral never has more digits than its words' values together), whether it
// continues a run without digits ("and", "a", «плюс»), and whether it joins an address said
// aloud ("at", «собака», "dot", «точка»).
Scratch::Word Describe(std::string_view folded) {
  Scratch::Word w;
  w.stem = search::NormalizeWord(folded);
  if (w.stem.empty()) w.stem.assign(folded);
  for (char c : folded) {
    if (c >= '0' && c <= '9') ++w.digits;
  }
  if (w.digits > 0) return w;
  static constexpr std::string_view kJoiners[] = {"at", "собака", "собачка", "эт", "dot", "точка"};
  static constexpr std::string_view kContinue[] = {"and", "a", "плюс", "plus"};
  static constexpr std::string_view kOne[] = {"one", "oh", "семью", "полтора", "полторы",
                                              "полутора"};
  for (std::string_view j : kJoiners) w.joiner = w.joiner || folded == j;
  for (std::string_view j : kContinue) w.continues = w.continues || folded == j;
  for (std::string_view j : kOne) {
    if (folded == j) w.digits = 1;
  }
  if (folded == "double" || folded == "triple") w.digits = 3;
  if (w.digits == 0) {
    for (const NumberRun& run : FindNumberRuns(folded)) w.digits += run.digits.size();
  }
  return w;
}

const Scratch::Word& WordOf(Scratch& s, std::string_view folded) {
  auto it = s.words.find(folded);
  if (it == s.words.end()) {
    if (s.words.size() >= kMaxCachedWords) s.words.clear();
    it = s.words.emplace(std::string(folded), Describe(folded)).first;
  }
  return it->second;
}

}  // namespace

struct RuleMatcher::Impl {
  std::size_t total = 0;
  std::vector<CompiledRule> rules;  // enabled rules only
  std::vector<RuleTerm> terms;      // by term id
  StringMap<std::uint32_t> word_ids;
  StringMap<std::uint32_t> prefix_ids;
  std::vector<std::size_t> prefix_lengths;  // distinct byte lengths of prefix terms
  std::array<std::int64_t, 4> placeholder_ids{-1, -1, -1, -1};
  std::vector<std::vector<std::uint32_t>> triggers;  // term id → rule indexes

  std::uint32_t TermId(const RuleTerm& t) {
    auto add = [&](StringMap<std::uint32_t>& map) {
      auto [it, inserted] = map.emplace(t.form, static_cast<std::uint32_t>(terms.size()));
      if (inserted) terms.push_back(t);
      return it->second;
    };
    switch (t.kind) {
      case RuleTerm::Kind::kWord: return add(word_ids);
      case RuleTerm::Kind::kPrefix: {
        const std::uint32_t id = add(prefix_ids);
        if (std::find(prefix_lengths.begin(), prefix_lengths.end(), t.form.size()) ==
            prefix_lengths.end()) {
          prefix_lengths.push_back(t.form.size());
        }
        return id;
      }
      case RuleTerm::Kind::kPlaceholder: {
        auto& slot = placeholder_ids[static_cast<std::size_t>(t.pii)];
        if (slot < 0) {
          slot = static_cast<std::int64_t>(terms.size());
          terms.push_back(t);
        }
        return static_cast<std::uint32_t>(slot);
      }
    }
    return 0;
  }

  Node Compile(const RuleNode& n) {
    Node out;
    out.kind = n.kind;
    out.distance = n.distance;
    for (const auto& t : n.terms) out.terms.push_back(TermId(t));
    for (const auto& c : n.children) out.children.push_back(Compile(c));
    for (const auto& c : n.excluded) out.excluded.push_back(Compile(c));
    return out;
  }

  // How likely a term is to occur in an ordinary segment (lower is rarer): a short word is
  // more often a function word; a prefix matches more words than a word.
  double TermCost(std::uint32_t id) const {
    const RuleTerm& t = terms[id];
    const double chars = static_cast<double>(search::CodePointCount(t.form));
    switch (t.kind) {
      case RuleTerm::Kind::kWord: return 1.0 + 8.0 / std::max(1.0, chars);
      case RuleTerm::Kind::kPrefix: return 2.0 + 8.0 / std::max(1.0, chars);
      case RuleTerm::Kind::kPlaceholder: return 1.5;
    }
    return 10;
  }

  // Terms at least one of which occurs in every segment the node matches, chosen cheap.
  std::vector<std::uint32_t> Triggers(const Node& n, double* cost) const {
    switch (n.kind) {
      case RuleNode::Kind::kPhrase: {
        std::uint32_t best = n.terms.front();
        for (std::uint32_t t : n.terms) {
          if (TermCost(t) < TermCost(best)) best = t;
        }
        *cost = TermCost(best);
        return {best};
      }
      case RuleNode::Kind::kOr: {
        std::vector<std::uint32_t> all;
        *cost = 0;
        for (const auto& c : n.children) {
          double c_cost = 0;
          auto t = Triggers(c, &c_cost);
          *cost += c_cost;
          all.insert(all.end(), t.begin(), t.end());
        }
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        return all;
      }
      case RuleNode::Kind::kAnd:
      case RuleNode::Kind::kNear: {
        std::vector<std::uint32_t> best;
        double best_cost = 0;
        for (const auto& c : n.children) {
          double c_cost = 0;
          auto t = Triggers(c, &c_cost);
          if (best.empty() || c_cost < best_cost) {
            best = std::move(t);
            best_cost = c_cost;
          }
        }
        *cost = best_cost;
        return best;
      }
    }
    return {};
  }

  // --- matching -------------------------------------------------------------------------

  const std::vector<Span>* Hits(const Scratch& s, std::uint32_t term) const {
    if (s.term_stamp[term] != s.generation) return nullptr;
    return &s.term_hits[term];
  }

  void AddHit(Scratch& s, std::uint32_t term, const Span& span) const {
    if (s.term_stamp[term] != s.generation) {
      s.term_stamp[term] = s.generation;
      s.term_hits[term].clear();
      for (std::uint32_t r : triggers[term]) {
        if (s.rule_stamp[r] != s.generation) {
          s.rule_stamp[r] = s.generation;
          s.candidates.push_back(r);
        }
      }
    }
    auto& hits = s.term_hits[term];
    if (!hits.empty() && hits.back().first == span.first && hits.back().last == span.last) return;
    hits.push_back(span);
  }

  void Eval(const Scratch& s, const Node& n, std::vector<Span>& out) const {
    out.clear();
    switch (n.kind) {
      case RuleNode::Kind::kPhrase: {
        const auto* first = Hits(s, n.terms[0]);
        if (!first) return;
        out = *first;
        std::vector<Span> next;
        for (std::size_t k = 1; k < n.terms.size() && !out.empty(); ++k) {
          const auto* hits = Hits(s, n.terms[k]);
          if (!hits) {
            out.clear();
            return;
          }
          next.clear();
          for (const Span& a : out) {
            for (const Span& b : *hits) {
              if (b.first == a.last + 1) next.push_back(Hull(a, b));
            }
          }
          out.swap(next);
        }
        return;
      }
      case RuleNode::Kind::kOr: {
        std::vector<Span> part;
        for (const auto& c : n.children) {
          Eval(s, c, part);
          out.insert(out.end(), part.begin(), part.end());
        }
        std::sort(out.begin(), out.end(), SpanLess);
        return;
      }
      case RuleNode::Kind::kAnd: {
        std::vector<Span> part;
        Span hull;
        bool have = false;
        for (const auto& c : n.children) {
          Eval(s, c, part);
          if (part.empty()) return;
          const Span& leftmost = *std::min_element(part.begin(), part.end(), SpanLess);
          hull = have ? Hull(hull, leftmost) : leftmost;
          have = true;
        }
        for (const auto& c : n.excluded) {
          Eval(s, c, part);
          if (!part.empty()) return;
        }
        if (have) out.push_back(hull);
        return;
      }
      case RuleNode::Kind::kNear: {
        std::vector<Span> left, right;
        Eval(s, n.children[0], left);
        if (left.empty()) return;
        Eval(s, n.children[1], right);
        const auto d = static_cast<std::uint32_t>(n.distance);
        for (const Span& a : left) {
          for (const Span& b : right) {
            const bool within = (b.first > a.last && b.first - a.last - 1 <= d) ||
                                (a.first > b.last && a.first - b.last - 1 <= d);
            if (within) out.push_back(Hull(a, b));
          }
        }
        std::sort(out.begin(), out.end(), SpanLess);
        return;
      }
    }
  }
};

Result<RuleMatcher> RuleMatcher::Build(std::vector<Rule> rules) {
  auto impl = std::make_shared<Impl>();
  impl->total = rules.size();
  for (auto& rule : rules) {
    auto valid = ValidateRule(rule);
    if (!valid) {
      valid.error().message = "rule " + std::to_string(rule.id) + ": " + valid.error().message;
      return tl::unexpected(std::move(valid).error());
    }
    if (!rule.enabled) continue;
    auto expression = ParseRuleExpression(rule.expression);
    CompiledRule c;
    c.id = rule.id;
    c.category = std::move(rule.category);
    c.severity = rule.severity;
    c.action = rule.action;
    c.language = rule.language == "ru" ? kRu : rule.language == "en" ? kEn : kAny;
    c.speaker = rule.speaker == "buyer" ? kBuyer : rule.speaker == "seller" ? kSeller : kAny;
    c.root = impl->Compile(expression->root());
    impl->rules.push_back(std::move(c));
  }
  impl->triggers.resize(impl->terms.size());
  for (std::size_t r = 0; r < impl->rules.size(); ++r) {
    double cost = 0;
    for (std::uint32_t t : impl->Triggers(impl->rules[r].root, &cost)) {
      impl->triggers[t].push_back(static_cast<std::uint32_t>(r));
    }
  }
  std::sort(impl->prefix_lengths.begin(), impl->prefix_lengths.end());
  return RuleMatcher(std::move(impl));
}

std::size_t RuleMatcher::size() const { return impl_->total; }
std::size_t RuleMatcher::enabled() const { return impl_->rules.size(); }

std::vector<RuleHit> RuleMatcher::Match(std::string_view text, std::string_view language,
                                        Role speaker) const {
  const Impl& m = *impl_;
  std::vector<RuleHit> out;
  if (m.rules.empty()) return out;
  Scratch& s = ThreadScratch();
  ++s.generation;
  if (s.term_stamp.size() < m.terms.size()) {
    s.term_stamp.resize(m.terms.size(), 0);
    s.term_hits.resize(m.terms.size());
  }
  if (s.rule_stamp.size() < m.rules.size()) s.rule_stamp.resize(m.rules.size(), 0);
  s.tokens.clear();
  s.candidates.clear();
  // FindPii costs more than the rest of Match, so it runs only when the segment may hold
  // something it finds: '@', "://", a '.' inside a word (typed addresses), a joining word of an
  // address said aloud, or adjacent number words and digits that may add up to 7 digits (a
  // phone said digit by digit may be as short as that: masking.h).
  bool pii_hint = text.find('@') != std::string_view::npos ||
                  text.find("://") != std::string_view::npos;
  for (std::size_t dot = text.find('.'); !pii_hint && dot != std::string_view::npos;
       dot = text.find('.', dot + 1)) {
    const auto next = dot + 1 < text.size() ? static_cast<unsigned char>(text[dot + 1]) : 0;
    pii_hint = (next >= '0' && next <= '9') || ((next | 0x20) >= 'a' && (next | 0x20) <= 'z') ||
               next >= 0xC0;
  }
  std::size_t run_digits = 0;

  search::Tokenize(text, search::kNoStem, [&](std::string_view folded, std::size_t b,
                                              std::size_t e) {
    const auto index = static_cast<std::uint32_t>(s.tokens.size());
    s.tokens.push_back({b, e});
    const Span span{index, index, b, e};
    const Scratch::Word& word = WordOf(s, folded);
    // A phone or card needs a run of 7 digits or more; an address, a joining word.
    run_digits = word.digits > 0 || word.continues ? run_digits + word.digits : 0;
    pii_hint = pii_hint || word.joiner || run_digits >= 7;
    const std::string_view stem = word.stem;
    if (auto it = m.word_ids.find(stem); it != m.word_ids.end()) m.AddHit(s, it->second, span);
    // A prefix term matches the beginning of the word as said or of its stem (which search
    // matches: "batteri*" finds "battery").
    for (std::size_t len : m.prefix_lengths) {
      if (len > folded.size() && len > stem.size()) break;
      if (len <= folded.size()) {
        if (auto it = m.prefix_ids.find(folded.substr(0, len)); it != m.prefix_ids.end()) {
          m.AddHit(s, it->second, span);
        }
      }
      if (len <= stem.size() && stem.substr(0, len) != folded.substr(0, len)) {
        if (auto it = m.prefix_ids.find(stem.substr(0, len)); it != m.prefix_ids.end()) {
          m.AddHit(s, it->second, span);
        }
      }
    }
    return true;
  });

  if (pii_hint && std::any_of(m.placeholder_ids.begin(), m.placeholder_ids.end(),
                              [](std::int64_t id) { return id >= 0; })) {
    for (const PiiMatch& p : FindPii(text)) {
      const std::int64_t id = m.placeholder_ids[static_cast<std::size_t>(p.kind)];
      if (id < 0) continue;
      // The words the item covers.
      auto it = std::lower_bound(s.tokens.begin(), s.tokens.end(), p.begin,
                                 [](const Scratch::Tok& t, std::size_t at) { return t.end <= at; });
      if (it == s.tokens.end() || it->begin >= p.end) continue;
      const auto first = static_cast<std::uint32_t>(it - s.tokens.begin());
      auto last = first;
      while (last + 1 < s.tokens.size() && s.tokens[last + 1].begin < p.end) ++last;
      m.AddHit(s, static_cast<std::uint32_t>(id),
               {first, last, std::min(p.begin, s.tokens[first].begin),
                std::max(p.end, s.tokens[last].end)});
    }
  }

  const int lang = language == "ru" ? kRu : language == "en" ? kEn : kOtherLanguage;
  const int role = speaker == Role::kBuyer ? kBuyer : kSeller;
  std::vector<Span> spans;
  for (std::uint32_t r : s.candidates) {
    const CompiledRule& rule = m.rules[r];
    if (rule.language != kAny && rule.language != lang) continue;
    if (rule.speaker != kAny && rule.speaker != role) continue;
    m.Eval(s, rule.root, spans);
    if (spans.empty()) continue;
    const Span& at = *std::min_element(spans.begin(), spans.end(), SpanLess);
    out.push_back({rule.id, rule.category, rule.severity, rule.action, at.begin, at.end, at.first,
                   at.last});
  }
  std::sort(out.begin(), out.end(), [](const RuleHit& a, const RuleHit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.rule_id < b.rule_id;
  });
  return out;
}

}  // namespace vitrina::analytics
