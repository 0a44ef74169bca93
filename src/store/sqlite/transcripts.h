#pragma once
// SQLite transcripts and their full-text index (migration 3, docs/search.md). Used only
// through SqliteTx; each object lives for one transaction on one connection, which must have
// the search component's FTS5 extensions registered (SqliteStore does it on open).

#include "store/ranked_search.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace vitrina::store::sqlite {

// The ranked-candidate query of one tier: the newest matches first, FTS5 only (no join, so
// SQLite cannot pick a plan that probes the index once per row), with the per-row statistics
// the tier's BM25 needs. ?1 match, ?2..?3 rowid range, ?4 limit. Exposed for plan tests.
inline constexpr const char* kSearchTierSql =
    "SELECT rowid, vitrina_stats(segments_fts) FROM segments_fts"
    " WHERE segments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 ORDER BY rowid DESC LIMIT ?4";

// One hit's row, re-checking access (?2 visible_to) and the filters on the call itself.
inline constexpr const char* kSearchHitSql =
    "SELECT s.call_id, s.speaker, s.start_ms, s.end_ms, s.text,"
    " coalesce(c.started_at, c.created_at)"
    " FROM transcript_segments s CROSS JOIN transcripts t CROSS JOIN calls c"
    " WHERE s.id = ?1 AND t.call_id = s.call_id AND t.version = s.version AND t.current = 1"
    " AND c.id = s.call_id"
    " AND (?2 IS NULL OR c.buyer_id = ?2 OR c.seller_id = ?2)"
    " AND (?3 IS NULL OR c.buyer_id = ?3 OR c.seller_id = ?3)"
    " AND (?4 IS NULL OR c.listing_id = ?4) AND (?5 IS NULL OR c.id = ?5)"
    " AND (?6 IS NULL OR s.speaker = ?6)"
    " AND (?7 IS NULL OR coalesce(c.started_at, c.created_at) >= ?7)"
    " AND (?8 IS NULL OR coalesce(c.started_at, c.created_at) <= ?8)";

class SqliteTranscripts final : public TranscriptRepository {
 public:
  SqliteTranscripts(Connection& c, int tier_size) : c_(c), tier_size_(tier_size < 1 ? 1 : tier_size) {}
  Result<Transcript> Insert(Id call_id, const NewTranscript& transcript, TimeMs now) override;
  Result<std::optional<Transcript>> Current(Id call_id) override;
  Result<std::optional<Transcript>> Version(Id call_id, std::int64_t version) override;
  Result<std::vector<Transcript>> Versions(Id call_id) override;
  Result<std::int64_t> DeleteForCall(Id call_id) override;
  Result<SearchPage> Search(const SearchQuery& query) override;

 private:
  // The newest tier_size_ matches with rowid in [lo, hi], scored with the tier's statistics.
  Result<SearchTier> FetchTier(const std::string& match, Id lo, Id hi);
  Result<std::optional<Transcript>> FindVersion(Id call_id, std::optional<std::int64_t> version);
  // Removes one version's segments from the search index (the rows themselves stay).
  Result<void> Unindex(Id call_id, std::int64_t version, const std::string& fts_tags);

  Connection& c_;
  int tier_size_;
};

}  // namespace vitrina::store::sqlite
