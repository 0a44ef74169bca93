#pragma once
// The PostgreSQL transcript index (docs/postgres.md "Search"): the lexemes of the project's own
// tokenizer (search::Tokenize, the same folding and stemming as the SQLite FTS5 index) stored
// as a tsvector with their positions, queried with a tsquery rendered from the parsed query
// tree, and the per-row BM25 inputs computed from the same positions, counting phrase
// occurrences as FTS5 does, so both backends rank alike. Pure functions; any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "search/query.h"

namespace vitrina::store::postgres {

// A tsvector literal of `text`'s tokens (positions from 1), e.g. "'камер':1 'show':2,5".
std::string TsvectorOf(std::string_view text);

// The tsquery of a parsed query (phrases with <->, prefixes with :*, NOT as !).
std::string TsqueryOf(const search::QueryNode& root);

// One phrase of the query as FTS5 numbers them (children, then exclusions, depth first).
struct QueryPhrase {
  std::vector<std::string> tokens;
  bool prefix = false;  // the last token is a prefix
};
std::vector<QueryPhrase> PhrasesOf(const search::QueryNode& root);

// BM25 inputs of one row from its tsvector's text form: [tokens, occurrences of phrase 0, ...].
std::vector<std::int32_t> RowStats(std::string_view tsvector_text, const std::vector<QueryPhrase>& phrases);

}  // namespace vitrina::store::postgres
