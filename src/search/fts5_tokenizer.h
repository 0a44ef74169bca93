#pragma once
// SQLite FTS5 extensions of the search index: the `vitrina` tokenizer (search/text.h rules)
// and the `vitrina_stats` auxiliary function the store ranks candidates with (rank.h).
// Register them on every connection before it touches a table that uses them.

#include <sqlite3.h>

#include "base/result.h"

namespace vitrina::search {

using base::Result;

inline constexpr const char* kTokenizerName = "vitrina";
inline constexpr const char* kStatsFunctionName = "vitrina_stats";

// Registers the `vitrina` tokenizer through the connection's fts5_api. Document text is
// folded and stemmed; `_tag` tokens are kept verbatim (the tag column); query text under a
// prefix `*` is folded only. Internal error if the SQLite build has no FTS5.
Result<void> RegisterFts5Tokenizer(sqlite3* db);

// Registers `vitrina_stats(fts_table)`: for the current row, a blob of int32 values
// [tokens in column 0, instances of phrase 0 in column 0, of phrase 1, ...] (see rank.h).
Result<void> RegisterFts5StatsFunction(sqlite3* db);

}  // namespace vitrina::search
