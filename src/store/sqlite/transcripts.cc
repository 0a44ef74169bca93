#include "store/sqlite/transcripts.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "store/ranked_search.h"
#include "store/transcript_words.h"

namespace vitrina::store::sqlite {
namespace {

}  // namespace

Result<Transcript> SqliteTranscripts::Insert(Id call_id, const NewTranscript& transcript, TimeMs now) {
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
        " l.vertical FROM calls c JOIN listings l ON l.id = c.listing_id WHERE c.id = ?1"));
    call.Bind(1, call_id);
    if (!TRY(call.Step())) return base::NotFound("call_not_found", "No such call");
    tags = CallTags(call.Int(0), call.Int(1), call.Int(2), call.Text(4), call_id);
    block = SecondOf(call.Int(3)) << kSegmentIdShift;
  }

  // The previous current version leaves the index (its rows stay readable).
  std::int64_t version = 1;
  std::optional<std::int64_t> current;
  std::string current_tags;
  {
    auto prev = TRY(c_.Prepare(
        "SELECT coalesce(max(version), 0),"
        " (SELECT version FROM transcripts WHERE call_id = ?1 AND current = 1),"
        " (SELECT fts_tags FROM transcripts WHERE call_id = ?1 AND current = 1)"
        " FROM transcripts WHERE call_id = ?1"));
    prev.Bind(1, call_id);
    TRY(prev.Step());
    version = prev.Int(0) + 1;
    current = prev.OptInt(1);
    current_tags = prev.Text(2);
  }
  if (current) {
    TRY(Unindex(call_id, *current, current_tags));
    auto demote = TRY(c_.Prepare(
        "UPDATE transcripts SET current = 0 WHERE call_id = ?1 AND version = ?2"));
    TRY(demote.Bind(1, call_id).Bind(2, *current).Exec());
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
      " segment_count, fts_tags, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)"));
  TRY(header.Bind(1, call_id).Bind(2, version).Bind(3, transcript.engine)
          .Bind(4, transcript.model).Bind(5, transcript.language)
          .Bind(6, static_cast<std::int64_t>(out.segments.size())).Bind(7, tags).Bind(8, now)
          .Exec());

  // Ids: next free in the second of the call's start (allocated under the write lock).
  auto last = TRY(c_.Prepare("SELECT max(id) FROM transcript_segments WHERE id BETWEEN ?1 AND ?2"));
  last.Bind(1, block).Bind(2, block + kSegmentIdBlock - 1);
  TRY(last.Step());
  Id next = last.IsNull(0) ? block : last.Int(0) + 1;
  if (next + static_cast<Id>(out.segments.size()) > block + kSegmentIdBlock) {
    return base::Internal("transcript segment ids of this second are used up");
  }

  std::string row_tags;
  for (auto& s : out.segments) {
    // (A Stmt is reset when it goes out of scope: one per row, from the statement cache.)
    auto segment = TRY(c_.Prepare(
        "INSERT INTO transcript_segments (id, call_id, version, speaker, start_ms, end_ms, text,"
        " confidence, words, loudness_dbfs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    auto index = TRY(c_.Prepare("INSERT INTO segments_fts (rowid, text, tags) VALUES (?1, ?2, ?3)"));
    s.id = next++;
    s.call_id = call_id;
    s.version = version;
    segment.Bind(1, s.id).Bind(2, call_id).Bind(3, version).Bind(4, s.speaker)
        .Bind(5, s.start_ms).Bind(6, s.end_ms).Bind(7, s.text).Bind(9, WordsJson(s.words));
    segment.BindDouble(8, s.confidence);
    if (s.loudness_dbfs) segment.BindDouble(10, *s.loudness_dbfs);
    TRY(segment.Exec());
    row_tags.assign(tags).append(" _s").append(s.speaker);
    TRY(index.Bind(1, s.id).Bind(2, s.text).Bind(3, row_tags).Exec());
  }
  return out;
}

Result<void> SqliteTranscripts::Unindex(Id call_id, std::int64_t version, const std::string& fts_tags) {
  // External content: a delete must repeat exactly the values that were indexed.
  auto rows = TRY(c_.Prepare(
      "SELECT id, text, speaker FROM transcript_segments WHERE call_id = ?1 AND version = ?2"));
  rows.Bind(1, call_id).Bind(2, version);
  while (TRY(rows.Step())) {
    auto del = TRY(c_.Prepare(
        "INSERT INTO segments_fts (segments_fts, rowid, text, tags) VALUES ('delete', ?1, ?2, ?3)"));
    TRY(del.Bind(1, rows.Int(0)).Bind(2, rows.Text(1)).Bind(3, fts_tags + " _s" + rows.Text(2)).Exec());
  }
  return {};
}

Result<std::optional<Transcript>> SqliteTranscripts::FindVersion(Id call_id,
                                                                 std::optional<std::int64_t> version) {
  auto head = TRY(c_.Prepare(
      "SELECT version, engine, model, language, current, created_at FROM transcripts"
      " WHERE call_id = ?1 AND (CASE WHEN ?2 IS NULL THEN current = 1 ELSE version = ?2 END)"));
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
      " FROM transcript_segments WHERE call_id = ?1 AND version = ?2 ORDER BY start_ms, id"));
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

Result<std::optional<Transcript>> SqliteTranscripts::Current(Id call_id) {
  return FindVersion(call_id, std::nullopt);
}

Result<std::optional<Transcript>> SqliteTranscripts::Version(Id call_id, std::int64_t version) {
  return FindVersion(call_id, version);
}

Result<std::vector<Transcript>> SqliteTranscripts::Versions(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT version, engine, model, language, current, created_at FROM transcripts"
      " WHERE call_id = ?1 ORDER BY version DESC"));
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

Result<std::int64_t> SqliteTranscripts::DeleteForCall(Id call_id) {
  std::optional<std::int64_t> version;
  std::string tags;
  {
    auto current = TRY(c_.Prepare(
        "SELECT version, fts_tags FROM transcripts WHERE call_id = ?1 AND current = 1"));
    current.Bind(1, call_id);
    if (TRY(current.Step())) {
      version = current.Int(0);
      tags = current.Text(1);
    }
  }
  if (version) TRY(Unindex(call_id, *version, tags));
  auto segments = TRY(c_.Prepare("DELETE FROM transcript_segments WHERE call_id = ?1"));
  TRY(segments.Bind(1, call_id).Exec());
  const std::int64_t deleted = c_.Changes();
  auto versions = TRY(c_.Prepare("DELETE FROM transcripts WHERE call_id = ?1"));
  TRY(versions.Bind(1, call_id).Exec());
  return deleted;
}

Result<SearchTier> SqliteTranscripts::FetchTier(const std::string& match, Id lo, Id hi) {
  auto stmt = TRY(c_.Prepare(kSearchTierSql));
  stmt.Bind(1, match).Bind(2, lo).Bind(3, hi).Bind(4, static_cast<std::int64_t>(tier_size_) + 1);
  std::vector<Id> ids;
  std::vector<std::vector<std::int32_t>> stats;
  bool older = false;
  while (true) {
    auto row = stmt.Step();
    if (!row) {
      // FTS5 reports a malformed MATCH expression as a plain SQLITE_ERROR with these texts.
      const auto& m = row.error().message;
      for (const char* syntax : {"fts5: syntax error", "unterminated string", "no such column",
                                 "fts5: column queries"}) {
        if (m.find(syntax) != std::string::npos) {
          return base::InvalidArgument("bad_query", "The search expression is not valid");
        }
      }
      return tl::unexpected(row.error());
    }
    if (!*row) break;
    if (ids.size() == static_cast<std::size_t>(tier_size_)) {
      older = true;  // the extra row: there is at least one more below this tier
      break;
    }
    ids.push_back(stmt.Int(0));
    const auto* blob = static_cast<const std::int32_t*>(stmt.Blob(1));  // before Bytes()
    const int bytes = stmt.Bytes(1);
    stats.emplace_back(blob, blob + (blob ? bytes / static_cast<int>(sizeof(std::int32_t)) : 0));
  }
  return RankTier(std::move(ids), stats, older);
}

Result<SearchPage> SqliteTranscripts::Search(const SearchQuery& q) {
  TRY(ValidateSearchQuery(q));
  // Filters are tags ANDed into the same FTS5 query, so the index does the filtering.
  std::string match = "{text} : (" + search::Query(q.query).ToFts() + ")";
  const auto tags = QueryTags(q);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    match += i == 0 ? " AND {tags} : (" : " AND ";
    match += '"' + tags[i] + '"';  // tags hold only letters, digits and '_'
  }
  if (!tags.empty()) match += ")";
  return RankedSearch(
      q, [&](Id lo, Id hi) { return FetchTier(match, lo, hi); },
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

}  // namespace vitrina::store::sqlite
