#include "moderation/case_queue.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/log.h"
#include "moderation/honeypot_intake.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

// ---------------------------------------------------------------- cases and routing

Result<std::optional<CaseView>> CaseQueue::Next(const store::User& moderator) {
  const auto now = clock_.NowMs();
  // WriteClaim (READ COMMITTED on PostgreSQL): NextEligible locks the case it finds (FOR UPDATE
  // SKIP LOCKED), so moderators on other processes never get the same case and never wait on
  // or fail over each other. Everything else written here is this moderator's own rows.
  auto out = TRY(store_.WriteClaim([&](store::Tx& tx) -> Result<std::optional<CaseView>> {
    auto state = TRY(tx.moderators().Moderator(moderator.id));
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
    // Now and then a honeypot test case instead of the queue's head (honeypot_intake.h).
    std::optional<store::Case> c;
    if (TRY(HoneypotTurn(tx, options_, moderator.id))) c = TRY(ServeHoneypot(tx, options_, who, now));
    if (!c) c = TRY(tx.cases().NextEligible(who));
    if (!c) return std::optional<CaseView>();
    c->status = "assigned";
    c->assignee_id = moderator.id;
    c->assigned_at = now;
    c->lease_until = now + options_.lease_ms;
    c->updated_at = now;
    TRY(tx.cases().UpdateCase(*c));
    TRY(tx.complaints().SetComplaintStatus(c->id, {"open"}, "in_review", now));
    state.last_seen_at = now;
    state.updated_at = now;
    TRY(tx.moderators().PutModerator(state));
    return std::optional<CaseView>(TRY(CaseViewOf(tx, *c)));
  }));
  metrics_.Add("vitrina_moderation_assignments_total", {{"outcome", out ? "assigned" : "empty"}});
  if (out) base::log::Info("case_assigned", {{"case_id", out->c.id}, {"moderator_id", moderator.id}});
  return out;
}

Result<CaseView> CaseQueue::GetCase(const store::User& moderator, Id case_id) {
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
    return CaseViewOf(tx, *c);
  });
}

Result<TimeMs> CaseQueue::Heartbeat(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<TimeMs> {
    auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
    c.lease_until = now + options_.lease_ms;
    c.updated_at = now;
    TRY(tx.cases().UpdateCase(c));
    return *c.lease_until;
  });
}

Result<CaseView> CaseQueue::Release(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<CaseView> {
    auto c = TRY(LoadAssigned(tx, moderator, case_id, now));
    c.status = "open";
    c.assignee_id.reset();
    c.assigned_at.reset();
    c.lease_until.reset();
    c.updated_at = now;
    TRY(tx.cases().UpdateCase(c));
    return CaseViewOf(tx, c);
  });
}

Result<QueueSummary> CaseQueue::Summary() {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<QueueSummary> {
    auto counts = TRY(tx.cases().CountQueue(now, {options_.sla.For(1) / 4, options_.sla.For(2) / 4,
                                                  options_.sla.For(3) / 4}));
    return QueueSummary{counts.open, counts.assigned, counts.breached, counts.at_risk};
  });
}

Result<std::vector<store::Case>> CaseQueue::Queue(std::optional<store::QueueCursor> after, int limit) {
  return store_.Read([&](store::Tx& tx) { return tx.cases().Queue(after, limit); });
}

std::string CaseQueue::SlaStateOf(const store::Case& c) const {
  if (c.status == "decided") return c.decided_at && *c.decided_at > c.sla_due_at ? "breached" : "on_time";
  return SlaState(options_.sla, c.priority, c.sla_due_at, clock_.NowMs());
}

Result<ModeratorInfo> CaseQueue::Moderator(Id user_id) {
  return store_.Read([&](store::Tx& tx) -> Result<ModeratorInfo> {
    ModeratorInfo info;
    info.state = TRY(tx.moderators().Moderator(user_id));
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

Result<ModeratorInfo> CaseQueue::SetModerator(Id user_id, std::optional<bool> on_shift,
                                                      std::optional<int> capacity, std::optional<Id> by) {
  if (capacity && (*capacity < 1 || *capacity > 100)) {
    return base::InvalidArgument("invalid_capacity", "capacity must be 1 to 100");
  }
  const auto now = clock_.NowMs();
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    auto user = TRY(tx.users().FindById(user_id));
    if (!user || !IsModerator(*user)) return base::NotFound("moderator_not_found", "No such moderator");
    auto state = TRY(tx.moderators().Moderator(user_id));
    if (on_shift) state.on_shift = *on_shift;
    if (capacity) state.capacity = *capacity;
    state.updated_at = now;
    TRY(tx.moderators().PutModerator(state));
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
