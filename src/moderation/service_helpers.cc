#include "moderation/service_helpers.h"

#include <map>

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

Result<CaseView> CaseViewOf(store::Tx& tx, const store::Case& c) {
  CaseView v;
  v.c = c;
  auto accused = TRY(tx.users().FindById(c.accused_id));
  if (accused) {
    v.accused = std::move(*accused);
    v.accused.password_hash.clear();
  }
  Id complaints_case = c.id;
  if (c.kind == "appeal" && c.appeal_id) {
    auto appeal = TRY(tx.sanctions().FindAppeal(*c.appeal_id));
    if (appeal) {
      auto sanction = TRY(tx.sanctions().FindSanction(appeal->sanction_id));
      if (sanction) {
        complaints_case = sanction->case_id;
        AppealView av{*appeal, *sanction, {}};
        for (auto& d : TRY(tx.sanctions().Decisions(sanction->case_id))) {
          if (d.id == sanction->decision_id) av.decision = d;
        }
        v.appeal = std::move(av);
      }
    }
  }
  v.complaints = TRY(tx.complaints().ListComplaints(Complaints().Case(complaints_case).Limit(1000)));
  store::FlagFilter flags;
  flags.case_id = complaints_case;
  v.flags = TRY(tx.analytics().ListFlags(flags));
  v.detections = TRY(tx.detection().CaseItems(complaints_case));
  std::map<Id, store::Call> calls;
  for (auto id : TRY(tx.cases().CaseCalls(c.id))) {
    auto call = TRY(tx.calls().FindById(id));
    if (!call) continue;
    auto listing = TRY(tx.listings().FindById(call->listing_id));
    v.calls.push_back({*call, listing ? listing->title : ""});
    calls.emplace(id, *call);
  }
  for (auto& k : v.complaints) {
    if (k.quote && !k.quote_match) {
      if (auto it = calls.find(k.call_id); it != calls.end()) {
        k.quote_match = TRY(MatchInCall(tx, it->second, k.accused_id, *k.quote));
      }
    }
  }
  v.decisions = TRY(tx.sanctions().Decisions(c.id));
  // The accused's history.
  store::CaseFilter others;
  others.accused_id = c.accused_id;
  for (const auto& other : TRY(tx.cases().ListCases(others))) {
    if (other.id == c.id) continue;
    CaseSummary s{other, std::nullopt};
    auto ds = TRY(tx.sanctions().Decisions(other.id));
    if (!ds.empty()) s.action = ds.back().action;
    v.history.cases.push_back(std::move(s));
  }
  v.history.sanctions = TRY(tx.sanctions().Sanctions(c.accused_id));
  for (auto& k : TRY(tx.complaints().ListComplaints(Complaints().Accused(c.accused_id).Limit(50)))) {
    if (k.case_id != complaints_case) v.history.complaints_against.push_back(std::move(k));
  }
  v.history.complaints_by = TRY(tx.complaints().ListComplaints(Complaints().Reporter(c.accused_id).Limit(50)));
  return v;
}


Result<store::Case> LoadAssigned(store::Tx& tx, const store::User& moderator, Id case_id, TimeMs now) {
  auto c = TRY(tx.cases().FindCase(case_id));
  if (!c) return base::NotFound("case_not_found", "No such case");
  if (c->status == "decided") return base::Conflict("case_decided", "This case has been decided");
  if (c->status != "assigned" || c->assignee_id != moderator.id || !c->lease_until || *c->lease_until < now) {
    return base::PermissionDenied("not_assignee", "This case is not assigned to you (or your assignment lapsed)");
  }
  return *c;
}

Result<store::Case> LoadDecidable(store::Tx& tx, const store::User& moderator, Id case_id, TimeMs now) {
  auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
  if (TRY(tx.cases().IsParty(c.id, moderator.id))) {
    return base::PermissionDenied("conflict_of_interest",
                                  "You are a party to a call in this case (or complained in it); release it");
  }
  return c;
}

}  // namespace vitrina::moderation::detail
