#include "moderation/moderation_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/log.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

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
  for (auto& k : TRY(tx.cases().ListComplaints(Complaints().Accused(c.accused_id).Limit(50)))) {
    if (k.case_id != complaints_case) v.history.complaints_against.push_back(std::move(k));
  }
  v.history.complaints_by = TRY(tx.cases().ListComplaints(Complaints().Reporter(c.accused_id).Limit(50)));
  return v;
}

Result<std::optional<CaseView>> ModerationService::Next(const store::User& moderator) {
  const auto now = clock_.NowMs();
  // WriteClaim (READ COMMITTED on PostgreSQL): NextEligible locks the case it finds (FOR UPDATE
  // SKIP LOCKED), so moderators on other processes never get the same case and never wait on
  // or fail over each other. Everything else written here is this moderator's own rows.
  auto out = TRY(store_.WriteClaim([&](store::Tx& tx) -> Result<std::optional<CaseView>> {
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

Result<store::Case> ModerationService::LoadDecidable(store::Tx& tx, const store::User& moderator, Id case_id,
                                                     TimeMs now) {
  auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
  if (TRY(tx.cases().IsParty(c.id, moderator.id))) {
    return base::PermissionDenied("conflict_of_interest",
                                  "You are a party to a call in this case (or complained in it); release it");
  }
  return c;
}

Result<void> ModerationService::CheckMayDecide(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    TRY(LoadDecidable(tx, moderator, case_id, now));
    return {};
  });
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
    } else {
      // Reading a case one is not working is reading evidence about people: on the record,
      // in the transaction that reads it.
      json::object details{{"status", c->status}};
      if (c->assignee_id) details["assignee_id"] = std::to_string(*c->assignee_id);
      TRY(tx.audit().Append({moderator.id, "case.viewed", "case", std::to_string(c->id), json::serialize(details),
                             "[]"},
                            now));
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
                                                      std::optional<int> capacity, std::optional<Id> by) {
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
    TRY(tx.cases().PutModerator(state));
    if (!by) return {};
    json::object details;
    if (on_shift) details["on_shift"] = *on_shift;
    if (capacity) details["capacity"] = *capacity;
    TRY(tx.audit().Append({*by, "moderator.updated", "user", std::to_string(user_id), json::serialize(details), "[]"},
                          now));
    return {};
  }));
  return Moderator(user_id);
}

}  // namespace vitrina::moderation
