#include "store/postgres/transcripts.h"

#include <algorithm>

#include "store/transcript_words.h"

namespace vitrina::store::postgres {
namespace {

// The filter tags of one indexed row: the call's, then the speaker's.
std::vector<std::string> RowTags(const std::string& call_tags, const std::string& speaker) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < call_tags.size()) {
    auto end = call_tags.find(' ', start);
    if (end == std::string::npos) end = call_tags.size();
    if (end > start) out.push_back(call_tags.substr(start, end - start));
    start = end + 1;
  }
  out.push_back("_s" + speaker);
  return out;
}

// The tier's candidates: newest first within [lo, hi], index-filtered by lexemes and tags.
constexpr const char* kSearchTierSql =
    "SELECT id, search_lexemes::text FROM transcript_segments"
    " WHERE search_lexemes @@ $1::tsquery AND search_tags @> $2::text[]"
    " AND id BETWEEN $3 AND $4 ORDER BY id DESC LIMIT $5";

// One hit's row, re-checking access ($2 visible_to) and the filters on the call itself.
constexpr const char* kSearchHitSql =
    "SELECT s.call_id, s.speaker, s.start_ms, s.end_ms, s.text,"
    " coalesce(c.started_at, c.created_at)"
    " FROM transcript_segments s JOIN transcripts t ON t.call_id = s.call_id AND t.version = s.version"
    " JOIN calls c ON c.id = s.call_id"
    " WHERE s.id = $1 AND t.current = 1"
    " AND ($2::bigint IS NULL OR c.buyer_id = $2 OR c.seller_id = $2)"
    " AND ($3::bigint IS NULL OR c.buyer_id = $3 OR c.seller_id = $3)"
    " AND ($4::bigint IS NULL OR c.listing_id = $4) AND ($5::bigint IS NULL OR c.id = $5)"
    " AND ($6::text IS NULL OR s.speaker = $6)"
    " AND ($7::bigint IS NULL OR coalesce(c.started_at, c.created_at) >= $7)"
    " AND ($8::bigint IS NULL OR coalesce(c.started_at, c.created_at) <= $8)";

}  // namespace

Result<Transcript> PgTranscripts::Insert(Id call_id, const NewTranscript& transcript, TimeMs now) {
  for (const auto& s : transcript.segments) {
    if (s.speaker != "buyer" && s.speaker != "seller") {
      return base::InvalidArgument("bad_segment", "A segment's speaker must be buyer or seller");
    }
  }
  std::string tags;  // the call's filter tags (docs/search.md)
  Id block = 0;
  {
    auto call = TRY(c_.Prepare(
        "SELECT c.buyer_id, c.seller_id, c.listing_id, coalesce(c.started_at, c.created_at),"
        " l.vertical FROM calls c JOIN listings l ON l.id = c.listing_id WHERE c.id = $1"));
    call.Bind(1, call_id);
    if (!TRY(call.Step())) return base::NotFound("call_not_found", "No such call");
    tags = CallTags(call.Int(0), call.Int(1), call.Int(2), call.Text(4), call_id);
    block = SecondOf(call.Int(3)) << kSegmentIdShift;
  }

  // The previous current version leaves the index (its rows stay readable).
  std::int64_t version = 1;
  {
    auto prev = TRY(c_.Prepare(
        "SELECT coalesce(max(version), 0),"
        " (SELECT version FROM transcripts WHERE call_id = $1 AND current = 1)"
        " FROM transcripts WHERE call_id = $1"));
    prev.Bind(1, call_id);
    TRY(prev.Step());
    version = prev.Int(0) + 1;
    if (auto current = prev.OptInt(1)) {
      auto unindex = TRY(c_.Prepare(
          "UPDATE transcript_segments SET search_lexemes = NULL, search_tags = NULL"
          " WHERE call_id = $1 AND version = $2"));
      TRY(unindex.Bind(1, call_id).Bind(2, *current).Exec());
      auto demote = TRY(c_.Prepare("UPDATE transcripts SET current = 0 WHERE call_id = $1 AND version = $2"));
      TRY(demote.Bind(1, call_id).Bind(2, *current).Exec());
    }
  }

  Transcript out;
  out.call_id = call_id;
  out.version = version;
  out.engine = transcript.engine;
  out.model = transcript.model;
  out.language = transcript.language;
  out.current = true;
  out.created_at = now;
  out.segments = transcript.segments;
  std::stable_sort(out.segments.begin(), out.segments.end(),
                   [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });

  auto header = TRY(c_.Prepare(
      "INSERT INTO transcripts (call_id, version, engine, model, language, current,"
      " segment_count, fts_tags, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)"));
  TRY(header.Bind(1, call_id).Bind(2, version).Bind(3, transcript.engine)
          .Bind(4, transcript.model).Bind(5, transcript.language)
          .Bind(6, static_cast<std::int64_t>(out.segments.size())).Bind(7, tags).Bind(8, now)
          .Exec());

  // Ids: next free in the second of the call's start. Two transcripts of calls that started in
  // the same second may race for them: the primary key turns the loser into a serialization
  // failure (SERIALIZABLE), and the store runs its transaction again.
  auto last = TRY(c_.Prepare("SELECT max(id) FROM transcript_segments WHERE id BETWEEN $1 AND $2"));
  last.Bind(1, block).Bind(2, block + kSegmentIdBlock - 1);
  TRY(last.Step());
  Id next = last.IsNull(0) ? block : last.Int(0) + 1;
  if (next + static_cast<Id>(out.segments.size()) > block + kSegmentIdBlock) {
    return base::Internal("transcript segment ids of this second are used up");
  }

  for (auto& s : out.segments) {
    auto segment = TRY(c_.Prepare(
        "INSERT INTO transcript_segments (id, call_id, version, speaker, start_ms, end_ms, text,"
        " confidence, words, loudness_dbfs, search_lexemes, search_tags)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::tsvector, $12::text[])"));
    s.id = next++;
    s.call_id = call_id;
    s.version = version;
    segment.Bind(1, s.id).Bind(2, call_id).Bind(3, version).Bind(4, s.speaker)
        .Bind(5, s.start_ms).Bind(6, s.end_ms).Bind(7, s.text).Bind(9, WordsJson(s.words))
        .Bind(11, TsvectorOf(s.text)).Bind(12, TextArrayLiteral(RowTags(tags, s.speaker)));
    segment.BindDouble(8, s.confidence);
    if (s.loudness_dbfs) {
      segment.BindDouble(10, *s.loudness_dbfs);
    } else {
      segment.BindNull(10);
    }
    TRY(segment.Exec());
  }
  return out;
}

Result<std::optional<Transcript>> PgTranscripts::FindVersion(Id call_id, std::optional<std::int64_t> version) {
  auto head = TRY(c_.Prepare(
      "SELECT version, engine, model, language, current, created_at FROM transcripts"
      " WHERE call_id = $1 AND (CASE WHEN $2::bigint IS NULL THEN current = 1 ELSE version = $2 END)"));
  head.Bind(1, call_id).Bind(2, version);
  if (!TRY(head.Step())) return std::optional<Transcript>();
  Transcript t;
  t.call_id = call_id;
  t.version = head.Int(0);
  t.engine = head.Text(1);
  t.model = head.Text(2);
  t.language = head.Text(3);
  t.current = head.Int(4) != 0;
  t.created_at = head.Int(5);
  auto rows = TRY(c_.Prepare(
      "SELECT id, speaker, start_ms, end_ms, text, confidence, words, loudness_dbfs"
      " FROM transcript_segments WHERE call_id = $1 AND version = $2 ORDER BY start_ms, id"));
  rows.Bind(1, call_id).Bind(2, t.version);
  while (TRY(rows.Step())) {
    TranscriptSegment s;
    s.id = rows.Int(0);
    s.call_id = call_id;
    s.version = t.version;
    s.speaker = rows.Text(1);
    s.start_ms = rows.Int(2);
    s.end_ms = rows.Int(3);
    s.text = rows.Text(4);
    s.confidence = rows.Double(5);
    s.words = ParseWords(rows.Text(6));
    if (!rows.IsNull(7)) s.loudness_dbfs = rows.Double(7);
    t.segments.push_back(std::move(s));
  }
  return std::optional<Transcript>(std::move(t));
}

Result<std::optional<Transcript>> PgTranscripts::Current(Id call_id) { return FindVersion(call_id, std::nullopt); }

Result<std::optional<Transcript>> PgTranscripts::Version(Id call_id, std::int64_t version) {
  return FindVersion(call_id, version);
}

Result<std::vector<Transcript>> PgTranscripts::Versions(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT version, engine, model, language, current, created_at FROM transcripts"
      " WHERE call_id = $1 ORDER BY version DESC"));
  stmt.Bind(1, call_id);
  std::vector<Transcript> out;
  while (TRY(stmt.Step())) {
    Transcript t;
    t.call_id = call_id;
    t.version = stmt.Int(0);
    t.engine = stmt.Text(1);
    t.model = stmt.Text(2);
    t.language = stmt.Text(3);
    t.current = stmt.Int(4) != 0;
    t.created_at = stmt.Int(5);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::int64_t> PgTranscripts::DeleteForCall(Id call_id) {
  auto segments = TRY(c_.Prepare("DELETE FROM transcript_segments WHERE call_id = $1"));
  TRY(segments.Bind(1, call_id).Exec());
  const std::int64_t deleted = segments.Affected();
  auto versions = TRY(c_.Prepare("DELETE FROM transcripts WHERE call_id = $1"));
  TRY(versions.Bind(1, call_id).Exec());
  return deleted;
}

Result<SearchTier> PgTranscripts::FetchTier(const std::string& tsquery, const std::string& tags,
                                            const std::vector<QueryPhrase>& phrases, Id lo, Id hi) {
  // Planned with its values every time: the generic plan of a prepared statement (which
  // PostgreSQL switches to after five runs) does not know how rare the lexemes are, walks the
  // primary key backwards and filters every row — 150-270 ms at 100,000 segments against a
  // bitmap scan of the GIN index in about a millisecond (docs/PERFORMANCE.md).
  TRY(c_.ExecScript("SET LOCAL plan_cache_mode = force_custom_plan"));
  auto stmt = TRY(c_.Prepare(kSearchTierSql));
  stmt.Bind(1, tsquery).Bind(2, tags).Bind(3, lo).Bind(4, hi)
      .Bind(5, static_cast<std::int64_t>(tier_size_) + 1);
  std::vector<Id> ids;
  std::vector<std::vector<std::int32_t>> stats;
  bool older = false;
  while (TRY(stmt.Step())) {
    if (ids.size() == static_cast<std::size_t>(tier_size_)) {
      older = true;  // the extra row: there is at least one more below this tier
      break;
    }
    ids.push_back(stmt.Int(0));
    stats.push_back(RowStats(stmt.Text(1), phrases));
  }
  return RankTier(std::move(ids), stats, older);
}

Result<SearchPage> PgTranscripts::Search(const SearchQuery& q) {
  TRY(ValidateSearchQuery(q));
  const std::string tsquery = TsqueryOf(q.query);
  const std::string tags = TextArrayLiteral(QueryTags(q));
  const auto phrases = PhrasesOf(q.query);
  return RankedSearch(
      q, [&](Id lo, Id hi) { return FetchTier(tsquery, tags, phrases, lo, hi); },
      [&](Id id, double score) -> Result<std::optional<SearchHit>> {
        auto row = TRY(c_.Prepare(kSearchHitSql));
        row.Bind(1, id).Bind(2, q.visible_to).Bind(3, q.user_id).Bind(4, q.listing_id)
            .Bind(5, q.call_id).Bind(6, q.speaker).Bind(7, q.from).Bind(8, q.to);
        if (!TRY(row.Step())) return std::optional<SearchHit>();  // outside the exact window
        SearchHit hit;
        hit.segment_id = id;
        hit.score = score;
        hit.call_id = row.Int(0);
        hit.speaker = row.Text(1);
        hit.start_ms = row.Int(2);
        hit.end_ms = row.Int(3);
        hit.text = row.Text(4);
        hit.call_started_at = row.Int(5);
        return std::optional<SearchHit>(std::move(hit));
      });
}

Result<std::int64_t> ReindexTranscripts(Connection& c) {
  std::int64_t done = 0;
  Id after = -1;
  for (;;) {  // in batches by id, so memory stays bounded on a large site
    auto rows = TRY(c.Prepare(
        "SELECT s.id, s.text, s.speaker, t.fts_tags FROM transcript_segments s"
        " JOIN transcripts t ON t.call_id = s.call_id AND t.version = s.version"
        " WHERE t.current = 1 AND s.id > $1 ORDER BY s.id LIMIT 5000"));
    rows.Bind(1, after);
    std::vector<std::tuple<Id, std::string, std::string>> updates;
    while (TRY(rows.Step())) {
      updates.emplace_back(rows.Int(0), TsvectorOf(rows.Text(1)), TextArrayLiteral(RowTags(rows.Text(3), rows.Text(2))));
    }
    if (updates.empty()) return done;
    for (const auto& [id, lexemes, tags] : updates) {
      auto update = TRY(c.Prepare(
          "UPDATE transcript_segments SET search_lexemes = $2::tsvector, search_tags = $3::text[] WHERE id = $1"));
      TRY(update.Bind(1, id).Bind(2, lexemes).Bind(3, tags).Exec());
      ++done;
      after = id;
    }
  }
}

}  // namespace vitrina::store::postgres
