#include "store/sqlite/transcripts.h"

#include <charconv>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "search/rank.h"

namespace vitrina::store::sqlite {
namespace {

// Segment ids: (call start in seconds << kIdShift) | n.
constexpr int kIdShift = 24;
constexpr Id kIdBlock = Id{1} << kIdShift;
constexpr int kMaxSearchLimit = 100;

Id SecondOf(TimeMs t) { return t <= 0 ? 0 : t / 1000; }

std::string WordsJson(const std::vector<TranscriptWord>& words) {
  boost::json::array a;
  a.reserve(words.size());
  for (const auto& w : words) {
    a.emplace_back(boost::json::array{boost::json::string(w.w), w.start_ms, w.end_ms,
                                      std::round(w.conf * 1000) / 1000});
  }
  return boost::json::serialize(a);
}

std::vector<TranscriptWord> ParseWords(const std::string& json) {
  std::vector<TranscriptWord> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (!item.is_array() || item.as_array().size() < 4) continue;
    const auto& a = item.as_array();
    TranscriptWord w;
    if (a[0].is_string()) w.w = std::string(a[0].as_string());
    w.start_ms = a[1].is_int64() ? a[1].as_int64() : 0;
    w.end_ms = a[2].is_int64() ? a[2].as_int64() : 0;
    w.conf = a[3].is_double() ? a[3].as_double() : (a[3].is_int64() ? double(a[3].as_int64()) : 0);
    out.push_back(std::move(w));
  }
  return out;
}

// A quoted FTS5 string for a tag; tags hold only letters, digits and '_'.
std::string Tag(char kind, const std::string& value) { return std::string("\"_") + kind + value + '"'; }
std::string Tag(char kind, Id value) { return Tag(kind, std::to_string(value)); }

bool IsTagValue(const std::string& s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

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
    tags = "_u" + std::to_string(call.Int(0)) + " _u" + std::to_string(call.Int(1)) + " _l" +
           std::to_string(call.Int(2)) + " _v" + call.Text(4) + " _c" + std::to_string(call_id);
    block = SecondOf(call.Int(3)) << kIdShift;
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
  last.Bind(1, block).Bind(2, block + kIdBlock - 1);
  TRY(last.Step());
  Id next = last.IsNull(0) ? block : last.Int(0) + 1;
  if (next + static_cast<Id>(out.segments.size()) > block + kIdBlock) {
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

Result<SqliteTranscripts::Tier> SqliteTranscripts::FetchTier(const std::string& match, Id lo,
                                                              Id hi) {
  auto stmt = TRY(c_.Prepare(kSearchTierSql));
  stmt.Bind(1, match).Bind(2, lo).Bind(3, hi).Bind(4, static_cast<std::int64_t>(tier_size_) + 1);
  Tier tier;
  search::TierScorer scorer;
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
    if (tier.hits.size() == static_cast<std::size_t>(tier_size_)) {
      tier.older = true;  // the extra row: there is at least one more below this tier
      break;
    }
    tier.hits.push_back({stmt.Int(0), 0});
    const void* stats = stmt.Blob(1);  // before Bytes(): sqlite3_column_bytes after _blob
    scorer.Add(stats, stmt.Bytes(1));
  }
  if (tier.hits.empty()) return tier;
  tier.newest = tier.hits.front().id;
  tier.oldest = tier.hits.back().id;
  const auto scores = scorer.Scores();
  for (std::size_t i = 0; i < tier.hits.size(); ++i) tier.hits[i].score = scores[i];
  std::sort(tier.hits.begin(), tier.hits.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score < b.score : a.id > b.id;
  });
  return tier;
}

namespace {

// This backend's cursor: where the page ended in a tier of the ranking (the tier's rowid upper
// bound, the last hit's score and id), as "<tier_hi>~<score>~<segment_id>".
struct SearchCursor {
  Id tier_hi = 0;
  double score = 0;
  Id segment_id = 0;
};

std::string EncodeCursor(const SearchCursor& c) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.score);
  (void)ec;
  return std::to_string(c.tier_hi) + "~" + std::string(buf, end) + "~" + std::to_string(c.segment_id);
}

Result<SearchCursor> DecodeCursor(std::string_view s) {
  auto bad = [] { return base::InvalidArgument("invalid_cursor", "The cursor is not one this server gave out"); };
  SearchCursor c;
  const auto a = s.find('~');
  const auto b = a == std::string_view::npos ? a : s.find('~', a + 1);
  if (b == std::string_view::npos || s.size() > 64) return bad();
  auto int_part = [](std::string_view p, Id& out) {
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), out);
    return ec == std::errc() && end == p.data() + p.size() && out >= 0;
  };
  const auto score = s.substr(a + 1, b - a - 1);
  auto [end, ec] = std::from_chars(score.data(), score.data() + score.size(), c.score);
  if (!int_part(s.substr(0, a), c.tier_hi) || !int_part(s.substr(b + 1), c.segment_id) ||
      ec != std::errc() || end != score.data() + score.size()) {
    return bad();
  }
  return c;
}

bool HasWords(const search::QueryNode& n) {
  if (n.kind == search::QueryNode::Kind::kPhrase) return !n.words.empty();
  for (const auto& c : n.children) {
    if (HasWords(c)) return true;
  }
  return false;
}

}  // namespace

Result<SearchPage> SqliteTranscripts::Search(const SearchQuery& q) {
  if (!HasWords(q.query)) return base::InvalidArgument("bad_query", "The query is empty");
  std::optional<SearchCursor> cursor;
  if (q.after) cursor = TRY(DecodeCursor(*q.after));
  if (q.speaker && *q.speaker != "buyer" && *q.speaker != "seller") {
    return base::InvalidArgument("bad_filter", "speaker must be buyer or seller");
  }
  if (q.vertical && !IsTagValue(*q.vertical)) {
    return base::InvalidArgument("bad_filter", "Unknown vertical");
  }
  const int limit = std::clamp(q.limit, 1, kMaxSearchLimit);

  // Filters are tags ANDed into the same FTS5 query, so the index does the filtering.
  std::vector<std::string> tags;
  if (q.visible_to) tags.push_back(Tag('u', *q.visible_to));
  if (q.user_id && q.user_id != q.visible_to) tags.push_back(Tag('u', *q.user_id));
  if (q.listing_id) tags.push_back(Tag('l', *q.listing_id));
  if (q.call_id) tags.push_back(Tag('c', *q.call_id));
  if (q.vertical) tags.push_back(Tag('v', *q.vertical));
  if (q.speaker) tags.push_back(Tag('s', *q.speaker));
  std::string match = "{text} : (" + search::Query(q.query).ToFts() + ")";
  if (!tags.empty()) {
    match += " AND {tags} : (";
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (i > 0) match += " AND ";
      match += tags[i];
    }
    match += ")";
  }

  // The date window is a rowid range (ids ascend with the call's start second).
  if (q.to && *q.to < 0) return SearchPage{};
  const Id lo = q.from ? SecondOf(*q.from) << kIdShift : 0;
  Id hi = q.to ? (SecondOf(*q.to) << kIdShift) | (kIdBlock - 1) : std::numeric_limits<Id>::max();
  std::optional<std::pair<double, Id>> after;
  if (cursor) {
    hi = std::min(hi, cursor->tier_hi);
    if (cursor->segment_id != 0) after.emplace(cursor->score, cursor->segment_id);
  }

  SearchPage page;
  while (hi >= lo) {
    const Tier tier_data = TRY(FetchTier(match, lo, hi));
    const std::vector<Candidate>& tier = tier_data.hits;
    if (tier.empty()) return page;
    // The cursor names the tier by its newest row, not by `hi`: rows indexed later (newer
    // calls) then stay out of it, so its candidates and their scores do not move.
    hi = tier_data.newest;
    std::size_t i = 0;
    if (after) {
      const auto [score, id] = *after;
      while (i < tier.size() && (tier[i].score < score || (tier[i].score == score && tier[i].id >= id))) {
        ++i;
      }
    }
    const Candidate* last = nullptr;
    for (; i < tier.size() && page.hits.size() < static_cast<std::size_t>(limit); ++i) {
      last = &tier[i];
      auto row = TRY(c_.Prepare(kSearchHitSql));
      row.Bind(1, tier[i].id).Bind(2, q.visible_to).Bind(3, q.user_id).Bind(4, q.listing_id)
          .Bind(5, q.call_id).Bind(6, q.speaker).Bind(7, q.from).Bind(8, q.to);
      if (!TRY(row.Step())) continue;  // outside the exact time window (ids are per second)
      SearchHit hit;
      hit.segment_id = tier[i].id;
      hit.score = tier[i].score;
      hit.call_id = row.Int(0);
      hit.speaker = row.Text(1);
      hit.start_ms = row.Int(2);
      hit.end_ms = row.Int(3);
      hit.text = row.Text(4);
      hit.call_started_at = row.Int(5);
      page.hits.push_back(std::move(hit));
    }
    if (i < tier.size()) {  // the page is full inside this tier
      page.next = EncodeCursor(SearchCursor{hi, last->score, last->id});
      return page;
    }
    if (!tier_data.older) return page;  // this was the oldest tier
    if (page.hits.size() >= static_cast<std::size_t>(limit)) {
      page.next = EncodeCursor(SearchCursor{tier_data.oldest - 1, 0, 0});  // the next tier, from its best hit
      return page;
    }
    hi = tier_data.oldest - 1;
    after.reset();
  }
  return page;
}

}  // namespace vitrina::store::sqlite
