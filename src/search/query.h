#pragma once
// The user's search syntax (docs/search.md "Query syntax"), parsed into a small tree and
// rendered as an FTS5 MATCH expression in which every user word is a quoted string of
// folded letters and digits, so no user input can reach FTS5 syntax (column filters, NEAR,
// `^`, tags). Plain values; any thread.
//
//   words          all of them (AND)
//   "exact phrase" the words in this order
//   a OR b         either (upper-case OR between terms or groups)
//   -word -"p q"   exclude (needs at least one positive term beside it)
//   pref*          words beginning with `pref` (at least 2 characters)
//   ( ... )        grouping

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vitrina::search {

using base::Result;

inline constexpr std::size_t kMaxQueryBytes = 512;
inline constexpr std::size_t kMaxQueryTerms = 32;
inline constexpr std::size_t kMinPrefixChars = 2;
inline constexpr int kMaxQueryDepth = 8;

// A word of the query as the index holds it, for highlighting.
struct QueryTerm {
  std::string form;     // stemmed word; for a prefix, the folded beginning (not stemmed)
  bool prefix = false;
  bool operator==(const QueryTerm&) const = default;
};

struct QueryNode {
  enum class Kind { kPhrase, kAnd, kOr };
  Kind kind = Kind::kPhrase;
  std::vector<std::string> words;     // kPhrase: folded, unstemmed words (1 = a single word)
  bool prefix = false;                // kPhrase: the last word is a prefix
  std::vector<QueryNode> children;    // kAnd / kOr
  std::vector<QueryNode> excluded;    // kAnd: NOT any of these
};

class Query {
 public:
  explicit Query(QueryNode root);
  const QueryNode& root() const { return root_; }
  // FTS5 expression over whatever column filter the caller puts around it.
  std::string ToFts() const;
  // The positive words (excluded ones are never shown), without duplicates, for Snippet().
  const std::vector<QueryTerm>& terms() const { return terms_; }
  // S-expression of the tree, e.g. (AND "a" (OR "b c" "d"*) (NOT "e")), for tests and logs.
  std::string Debug() const;

 private:
  QueryNode root_;
  std::vector<QueryTerm> terms_;
};

// Parses the user's query. InvalidArgument "bad_query" with a message a person can act on:
// empty, too long (kMaxQueryBytes), unbalanced quote or parenthesis, OR without a term on
// each side, only exclusions, no searchable word, more than kMaxQueryTerms words, a prefix
// shorter than kMinPrefixChars, nesting deeper than kMaxQueryDepth.
Result<Query> ParseQuery(std::string_view text);

}  // namespace vitrina::search
