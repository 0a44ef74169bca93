#pragma once
// Phrase rules ("trackers", issue 12 item 4): expressions in the search query language plus
// proximity (`a NEAR/n b`) and PII placeholders (`[phone]`, `[card]`, `[email]`, `[link]`),
// matched against transcript segments. Syntax, semantics, the default set and its measured
// precision/recall: docs/analytics.md "## Phrase rules".
//
// ParseRuleExpression and ValidateRule are pure functions. A RuleMatcher is compiled once from
// a rule set and is immutable afterwards: copies share it, and Match may be called from any
// number of threads at once (each thread keeps its own scratch space and word → stem cache).
// Match costs one pass of the tokenizer over the segment, one index look-up per word, and an
// evaluation of only the rules whose trigger words occur in it — not rules × words.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/conversation_metrics.h"  // Role
#include "analytics/masking.h"               // PiiKind
#include "base/result.h"

namespace vitrina::analytics {

using base::Result;

// The rule categories of ../shared/docs/API.md "Speech analytics", exact strings.
inline constexpr std::array<std::string_view, 8> kRuleCategories = {
    "prepayment",       "off_platform_payment",      "contact_exchange", "card_or_code_request",
    "fake_link",        "fake_payment_confirmation", "pressure",         "insult"};

inline constexpr std::size_t kMaxRuleBytes = 2000;
inline constexpr std::size_t kMaxRuleTerms = 64;
inline constexpr std::size_t kMinRulePrefixChars = 2;
inline constexpr int kMaxRuleDepth = 8;
inline constexpr int kMaxNearDistance = 50;

enum class Severity { kInfo, kWarn, kHigh };
enum class RuleAction { kTag, kCase };

// "info" | "warn" | "high"; anything else → nullopt.
std::optional<Severity> ParseSeverity(std::string_view s);
std::string_view SeverityName(Severity s);
// "tag" | "case"; anything else → nullopt.
std::optional<RuleAction> ParseRuleAction(std::string_view s);
std::string_view RuleActionName(RuleAction a);

struct Rule {
  std::int64_t id = 0;
  std::string category;        // one of kRuleCategories
  std::string language = "any";  // "ru" | "en" | "any"
  std::string speaker = "any";   // "buyer" | "seller" | "any"
  std::string expression;
  Severity severity = Severity::kWarn;
  RuleAction action = RuleAction::kTag;
  bool enabled = true;
  bool live = false;  // also warn during the call (live captions); not used by the matcher
};

// One term of an expression.
struct RuleTerm {
  enum class Kind { kWord, kPrefix, kPlaceholder };
  Kind kind = Kind::kWord;
  std::string form;              // kWord: the stem; kPrefix: the folded beginning (not stemmed)
  PiiKind pii = PiiKind::kPhone;  // kPlaceholder
  bool operator==(const RuleTerm&) const = default;
};

struct RuleNode {
  enum class Kind { kPhrase, kAnd, kOr, kNear };
  Kind kind = Kind::kPhrase;
  std::vector<RuleTerm> terms;     // kPhrase: adjacent terms in order (1 = a single term)
  std::vector<RuleNode> children;  // kAnd, kOr; kNear: exactly two
  std::vector<RuleNode> excluded;  // kAnd: none of these anywhere in the segment
  int distance = 0;                // kNear: at most this many words between the two sides
};

class RuleExpression {
 public:
  explicit RuleExpression(RuleNode root) : root_(std::move(root)) {}
  const RuleNode& root() const { return root_; }
  // S-expression, e.g. (AND "переведт" (OR "карт" "[card]") (NOT "встреч")), for tests/logs.
  std::string Debug() const;

 private:
  RuleNode root_;
};

// Parses a rule expression. InvalidArgument "bad_rule" whose message names what is wrong and
// where: a 1-based character (code point) position in `text`, e.g. "unbalanced quote at 12",
// "NEAR needs a number at 7", "unknown placeholder [foo] at 3", "empty expression",
// "expression too long", "too many terms".
Result<RuleExpression> ParseRuleExpression(std::string_view text);

// Checks a rule as the admin API receives it: category, language, speaker and expression.
// InvalidArgument "bad_rule".
Result<void> ValidateRule(const Rule& rule);

struct RuleHit {
  std::int64_t rule_id = 0;
  std::string category;
  Severity severity = Severity::kWarn;
  RuleAction action = RuleAction::kTag;
  // Byte range [begin, end) of `text` from the first to the last positive term that satisfied
  // the rule (its leftmost match); ByteToCharOffset turns them into character offsets.
  std::size_t begin = 0;
  std::size_t end = 0;
  // The same as indexes of the tokenizer's words of `text` (inclusive).
  std::size_t first_token = 0;
  std::size_t last_token = 0;
};

// The code point offset of byte offset `byte` in UTF-8 `text` (offsets past the end are
// clamped; an invalid byte counts as one character, as search::CodePointCount does).
std::size_t ByteToCharOffset(std::string_view text, std::size_t byte);

class RuleMatcher {
 public:
  // Compiles the rules (disabled ones are validated but never matched). InvalidArgument
  // "bad_rule" naming the first bad rule: "rule 12: unbalanced quote at 5".
  static Result<RuleMatcher> Build(std::vector<Rule> rules);

  // Hits of the enabled rules whose language fits `language` ("ru", "en"; a rule of "any"
  // fits every segment, one of "ru" only segments of "ru") and whose speaker fits `speaker`,
  // at most one per rule, ordered by begin, then rule id. `text` is one segment.
  std::vector<RuleHit> Match(std::string_view text, std::string_view language,
                             Role speaker) const;

  // Number of rules given to Build, and how many are enabled.
  std::size_t size() const;
  std::size_t enabled() const;

  struct Impl;

 private:
  explicit RuleMatcher(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace vitrina::analytics
