#include "moderation/moderation_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/algorithm/string/trim.hpp>
#include <boost/json.hpp>

#include "accounts/roles.h"
#include "base/log.h"
#include "base/time_format.h"
#include "search/text.h"

namespace vitrina::moderation {

namespace json = boost::json;
using store::Id;
using TimeMs = base::TimeMs;

namespace {

constexpr std::int64_t kDayMs = 24 * 3600'000LL;
constexpr std::size_t kMaxText = 2000;
constexpr std::size_t kMaxQuote = 500;
constexpr std::size_t kMaxReason = 4000;
constexpr std::size_t kMaxRanges = 10;
constexpr std::size_t kMaxEvidence = 20;
constexpr std::int64_t kMaxBlockDays = 3650;

bool IsModerator(const store::User& u) { return accounts::HasRole(u, accounts::Role::kModerator); }
bool IsParty(const store::Call& c, Id user) { return c.buyer_id == user || c.seller_id == user; }

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

// Filters by one or two fields (designated initializers would leave the rest to -Wextra).
struct Complaints {
  store::ComplaintFilter f;
  Complaints& Case(Id id) { f.case_id = id; return *this; }
  Complaints& Reporter(Id id) { f.reporter_id = id; return *this; }
  Complaints& Accused(Id id) { f.accused_id = id; return *this; }
  Complaints& OnCall(Id id) { f.call_id = id; return *this; }
  Complaints& Before(std::optional<Id> id) { f.before_id = id; return *this; }
  Complaints& Limit(int n) { f.limit = n; return *this; }
  operator const store::ComplaintFilter&() const { return f; }
};

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

}  // namespace

ModerationService::ModerationService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                                     calls::CallService& calls, ModerationOptions options)
    : store_(store), clock_(clock), metrics_(metrics), calls_(calls), options_(std::move(options)) {
  metrics_.Describe("vitrina_complaints_total", "counter", "Complaints filed, by category");
  metrics_.Describe("vitrina_moderation_decisions_total", "counter", "Moderation decisions, by action");
  metrics_.Describe("vitrina_moderation_assignments_total", "counter", "Cases handed out by next, and empty nexts");
  metrics_.Describe("vitrina_appeals_total", "counter", "Appeals filed");
}

// ---------------------------------------------------------------- complaints

Result<store::Complaint> ModerationService::FileComplaint(const store::User& user, Id call_id,
                                                          const ComplaintInput& in) {
  if (!in.category || !IsCategory(*in.category)) {
    return base::InvalidArgument("invalid_category", "category must be one of fraud, prepayment_request, rude, "
                                                     "not_as_described, no_show, other");
  }
  if (!in.text) return base::InvalidArgument("invalid_text", "text is required");
  const auto text = TRY(Text(*in.text, kMaxText, "invalid_text", "text"));
  std::optional<std::string> quote;
  if (in.quote && !boost::algorithm::trim_copy(*in.quote).empty()) {
    quote = TRY(Text(*in.quote, kMaxQuote, "invalid_quote", "quote"));
  }
  const auto ranges = in.ranges.value_or(std::vector<TimeRange>{});
  const auto now = clock_.NowMs();
  auto complaint = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Complaint> {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call) return base::NotFound("call_not_found", "No such call");
    if (!IsParty(*call, user.id)) {
      return base::PermissionDenied("not_participant", "Only the buyer and the seller of this call may complain about it");
    }
    if (call->state == "proposed" || call->state == "accepted" || call->state == "declined" ||
        call->state == "cancelled") {
      return base::Conflict("call_not_complainable", "This call did not take place (" + call->state + ")");
    }
    TRY(CheckRanges(ranges, CallLength(*call, now), kMaxRanges, "invalid_ranges"));
    for (const auto& k : TRY(tx.cases().ListComplaints(Complaints().Reporter(user.id).OnCall(call->id)))) {
      if (k.status == "open" || k.status == "in_review") {
        return base::Conflict("complaint_exists", "You already have complaint " + std::to_string(k.id) +
                                                      " on this call; edit it instead");
      }
    }
    const Id accused = call->buyer_id == user.id ? call->seller_id : call->buyer_id;
    auto c = TRY(tx.cases().OpenComplaintsCase(accused));
    if (!c) {
      store::Case fresh;
      fresh.kind = "complaints";
      fresh.accused_id = accused;
      fresh.status = "open";
      fresh.priority = 3;
      fresh.sla_due_at = now + options_.sla.For(3);
      auto listing = TRY(tx.listings().FindById(call->listing_id));
      fresh.vertical = listing ? listing->vertical : "goods";
      fresh.language = options_.language;
      fresh.opened_at = now;
      fresh.updated_at = now;
      c = TRY(tx.cases().InsertCase(fresh));
    }
    store::Complaint k;
    k.call_id = call->id;
    k.reporter_id = user.id;
    k.accused_id = accused;
    k.case_id = c->id;
    k.category = *in.category;
    k.text = text;
    k.ranges = RangesJson(ranges);
    k.quote = quote;
    if (quote) k.quote_match = TRY(MatchInCall(tx, *call, accused, *quote));
    // A case a moderator already works takes the complaint straight into review.
    k.status = c->status == "assigned" ? "in_review" : "open";
    k.created_at = now;
    k.updated_at = now;
    k = TRY(tx.cases().InsertComplaint(k));
    TRY(tx.cases().AddCaseCall(c->id, call->id));
    TRY(Reprioritise(tx, *c, now));
    TRY(tx.audit().Append({user.id, "complaint.filed", "complaint", std::to_string(k.id),
                           json::serialize(json::object{{"call_id", std::to_string(call->id)},
                                                        {"case_id", std::to_string(c->id)},
                                                        {"accused_id", std::to_string(accused)},
                                                        {"category", k.category}}),
                           "[]"},
                          now));
    return k;
  }));
  metrics_.Add("vitrina_complaints_total", {{"category", complaint.category}});
  base::log::Info("complaint_filed", {{"complaint_id", complaint.id}, {"call_id", call_id},
                                      {"case_id", complaint.case_id}, {"category", complaint.category}});
  return complaint;
}

Result<store::Complaint> ModerationService::EditComplaint(const store::User& user, Id complaint_id,
                                                          const ComplaintInput& in) {
  if (in.category && !IsCategory(*in.category)) {
    return base::InvalidArgument("invalid_category", "Unknown category: " + *in.category);
  }
  std::optional<std::string> text;
  if (in.text) text = TRY(Text(*in.text, kMaxText, "invalid_text", "text"));
  std::optional<std::string> quote;
  if (in.quote && !boost::algorithm::trim_copy(*in.quote).empty()) {
    quote = TRY(Text(*in.quote, kMaxQuote, "invalid_quote", "quote"));
  }
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::Complaint> {
    auto k = TRY(tx.cases().FindComplaint(complaint_id));
    if (!k || k->reporter_id != user.id) return base::NotFound("complaint_not_found", "No such complaint");
    if (k->status != "open") {
      return base::Conflict("complaint_locked", "A moderator has taken this complaint; it can no longer be changed");
    }
    auto call = TRY(tx.calls().FindById(k->call_id));
    if (in.ranges) {
      TRY(CheckRanges(*in.ranges, CallLength(*call, now), kMaxRanges, "invalid_ranges"));
      k->ranges = RangesJson(*in.ranges);
    }
    if (in.category) k->category = *in.category;
    if (text) k->text = *text;
    if (in.quote) {
      k->quote = quote;
      k->quote_match = quote ? TRY(MatchInCall(tx, *call, k->accused_id, *quote)) : std::nullopt;
    }
    k->updated_at = now;
    TRY(tx.cases().UpdateComplaint(*k));
    auto c = TRY(tx.cases().FindCase(k->case_id));
    if (c) TRY(Reprioritise(tx, *c, now));
    return *k;
  });
}

Result<store::Complaint> ModerationService::GetComplaint(const store::User& user, Id complaint_id) {
  return store_.Read([&](store::Tx& tx) -> Result<store::Complaint> {
    auto k = TRY(tx.cases().FindComplaint(complaint_id));
    if (!k || (k->reporter_id != user.id && !IsModerator(user))) {
      return base::NotFound("complaint_not_found", "No such complaint");
    }
    return *k;
  });
}

Result<std::vector<store::Complaint>> ModerationService::MyComplaints(const store::User& user,
                                                                      std::optional<Id> before_id, int limit) {
  return store_.Read([&](store::Tx& tx) {
    return tx.cases().ListComplaints(Complaints().Reporter(user.id).Before(before_id).Limit(limit));
  });
}

Result<std::vector<store::Complaint>> ModerationService::CallComplaints(const store::User& user, Id call_id) {
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<store::Complaint>> {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call) return base::NotFound("call_not_found", "No such call");
    if (IsModerator(user)) return tx.cases().ListComplaints(Complaints().OnCall(call_id).Limit(200));
    if (!IsParty(*call, user.id)) return base::PermissionDenied("not_participant", "This call is not yours");
    return tx.cases().ListComplaints(Complaints().Reporter(user.id).OnCall(call_id).Limit(200));
  });
}

Result<void> ModerationService::Reprioritise(store::Tx& tx, store::Case& c, TimeMs now) {
  if (c.kind != "complaints" || c.status == "decided") return {};
  PriorityInputs in;
  std::set<Id> reporters;
  for (const auto& k : TRY(tx.cases().ListComplaints(Complaints().Case(c.id).Limit(10000)))) {
    if (k.status != "open" && k.status != "in_review") continue;
    reporters.insert(k.reporter_id);
    in.most_severe = std::min(in.most_severe, Severity(k.category));
  }
  in.complainants = static_cast<int>(reporters.size());
  for (const auto& s : TRY(tx.sanctions().Sanctions(c.accused_id))) {
    if (s.status == "active" && (InForce(s, now) || s.created_at > now - 365 * kDayMs)) in.recent_sanction = true;
  }
  const int p = std::min(c.priority, CasePriority(in));
  c.complainants = in.complainants;
  c.priority = p;
  c.sla_due_at = std::min(c.sla_due_at, c.opened_at + options_.sla.For(p));
  c.updated_at = now;
  return tx.cases().UpdateCase(c);
}

// ---------------------------------------------------------------- cases and routing

Result<CaseView> ModerationService::View(store::Tx& tx, const store::Case& c) {
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
  v.complaints = TRY(tx.cases().ListComplaints(Complaints().Case(complaints_case).Limit(1000)));
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
  for (auto& k : TRY(tx.cases().ListComplaints(Complaints().Accused(c.accused_id).Limit(50)))) {
    if (k.case_id != complaints_case) v.history.complaints_against.push_back(std::move(k));
  }
  v.history.complaints_by = TRY(tx.cases().ListComplaints(Complaints().Reporter(c.accused_id).Limit(50)));
  return v;
}

Result<std::optional<CaseView>> ModerationService::Next(const store::User& moderator) {
  const auto now = clock_.NowMs();
  auto out = TRY(store_.Write([&](store::Tx& tx) -> Result<std::optional<CaseView>> {
    auto state = TRY(tx.cases().Moderator(moderator.id));
    if (!state.on_shift) return base::Conflict("off_shift", "You are off shift; start your shift to take cases");
    TRY(tx.cases().ReleaseExpiredLeases(now));
    if (TRY(tx.cases().CountAssigned(moderator.id)) >= state.capacity) {
      return base::Conflict("at_capacity", "You already hold " + std::to_string(state.capacity) +
                                               " cases; decide or release one first");
    }
    store::CaseEligibility who;
    who.moderator_id = moderator.id;
    for (const auto& skill : moderator.skills) {
      if (skill.starts_with("vertical:")) who.verticals.push_back(skill.substr(9));
      if (skill.starts_with("lang:")) who.languages.push_back(skill.substr(5));
    }
    auto c = TRY(tx.cases().NextEligible(who));
    if (!c) return std::optional<CaseView>();
    c->status = "assigned";
    c->assignee_id = moderator.id;
    c->assigned_at = now;
    c->lease_until = now + options_.lease_ms;
    c->updated_at = now;
    TRY(tx.cases().UpdateCase(*c));
    TRY(tx.cases().SetComplaintStatus(c->id, {"open"}, "in_review", now));
    state.last_seen_at = now;
    state.updated_at = now;
    TRY(tx.cases().PutModerator(state));
    return std::optional<CaseView>(TRY(View(tx, *c)));
  }));
  metrics_.Add("vitrina_moderation_assignments_total", {{"outcome", out ? "assigned" : "empty"}});
  if (out) base::log::Info("case_assigned", {{"case_id", out->c.id}, {"moderator_id", moderator.id}});
  return out;
}

Result<store::Case> ModerationService::LoadAssigned(store::Tx& tx, const store::User& moderator, Id case_id,
                                                    TimeMs now) {
  auto c = TRY(tx.cases().FindCase(case_id));
  if (!c) return base::NotFound("case_not_found", "No such case");
  if (c->status == "decided") return base::Conflict("case_decided", "This case has been decided");
  if (c->status != "assigned" || c->assignee_id != moderator.id || !c->lease_until || *c->lease_until < now) {
    return base::PermissionDenied("not_assignee", "This case is not assigned to you (or your assignment lapsed)");
  }
  return *c;
}

Result<CaseView> ModerationService::GetCase(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<CaseView> {
    auto c = TRY(tx.cases().FindCase(case_id));
    if (!c) return base::NotFound("case_not_found", "No such case");
    if (c->status == "assigned" && c->assignee_id == moderator.id && c->lease_until && *c->lease_until >= now) {
      c->lease_until = now + options_.lease_ms;
      c->updated_at = now;
      TRY(tx.cases().UpdateCase(*c));
    }
    return View(tx, *c);
  });
}

Result<TimeMs> ModerationService::Heartbeat(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<TimeMs> {
    auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
    c.lease_until = now + options_.lease_ms;
    c.updated_at = now;
    TRY(tx.cases().UpdateCase(c));
    return *c.lease_until;
  });
}

Result<CaseView> ModerationService::Release(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<CaseView> {
    auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
    c.status = "open";
    c.assignee_id.reset();
    c.assigned_at.reset();
    c.lease_until.reset();
    c.updated_at = now;
    TRY(tx.cases().UpdateCase(c));
    return View(tx, c);
  });
}

Result<QueueSummary> ModerationService::Summary() {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<QueueSummary> {
    auto counts = TRY(tx.cases().CountQueue(now, {options_.sla.For(1) / 4, options_.sla.For(2) / 4,
                                                  options_.sla.For(3) / 4}));
    return QueueSummary{counts.open, counts.assigned, counts.breached, counts.at_risk};
  });
}

Result<std::vector<store::Case>> ModerationService::Queue(std::optional<store::QueueCursor> after, int limit) {
  return store_.Read([&](store::Tx& tx) { return tx.cases().Queue(after, limit); });
}

std::string ModerationService::SlaStateOf(const store::Case& c) const {
  if (c.status == "decided") return c.decided_at && *c.decided_at > c.sla_due_at ? "breached" : "on_time";
  return SlaState(options_.sla, c.priority, c.sla_due_at, clock_.NowMs());
}

Result<ModeratorInfo> ModerationService::Moderator(Id user_id) {
  return store_.Read([&](store::Tx& tx) -> Result<ModeratorInfo> {
    ModeratorInfo info;
    info.state = TRY(tx.cases().Moderator(user_id));
    auto user = TRY(tx.users().FindById(user_id));
    if (!user) return base::NotFound("user_not_found", "No such user");
    info.skills = user->skills;
    store::CaseFilter mine;
    mine.statuses = {"assigned"};
    mine.assignee_id = user_id;
    mine.limit = 100;
    info.assigned = TRY(tx.cases().ListCases(mine));
    return info;
  });
}

Result<ModeratorInfo> ModerationService::SetModerator(Id user_id, std::optional<bool> on_shift,
                                                      std::optional<int> capacity) {
  if (capacity && (*capacity < 1 || *capacity > 100)) {
    return base::InvalidArgument("invalid_capacity", "capacity must be 1 to 100");
  }
  const auto now = clock_.NowMs();
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    auto user = TRY(tx.users().FindById(user_id));
    if (!user || !IsModerator(*user)) return base::NotFound("moderator_not_found", "No such moderator");
    auto state = TRY(tx.cases().Moderator(user_id));
    if (on_shift) state.on_shift = *on_shift;
    if (capacity) state.capacity = *capacity;
    state.updated_at = now;
    return tx.cases().PutModerator(state);
  }));
  return Moderator(user_id);
}

// ---------------------------------------------------------------- decisions

Result<DecisionOutcome> ModerationService::Decide(const store::User& moderator, Id case_id,
                                                  const DecisionInput& in) {
  const auto now = clock_.NowMs();
  auto out = TRY(store_.Write([&](store::Tx& tx) -> Result<DecisionOutcome> {
    auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
    return c.kind == "appeal" ? DecideAppeal(tx, c, moderator, in, now) : DecideComplaints(tx, c, moderator, in, now);
  }));
  metrics_.Add("vitrina_moderation_decisions_total", {{"action", out.decision.action}});
  base::log::Info("case_decided", {{"case_id", case_id}, {"action", out.decision.action}, {"moderator_id", moderator.id}});
  if (out.sanction && (out.sanction->kind == "block" || out.sanction->kind == "ban")) {
    // After the commit: the accused's calls end now (the media server is told outside the tx).
    calls_.EndCallsOf(out.view.c.accused_id, "user_blocked");
  }
  return out;
}

Result<DecisionOutcome> ModerationService::DecideComplaints(store::Tx& tx, store::Case& c, const store::User& moderator,
                                                            const DecisionInput& in, TimeMs now) {
  const auto& a = in.action;
  if (a != "dismiss" && a != "warn" && a != "block" && a != "ban") {
    return base::InvalidArgument("invalid_action", "action must be dismiss, warn, block or ban");
  }
  if (a == "block" && (!in.days || *in.days < 1 || *in.days > kMaxBlockDays)) {
    return base::InvalidArgument("invalid_days", "block needs days from 1 to 3650");
  }
  if (a != "block" && in.days) return base::InvalidArgument("invalid_days", "days applies to block only");
  const auto reason = TRY(Text(in.reason, kMaxReason, "invalid_reason", "reason"));
  if (in.reward && a == "dismiss") return base::InvalidArgument("invalid_reward", "A dismissed case pays no reward");
  if (in.reward && (*in.reward < 1 || *in.reward > options_.max_reward)) {
    return base::InvalidArgument("invalid_reward", "reward amount must be 1 to " + std::to_string(options_.max_reward));
  }
  if (in.evidence.size() > kMaxEvidence) {
    return base::InvalidArgument("invalid_evidence", "At most 20 evidence ranges");
  }
  json::array evidence;
  std::vector<Id> cited;
  for (const auto& [call_id, range] : in.evidence) {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call || !IsParty(*call, c.accused_id)) {
      return base::InvalidArgument("invalid_evidence", "Call " + std::to_string(call_id) + " is not a call of the accused");
    }
    TRY(CheckRanges({range}, CallLength(*call, now), 1, "invalid_evidence"));
    evidence.push_back(json::object{{"call_id", std::to_string(call_id)}, {"from_ms", range.from_ms}, {"to_ms", range.to_ms}});
    if (std::find(cited.begin(), cited.end(), call_id) == cited.end()) cited.push_back(call_id);
  }

  DecisionOutcome out;
  store::Decision d;
  d.case_id = c.id;
  d.moderator_id = moderator.id;
  d.action = a;
  d.days = in.days;
  d.reason = reason;
  d.evidence = json::serialize(evidence);
  d.cited_calls = cited;
  d.created_at = now;
  d = TRY(tx.sanctions().InsertDecision(d));
  out.decision = d;

  std::vector<store::Complaint> decided;
  for (auto& k : TRY(tx.cases().ListComplaints(Complaints().Case(c.id).Limit(10000)))) {
    if (k.status == "open" || k.status == "in_review") decided.push_back(std::move(k));
  }
  const bool upheld = a != "dismiss";
  TRY(tx.cases().SetComplaintStatus(c.id, {"open", "in_review"}, upheld ? "upheld" : "dismissed", now));

  json::array categories;
  for (const auto& k : decided) {
    if (std::find(categories.begin(), categories.end(), json::value(k.category)) == categories.end()) {
      categories.emplace_back(k.category);
    }
  }
  if (upheld) {
    store::Sanction s;
    s.user_id = c.accused_id;
    s.decision_id = d.id;
    s.case_id = c.id;
    s.kind = a;
    s.reason = reason;
    s.starts_at = now;
    if (a == "block") s.ends_at = now + *in.days * kDayMs;
    s.status = "active";
    s.appeal_until = now + options_.appeal_window_ms;
    s.created_at = now;
    out.sanction = TRY(tx.sanctions().InsertSanction(s));
    TRY(ApplyAccountState(tx, c.accused_id, now));
    TRY(Notify(tx, c.accused_id, "sanction",
               {{"case_id", std::to_string(c.id)},
                {"sanction_id", std::to_string(out.sanction->id)},
                {"action", a},
                {"days", in.days ? json::value(*in.days) : json::value(nullptr)},
                {"ends_at", out.sanction->ends_at ? json::value(Iso(*out.sanction->ends_at)) : json::value(nullptr)},
                {"reason", reason},
                {"categories", categories},
                {"evidence", evidence},
                {"appeal_until", Iso(out.sanction->appeal_until)}},
               now));
  } else {
    TRY(Notify(tx, c.accused_id, "complaint_dismissed_against_you",
               {{"case_id", std::to_string(c.id)}, {"reason", reason}}, now));
  }
  // Each complainant: the outcome, and the reward when there is one.
  std::map<Id, std::vector<const store::Complaint*>> by_reporter;
  for (const auto& k : decided) by_reporter[k.reporter_id].push_back(&k);
  json::array rewards_json;
  for (const auto& [reporter, ks] : by_reporter) {
    json::value reward = nullptr;
    if (upheld && in.reward) {
      store::Reward r;
      r.user_id = reporter;
      r.decision_id = d.id;
      r.complaint_id = ks.front()->id;
      r.amount = *in.reward;
      r.currency = options_.reward_currency;
      r.reason = reason;
      r.created_at = now;
      r = TRY(tx.sanctions().InsertReward(r));
      out.rewards.push_back(r);
      reward = json::object{{"amount", r.amount}, {"currency", r.currency}};
      rewards_json.push_back(json::object{{"reward_id", std::to_string(r.id)}, {"user_id", std::to_string(reporter)},
                                          {"amount", r.amount}, {"currency", r.currency}});
    }
    json::array ids, call_ids;
    for (const auto* k : ks) {
      ids.emplace_back(std::to_string(k->id));
      if (std::find(call_ids.begin(), call_ids.end(), json::value(std::to_string(k->call_id))) == call_ids.end()) {
        call_ids.emplace_back(std::to_string(k->call_id));
      }
    }
    TRY(Notify(tx, reporter, "complaint_decided",
               {{"case_id", std::to_string(c.id)}, {"complaint_ids", ids}, {"call_ids", call_ids},
                {"outcome", upheld ? "upheld" : "dismissed"}, {"action", a}, {"reason", reason},
                {"reward", reward}},
               now));
  }
  TRY(CloseCase(tx, c, now));

  json::array complaint_ids;
  for (const auto& k : decided) complaint_ids.emplace_back(std::to_string(k.id));
  TRY(tx.audit().Append(
      {moderator.id, "case.decided", "case", std::to_string(c.id),
       json::serialize(json::object{
           {"accused_id", std::to_string(c.accused_id)},
           {"action", a},
           {"days", in.days ? json::value(*in.days) : json::value(nullptr)},
           {"reason", reason},
           {"evidence", evidence},
           {"complaint_ids", complaint_ids},
           {"decision_id", std::to_string(d.id)},
           {"sanction_id", out.sanction ? json::value(std::to_string(out.sanction->id)) : json::value(nullptr)},
           {"rewards", rewards_json}}),
       TRY(EvidenceFiles(tx, cited))},
      now));
  out.view = TRY(View(tx, c));
  return out;
}

Result<DecisionOutcome> ModerationService::DecideAppeal(store::Tx& tx, store::Case& c, const store::User& moderator,
                                                        const DecisionInput& in, TimeMs now) {
  if (in.action != "uphold" && in.action != "overturn") {
    return base::InvalidArgument("invalid_action", "An appeal is decided with uphold or overturn");
  }
  if (in.days || in.reward || !in.evidence.empty()) {
    return base::InvalidArgument("invalid_action", "An appeal decision takes only action and reason");
  }
  if (c.excluded_moderator_id == moderator.id) {
    return base::PermissionDenied("conflict_of_interest", "You decided the appealed sanction");
  }
  const auto reason = TRY(Text(in.reason, kMaxReason, "invalid_reason", "reason"));
  auto appeal = c.appeal_id ? TRY(tx.sanctions().FindAppeal(*c.appeal_id)) : std::nullopt;
  if (!appeal) return base::Internal("appeal case " + std::to_string(c.id) + " has no appeal");
  auto sanction = TRY(tx.sanctions().FindSanction(appeal->sanction_id));
  if (!sanction) return base::Internal("appeal " + std::to_string(appeal->id) + " has no sanction");

  DecisionOutcome out;
  store::Decision d;
  d.case_id = c.id;
  d.moderator_id = moderator.id;
  d.action = in.action;
  d.reason = reason;
  d.created_at = now;
  d = TRY(tx.sanctions().InsertDecision(d));
  out.decision = d;
  const bool overturn = in.action == "overturn";
  appeal->status = overturn ? "overturned" : "upheld";
  appeal->decision_id = d.id;
  appeal->decided_at = now;
  TRY(tx.sanctions().UpdateAppeal(*appeal));
  if (overturn) {
    sanction->status = "overturned";
    sanction->lifted_at = now;
    TRY(tx.sanctions().UpdateSanction(*sanction));
    TRY(ApplyAccountState(tx, sanction->user_id, now));
  }
  out.sanction = sanction;
  TRY(Notify(tx, sanction->user_id, "appeal_decided",
             {{"appeal_id", std::to_string(appeal->id)},
              {"sanction_id", std::to_string(sanction->id)},
              {"outcome", appeal->status},
              {"reason", reason}},
             now));
  TRY(CloseCase(tx, c, now));
  TRY(tx.audit().Append({moderator.id, "appeal.decided", "appeal", std::to_string(appeal->id),
                         json::serialize(json::object{{"case_id", std::to_string(c.id)},
                                                      {"sanction_id", std::to_string(sanction->id)},
                                                      {"user_id", std::to_string(sanction->user_id)},
                                                      {"outcome", appeal->status},
                                                      {"reason", reason},
                                                      {"decision_id", std::to_string(d.id)}}),
                         "[]"},
                        now));
  out.view = TRY(View(tx, c));
  return out;
}

Result<void> ModerationService::ApplyAccountState(store::Tx& tx, Id user_id, TimeMs now) {
  bool blocked = false;
  std::optional<TimeMs> until;
  bool forever = false;
  for (const auto& s : TRY(tx.sanctions().Sanctions(user_id))) {
    if (!InForce(s, now)) continue;
    blocked = true;
    if (s.kind == "ban") forever = true;
    else if (!until || *s.ends_at > *until) until = s.ends_at;
  }
  if (!blocked) return tx.users().SetStatus(user_id, "active", std::nullopt, now);
  return tx.users().SetStatus(user_id, "blocked", forever ? std::nullopt : until, now);
}

// ---------------------------------------------------------------- sanctions and appeals

Result<std::vector<SanctionView>> ModerationService::Sanctions(const store::User& user) {
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<SanctionView>> {
    std::vector<SanctionView> out;
    for (auto& s : TRY(tx.sanctions().Sanctions(user.id))) {
      SanctionView v;
      for (const auto& d : TRY(tx.sanctions().Decisions(s.case_id))) {
        if (d.id == s.decision_id) v.evidence = d.evidence;
      }
      v.appeal = TRY(tx.sanctions().AppealOf(s.id));
      if (v.appeal && v.appeal->decision_id) {
        for (const auto& d : TRY(tx.sanctions().Decisions(v.appeal->case_id))) {
          if (d.id == *v.appeal->decision_id) v.appeal_reason = d.reason;
        }
      }
      v.sanction = std::move(s);
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<store::Appeal> ModerationService::FileAppeal(const store::User& user, Id sanction_id, const std::string& raw) {
  const auto text = TRY(Text(raw, kMaxReason, "invalid_text", "text"));
  const auto now = clock_.NowMs();
  auto appeal = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Appeal> {
    auto s = TRY(tx.sanctions().FindSanction(sanction_id));
    if (!s || s->user_id != user.id) return base::NotFound("sanction_not_found", "No such sanction");
    if (s->status != "active") return base::Conflict("sanction_not_active", "This sanction was lifted already");
    if (TRY(tx.sanctions().AppealOf(s->id))) {
      return base::Conflict("appeal_exists", "This sanction has been appealed already; each sanction can be appealed once");
    }
    if (now > s->appeal_until) {
      return base::Conflict("appeal_window_closed", "The time to appeal ended on " + Iso(s->appeal_until));
    }
    auto original = TRY(tx.cases().FindCase(s->case_id));
    if (!original) return base::Internal("sanction " + std::to_string(s->id) + " has no case");
    std::optional<Id> decided_by;
    for (const auto& d : TRY(tx.sanctions().Decisions(original->id))) {
      if (d.id == s->decision_id) decided_by = d.moderator_id;
    }
    store::Case c;
    c.kind = "appeal";
    c.accused_id = user.id;
    c.status = "open";
    c.priority = 2;
    c.sla_due_at = now + options_.sla.For(2);
    c.vertical = original->vertical;
    c.language = original->language;
    c.complainants = original->complainants;
    c.excluded_moderator_id = decided_by;
    c.opened_at = now;
    c.updated_at = now;
    c = TRY(tx.cases().InsertCase(c));
    store::Appeal a;
    a.sanction_id = s->id;
    a.user_id = user.id;
    a.text = text;
    a.status = "open";
    a.case_id = c.id;
    a.created_at = now;
    a = TRY(tx.sanctions().InsertAppeal(a));
    c.appeal_id = a.id;
    TRY(tx.cases().UpdateCase(c));
    for (auto call : TRY(tx.cases().CaseCalls(original->id))) TRY(tx.cases().AddCaseCall(c.id, call));
    TRY(tx.audit().Append({user.id, "appeal.filed", "appeal", std::to_string(a.id),
                           json::serialize(json::object{{"sanction_id", std::to_string(s->id)},
                                                        {"case_id", std::to_string(c.id)},
                                                        {"text", text}}),
                           "[]"},
                          now));
    return a;
  }));
  metrics_.Add("vitrina_appeals_total", {});
  base::log::Info("appeal_filed", {{"appeal_id", appeal.id}, {"sanction_id", sanction_id}});
  return appeal;
}

Result<std::vector<store::Reward>> ModerationService::Rewards(const store::User& user) {
  return store_.Read([&](store::Tx& tx) { return tx.sanctions().Rewards(user.id); });
}

// ---------------------------------------------------------------- notifications

Result<std::vector<store::Notification>> ModerationService::Notifications(const store::User& user,
                                                                         std::optional<Id> before_id, int limit) {
  return store_.Read([&](store::Tx& tx) { return tx.notifications().List(user.id, before_id, limit); });
}

Result<std::int64_t> ModerationService::UnreadNotifications(const store::User& user) {
  return store_.Read([&](store::Tx& tx) { return tx.notifications().UnreadCount(user.id); });
}

Result<void> ModerationService::MarkNotificationsRead(const store::User& user, Id up_to) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    TRY(tx.notifications().MarkRead(user.id, up_to, now));
    return {};
  });
}

}  // namespace vitrina::moderation
