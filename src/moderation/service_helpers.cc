#include "moderation/service_helpers.h"

#include <algorithm>

#include <boost/algorithm/string/trim.hpp>

#include "base/time_format.h"
#include "search/text.h"

namespace vitrina::moderation::detail {

namespace json = boost::json;


// Trimmed text of 1..max code points, or 400 `code`.
Result<std::string> Text(const std::string& raw, std::size_t max, const char* code, const char* what) {
  auto s = boost::algorithm::trim_copy(raw);
  const auto n = search::CodePointCount(s);
  if (n == 0 || n > max) {
    return base::InvalidArgument(code, std::string(what) + " must be 1 to " + std::to_string(max) + " characters");
  }
  return s;
}

// The call's length for validating ranges: the recording's, else ended - started (or now -
// started while active); 0 for a call that never started.
std::int64_t CallLength(const store::Call& c, TimeMs now) {
  if (c.recording_duration_ms && *c.recording_duration_ms > 0) return *c.recording_duration_ms;
  if (!c.started_at) return 0;
  return std::max<std::int64_t>(0, c.ended_at.value_or(now) - *c.started_at);
}

Result<void> CheckRanges(const std::vector<TimeRange>& ranges, std::int64_t length, std::size_t max,
                         const char* code) {
  if (ranges.size() > max) {
    return base::InvalidArgument(code, "At most " + std::to_string(max) + " time ranges");
  }
  for (const auto& r : ranges) {
    if (r.from_ms < 0 || r.to_ms <= r.from_ms) {
      return base::InvalidArgument(code, "Each range needs 0 <= from_ms < to_ms");
    }
    if (r.to_ms > length) {
      return base::InvalidArgument(code, "Range " + std::to_string(r.from_ms) + "-" + std::to_string(r.to_ms) +
                                             " ms is outside the call (" + std::to_string(length) + " ms long)");
    }
  }
  return {};
}

std::string RangesJson(const std::vector<TimeRange>& ranges) {
  json::array a;
  for (const auto& r : ranges) a.push_back(json::object{{"from_ms", r.from_ms}, {"to_ms", r.to_ms}});
  return json::serialize(a);
}

std::string MatchJson(const QuoteMatch& m) {
  json::array ids;
  for (auto id : m.segment_ids) ids.emplace_back(std::to_string(id));
  return json::serialize(json::object{{"segment_ids", std::move(ids)}, {"from_ms", m.from_ms},
                                      {"to_ms", m.to_ms}, {"matched", m.matched}, {"words", m.words}});
}

// The accused's words in the call's current transcript matched against the quote.
Result<std::optional<std::string>> MatchInCall(store::Tx& tx, const store::Call& call, Id accused,
                                               const std::string& quote) {
  auto t = TRY(tx.transcripts().Current(call.id));
  if (!t) return std::optional<std::string>();
  const std::string speaker = call.buyer_id == accused ? "buyer" : "seller";
  std::vector<store::TranscriptSegment> mine;
  for (auto& s : t->segments) {
    if (s.speaker == speaker) mine.push_back(std::move(s));
  }
  auto m = MatchQuote(quote, mine);
  if (!m) return std::optional<std::string>();
  return std::optional<std::string>(MatchJson(*m));
}

std::string Iso(TimeMs t) { return base::FormatRfc3339(t); }

// The evidence files of the cited calls: each combined recording's path and SHA-256.
Result<std::string> EvidenceFiles(store::Tx& tx, const std::vector<Id>& calls) {
  json::array out;
  for (auto id : calls) {
    for (const auto& f : TRY(tx.calls().Files(id))) {
      if (f.kind == "combined") out.push_back(json::object{{"call_id", std::to_string(id)}, {"path", f.path}, {"sha256", f.sha256}});
    }
  }
  return json::serialize(out);
}

Result<void> Notify(store::Tx& tx, Id user, const std::string& kind, json::object payload, TimeMs now) {
  store::Notification n;
  n.user_id = user;
  n.kind = kind;
  n.payload = json::serialize(payload);
  n.created_at = now;
  TRY(tx.notifications().Insert(n));
  return {};
}

// Decided: off the queue, the lease gone (assignee_id stays: who decided).
Result<void> CloseCase(store::Tx& tx, store::Case& c, TimeMs now) {
  c.status = "decided";
  c.decided_at = now;
  c.lease_until.reset();
  c.updated_at = now;
  return tx.cases().UpdateCase(c);
}

bool InForce(const store::Sanction& s, TimeMs now) {
  if (s.status != "active") return false;
  if (s.kind == "ban") return true;
  return s.kind == "block" && s.ends_at && *s.ends_at > now;
}

}  // namespace vitrina::moderation::detail
