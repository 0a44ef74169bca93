#pragma once
// PostgreSQL transcripts and their search index (migration 3: transcript_segments.search_lexemes
// and search_tags, set on the current version's segments only, GIN-indexed; docs/postgres.md).
// Ranking and paging are store/ranked_search's, as in the SQLite backend.

#include "store/postgres/pg.h"
#include "store/postgres/search_index.h"
#include "store/ranked_search.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgTranscripts final : public TranscriptRepository {
 public:
  PgTranscripts(Connection& c, int tier_size) : c_(c), tier_size_(tier_size < 1 ? 1 : tier_size) {}
  Result<Transcript> Insert(Id call_id, const NewTranscript& transcript, TimeMs now) override;
  Result<std::optional<Transcript>> Current(Id call_id) override;
  Result<std::optional<Transcript>> Version(Id call_id, std::int64_t version) override;
  Result<std::vector<Transcript>> Versions(Id call_id) override;
  Result<std::int64_t> DeleteForCall(Id call_id) override;
  Result<SearchPage> Search(const SearchQuery& query) override;

 private:
  Result<SearchTier> FetchTier(const std::string& tsquery, const std::string& tags,
                               const std::vector<QueryPhrase>& phrases, Id lo, Id hi);
  Result<std::optional<Transcript>> FindVersion(Id call_id, std::optional<std::int64_t> version);

  Connection& c_;
  int tier_size_;
};

// Sets the search columns of every current transcript's segments from their text (after a
// copy from SQLite, whose index is FTS5's, or after a tokenizer change). Returns the rows.
Result<std::int64_t> ReindexTranscripts(Connection& c);

}  // namespace vitrina::store::postgres
