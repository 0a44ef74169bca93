// Complaints, the moderation queue and workspace, decisions, sanctions, appeals and
// notifications (docs/moderation.md).
#include "accounts/roles.h"
#include <algorithm>

#include "api/api.h"
#include "api/json_io.h"
#include "base/log.h"
#include "base/time_format.h"

namespace vitrina::api {

namespace json = boost::json;
using moderation::TimeRange;

namespace {

json::value OptId(const std::optional<store::Id>& id) {
  return id ? json::value(IdString(*id)) : json::value(nullptr);
}

json::object ComplaintJson(const store::Complaint& k) {
  return {{"id", IdString(k.id)},
          {"call_id", IdString(k.call_id)},
          {"reporter_id", IdString(k.reporter_id)},
          {"accused_id", IdString(k.accused_id)},
          {"case_id", IdString(k.case_id)},
          {"category", k.category},
          {"text", k.text},
          {"ranges", ParsedOr(k.ranges)},
          {"quote", k.quote ? json::value(*k.quote) : json::value(nullptr)},
          {"quote_match", k.quote_match ? ParsedOr(*k.quote_match) : json::value(nullptr)},
          {"status", k.status},
          {"editable", k.status == "open"},
          {"created_at", base::FormatRfc3339(k.created_at)},
          {"updated_at", base::FormatRfc3339(k.updated_at)}};
}

json::object DecisionJson(const store::Decision& d) {
  return {{"id", IdString(d.id)},
          {"case_id", IdString(d.case_id)},
          {"moderator_id", IdString(d.moderator_id)},
          {"action", d.action},
          {"days", d.days ? json::value(*d.days) : json::value(nullptr)},
          {"reason", d.reason},
          {"evidence", ParsedOr(d.evidence)},
          {"created_at", base::FormatRfc3339(d.created_at)}};
}

json::object SanctionCore(const store::Sanction& s, base::TimeMs now) {
  return {{"id", IdString(s.id)},
          {"user_id", IdString(s.user_id)},
          {"case_id", IdString(s.case_id)},
          {"kind", s.kind},
          {"reason", s.reason},
          {"starts_at", base::FormatRfc3339(s.starts_at)},
          {"ends_at", OptTime(s.ends_at)},
          {"status", s.status},
          {"lifted_at", OptTime(s.lifted_at)},
          {"appeal_until", base::FormatRfc3339(s.appeal_until)},
          {"in_force", s.status == "active" && (s.kind == "ban" || (s.kind == "block" && s.ends_at && *s.ends_at > now))},
          {"created_at", base::FormatRfc3339(s.created_at)}};
}

json::object AppealJson(const store::Appeal& a, const std::optional<std::string>& reason = std::nullopt) {
  return {{"id", IdString(a.id)},
          {"sanction_id", IdString(a.sanction_id)},
          {"text", a.text},
          {"status", a.status},
          {"created_at", base::FormatRfc3339(a.created_at)},
          {"decided_at", OptTime(a.decided_at)},
          {"reason", reason ? json::value(*reason) : json::value(nullptr)}};
}

// What the sanctioned user sees (never which moderator decided).
json::object SanctionViewJson(const moderation::SanctionView& v, base::TimeMs now) {
  auto o = SanctionCore(v.sanction, now);
  o["evidence"] = ParsedOr(v.evidence);
  o["appeal"] = v.appeal ? json::value(AppealJson(*v.appeal, v.appeal_reason)) : json::value(nullptr);
  o["can_appeal"] = !v.appeal && v.sanction.status == "active" && now <= v.sanction.appeal_until;
  return o;
}

json::object RewardJson(const store::Reward& r) {
  return {{"id", IdString(r.id)},
          {"user_id", IdString(r.user_id)},
          {"decision_id", IdString(r.decision_id)},
          {"complaint_id", OptId(r.complaint_id)},
          {"amount", r.amount},
          {"currency", r.currency},
          {"reason", r.reason},
          {"created_at", base::FormatRfc3339(r.created_at)}};
}

json::object CaseSummaryJson(moderation::ModerationService& m, const store::Case& c) {
  return {{"id", IdString(c.id)},
          {"kind", c.kind},
          {"status", c.status},
          {"priority", c.priority},
          {"sla_due_at", base::FormatRfc3339(c.sla_due_at)},
          {"sla_state", m.queue().SlaStateOf(c)},
          {"opened_at", base::FormatRfc3339(c.opened_at)},
          {"decided_at", OptTime(c.decided_at)},
          {"vertical", c.vertical},
          {"language", c.language},
          {"complainants", c.complainants},
          {"auto_flags", c.auto_flags},
          {"accused_id", IdString(c.accused_id)},
          {"assignee_id", OptId(c.assignee_id)},
          {"assigned_at", OptTime(c.assigned_at)},
          {"lease_until", OptTime(c.lease_until)}};
}

json::object CaseJson(moderation::ModerationService& m, const moderation::CaseView& v, base::TimeMs now) {
  auto o = CaseSummaryJson(m, v.c);
  o["accused"] = json::object{{"id", IdString(v.accused.id)},
                              {"display_name", v.accused.display_name},
                              {"status", v.accused.status},
                              {"blocked_until", OptTime(v.accused.blocked_until)}};
  json::array complaints, calls, decisions;
  for (const auto& k : v.complaints) complaints.push_back(ComplaintJson(k));
  for (const auto& c : v.calls) {
    auto call = CallJson(c.call);
    call["listing_title"] = c.listing_title;
    calls.push_back(std::move(call));
  }
  for (const auto& d : v.decisions) decisions.push_back(DecisionJson(d));
  // Every item with where it came from: a participant's complaint, a rule's flag, or a row of
  // the dishonest-user ranking a moderator opened the case from.
  json::array items, flags;
  for (const auto& k : v.complaints) {
    auto item = ComplaintJson(k);
    item["source"] = "complaint";
    items.push_back(std::move(item));
  }
  for (const auto& f : v.flags) {
    auto item = FlagJson(f);
    item["source"] = "auto";
    items.push_back(item);
    flags.push_back(FlagJson(f));
  }
  for (const auto& d : v.detections) items.push_back(DetectionItemJson(d));
  o["complaints"] = std::move(complaints);
  o["flags"] = std::move(flags);
  o["items"] = std::move(items);
  o["calls"] = std::move(calls);
  o["decisions"] = std::move(decisions);
  if (v.appeal) {
    auto a = AppealJson(v.appeal->appeal);
    a["sanction"] = SanctionCore(v.appeal->sanction, now);
    a["decision"] = DecisionJson(v.appeal->decision);
    o["appeal"] = std::move(a);
  } else {
    o["appeal"] = nullptr;
  }
  json::array cases, sanctions, against, by;
  for (const auto& s : v.history.cases) {
    cases.push_back({{"id", IdString(s.c.id)},
                     {"kind", s.c.kind},
                     {"status", s.c.status},
                     {"priority", s.c.priority},
                     {"opened_at", base::FormatRfc3339(s.c.opened_at)},
                     {"decided_at", OptTime(s.c.decided_at)},
                     {"action", s.action ? json::value(*s.action) : json::value(nullptr)}});
  }
  for (const auto& s : v.history.sanctions) sanctions.push_back(SanctionCore(s, now));
  for (const auto& k : v.history.complaints_against) against.push_back(ComplaintJson(k));
  for (const auto& k : v.history.complaints_by) by.push_back(ComplaintJson(k));
  o["history"] = json::object{{"cases", std::move(cases)},
                              {"sanctions", std::move(sanctions)},
                              {"complaints_against", std::move(against)},
                              {"complaints_by", std::move(by)}};
  return o;
}

json::object ModeratorJson(moderation::ModerationService& m, const moderation::ModeratorInfo& info) {
  json::array skills, assigned;
  for (const auto& k : info.skills) skills.emplace_back(k);
  for (const auto& c : info.assigned) assigned.push_back(CaseSummaryJson(m, c));
  return {{"user_id", IdString(info.state.user_id)},
          {"on_shift", info.state.on_shift},
          {"capacity", info.state.capacity},
          {"last_seen_at", OptTime(info.state.last_seen_at)},
          {"skills", std::move(skills)},
          {"assigned", std::move(assigned)}};
}

json::object NotificationJson(const store::Notification& n) {
  return {{"id", IdString(n.id)},
          {"kind", n.kind},
          {"created_at", base::FormatRfc3339(n.created_at)},
          {"read", n.read_at.has_value()},
          {"payload", ParsedOr(n.payload)}};
}

// [{from_ms, to_ms}] → ranges; 400 `code` for anything else.
Result<std::vector<TimeRange>> ParseRanges(const json::value& v, const char* code) {
  if (!v.is_array()) return base::InvalidArgument(code, "ranges must be an array of {from_ms, to_ms}");
  std::vector<TimeRange> out;
  for (const auto& item : v.as_array()) {
    const auto* o = item.if_object();
    const auto* from = o ? o->if_contains("from_ms") : nullptr;
    const auto* to = o ? o->if_contains("to_ms") : nullptr;
    if (!from || !to || !from->is_int64() || !to->is_int64()) {
      return base::InvalidArgument(code, "Each range must be {from_ms, to_ms} with integer milliseconds");
    }
    out.push_back({from->as_int64(), to->as_int64()});
  }
  return out;
}

Result<moderation::ComplaintInput> ParseComplaint(const json::object& body) {
  moderation::ComplaintInput in;
  in.category = TRY(OptString(body, "category"));
  in.text = TRY(OptString(body, "text"));
  in.quote = TRY(OptString(body, "quote"));
  if (const auto* r = body.if_contains("ranges"); r && !r->is_null()) {
    in.ranges = TRY(ParseRanges(*r, "invalid_ranges"));
  }
  return in;
}

}  // namespace

void AddModerationRoutes(Api& api) {
  auto& s = api.services();
  auto& m = s.moderation;

  // --- complaints ---
  api.Add(net::Verb::post, "/api/v1/calls/{id}/complaints", Access::kUser, CallParty(s.calls),
          [&m](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            auto in = TRY(ParseComplaint(TRY(ParseObject(ctx.req.body))));
            return Api::Json(201, ComplaintJson(TRY(m.complaints().FileComplaint(ctx.user(), id, in))));
          });
  api.Add(net::Verb::get, "/api/v1/calls/{id}/complaints", Access::kUser,
          [&m](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            json::array items;
            for (const auto& k : TRY(m.complaints().CallComplaints(ctx.user(), id))) items.push_back(ComplaintJson(k));
            return Api::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          });
  api.Add(net::Verb::get, "/api/v1/complaints", Access::kUser, [&m](Context& ctx) -> Result<net::Response> {
    const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 20, 100));
    const auto before = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
    auto rows = TRY(m.complaints().MyComplaints(ctx.user(), before, limit + 1));
    return Api::Json(200, Page(rows, limit, ComplaintJson, [](const store::Complaint& k) { return IdString(k.id); }));
  });
  api.Add(net::Verb::get, "/api/v1/complaints/{id}", Access::kUser, [&m](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "complaint_not_found"));
    return Api::Json(200, ComplaintJson(TRY(m.complaints().GetComplaint(ctx.user(), id))));
  });
  api.Add(net::Verb::patch, "/api/v1/complaints/{id}", Access::kUser,
          [&m](Context& ctx) -> Result<void> {  // its reporter only; anyone else: as if there were none
            const auto id = TRY(ctx.PathId("id", "complaint_not_found"));
            auto k = TRY(m.complaints().GetComplaint(ctx.user(), id));
            if (k.reporter_id != ctx.user().id) return base::NotFound("complaint_not_found", "No such complaint");
            return {};
          },
          [&m](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "complaint_not_found"));
    auto in = TRY(ParseComplaint(TRY(ParseObject(ctx.req.body))));
    return Api::Json(200, ComplaintJson(TRY(m.complaints().EditComplaint(ctx.user(), id, in))));
  });

  // --- the queue and cases ---
  api.Add(net::Verb::post, "/api/v1/moderation/next", Access::kModerator,
          [&m, &s](Context& ctx) -> Result<net::Response> {
            auto view = TRY(m.queue().Next(ctx.user()));
            if (!view) {
              net::Response res;
              res.status = 204;
              return res;
            }
            return Api::Json(200, json::object{{"case", CaseJson(m, *view, s.clock.NowMs())}});
          });
  // --- blind double review (docs/quality.md): the second moderator's side ---
  api.Add(net::Verb::post, "/api/v1/moderation/reviews/next", Access::kModerator,
          [&m, &s](Context& ctx) -> Result<net::Response> {
            auto view = TRY(m.reviews().Next(ctx.user()));
            if (!view) {
              net::Response res;
              res.status = 204;
              return res;
            }
            return Api::Json(200, json::object{{"review", DoubleReviewJson(view->review, false)},
                                               {"case", CaseJson(m, view->view, s.clock.NowMs())}});
          });
  api.Add(net::Verb::get, "/api/v1/moderation/reviews/{id}", Access::kModerator,
          [&m, &s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "review_not_found"));
            auto view = TRY(m.reviews().Get(ctx.user(), id));
            return Api::Json(200, json::object{{"review", DoubleReviewJson(view.review, false)},
                                               {"case", CaseJson(m, view.view, s.clock.NowMs())}});
          });
  api.Add(net::Verb::post, "/api/v1/moderation/reviews/{id}/decision", Access::kModerator,
          [&m](Context& ctx) -> Result<void> {
            return m.reviews().CheckMayDecide(ctx.user(), TRY(ctx.PathId("id", "review_not_found")));
          },
          [&m](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "review_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto action = TRY(OptString(body, "action")).value_or("");
            const auto reason = TRY(OptString(body, "reason")).value_or("");
            return Api::Json(200, DoubleReviewJson(TRY(m.reviews().Decide(ctx.user(), id, action, reason)), false));
          });
  api.Add(net::Verb::get, "/api/v1/moderation/cases/{id}", Access::kModerator,
          [&m, &s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "case_not_found"));
            return Api::Json(200, CaseJson(m, TRY(m.queue().GetCase(ctx.user(), id)), s.clock.NowMs()));
          });
  api.Add(net::Verb::post, "/api/v1/moderation/cases/{id}/heartbeat", Access::kModerator,
          [&m](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "case_not_found"));
            const auto until = TRY(m.queue().Heartbeat(ctx.user(), id));
            return Api::Json(200, json::object{{"lease_until", base::FormatRfc3339(until)}});
          });
  api.Add(net::Verb::post, "/api/v1/moderation/cases/{id}/release", Access::kModerator,
          [&m, &s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "case_not_found"));
            return Api::Json(200, CaseJson(m, TRY(m.queue().Release(ctx.user(), id)), s.clock.NowMs()));
          });
  api.Add(net::Verb::post, "/api/v1/moderation/cases/{id}/decision", Access::kModerator,
          [&m](Context& ctx) -> Result<void> {
            return m.decisions().CheckMayDecide(ctx.user(), TRY(ctx.PathId("id", "case_not_found")));
          },
          [&m, &s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "case_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            moderation::DecisionInput in;
            in.action = TRY(OptString(body, "action")).value_or("");
            in.days = TRY(OptInt(body, "days"));
            in.reason = TRY(OptString(body, "reason")).value_or("");
            if (const auto* ev = body.if_contains("evidence"); ev && !ev->is_null()) {
              if (!ev->is_array()) return base::InvalidArgument("invalid_evidence", "evidence must be an array");
              for (const auto& item : ev->as_array()) {
                const auto* o = item.if_object();
                const auto* call = o ? o->if_contains("call_id") : nullptr;
                if (!call || !call->is_string()) {
                  return base::InvalidArgument("invalid_evidence", "Each evidence item needs call_id, from_ms, to_ms");
                }
                auto call_id = ParsePathId(std::string(call->as_string()), "invalid_evidence");
                if (!call_id) return base::InvalidArgument("invalid_evidence", "Bad call_id in evidence");
                auto range = TRY(ParseRanges(json::array{item}, "invalid_evidence"));
                in.evidence.emplace_back(*call_id, range.front());
              }
            }
            if (const auto* reward = body.if_contains("reward"); reward && !reward->is_null()) {
              const auto* o = reward->if_object();
              const auto* amount = o ? o->if_contains("amount") : nullptr;
              if (!amount || !amount->is_int64()) {
                return base::InvalidArgument("invalid_reward", "reward must be {amount: integer}");
              }
              in.reward = amount->as_int64();
            }
            auto out = TRY(m.decisions().Decide(ctx.user(), id, in));
            // A decision on a seller's calls moves their service level (description_truthful,
            // call_conduct): recomputed now, not at their next visit (docs/service-level.md). A
            // failure is logged; the decision stands and the daily job catches up.
            const auto accused = out.view.c.accused_id;
            if (std::any_of(out.view.calls.begin(), out.view.calls.end(),
                            [&](const moderation::CaseCall& cc) { return cc.call.seller_id == accused; })) {
              if (auto level = s.service_levels.Recompute(accused); !level) {
                base::log::Warn("service_level_failed", {{"seller_id", accused}, {"error", level.error().message}});
              }
            }
            // Everyone the decision notified hears of it on their open pages; a newly blocked
            // user's sockets are closed instead (their pages reconnect and learn).
            const std::string event = R"({"type":"notification"})";
            for (const auto& k : out.view.complaints) s.hub.SendToUser(k.reporter_id, event);
            if (out.sanction && out.sanction->status == "active" &&
                (out.sanction->kind == "block" || out.sanction->kind == "ban")) {
              s.hub.CloseUser(out.sanction->user_id);
            } else {
              s.hub.SendToUser(out.view.c.accused_id, event);
            }
            const auto now = s.clock.NowMs();
            json::array rewards;
            for (const auto& r : out.rewards) rewards.push_back(RewardJson(r));
            return Api::Json(200, json::object{
                                      {"case", CaseJson(m, out.view, now)},
                                      {"decision", DecisionJson(out.decision)},
                                      {"sanction", out.sanction ? json::value(SanctionCore(*out.sanction, now))
                                                                : json::value(nullptr)},
                                      {"rewards", std::move(rewards)}});
          });
  api.Add(net::Verb::get, "/api/v1/moderation/queue", Access::kModerator,
          [&m](Context& ctx) -> Result<net::Response> {
            const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
            std::optional<store::QueueCursor> after;
            if (auto c = ctx.req.Query("cursor"); c && !c->empty()) {
              store::QueueCursor q;
              long long p = 0, due = 0, id = 0;
              char tail = 0;
              if (std::sscanf(c->c_str(), "%lld~%lld~%lld%c", &p, &due, &id, &tail) != 3) {
                return base::InvalidArgument("invalid_cursor", "cursor is not one this API returned");
              }
              q.priority = static_cast<int>(p);
              q.sla_due_at = due;
              q.id = id;
              after = q;
            }
            auto rows = TRY(m.queue().Queue(after, limit + 1));
            auto page = Page(rows, limit, [&m](const store::Case& c) { return CaseSummaryJson(m, c); },
                             [](const store::Case& c) {
                               return std::to_string(c.priority) + "~" + std::to_string(c.sla_due_at) + "~" +
                                      std::to_string(c.id);
                             });
            const auto sum = TRY(m.queue().Summary());
            page["summary"] = json::object{
                {"open", sum.open}, {"assigned", sum.assigned}, {"breached", sum.breached}, {"at_risk", sum.at_risk}};
            return Api::Json(200, std::move(page));
          });
  api.Add(net::Verb::get, "/api/v1/moderation/me", Access::kModerator, [&m](Context& ctx) -> Result<net::Response> {
    return Api::Json(200, ModeratorJson(m, TRY(m.queue().Moderator(ctx.user().id))));
  });
  api.Add(net::Verb::put, "/api/v1/moderation/me", Access::kModerator, [&m](Context& ctx) -> Result<net::Response> {
    auto body = TRY(ParseObject(ctx.req.body));
    const auto on_shift = TRY(OptBool(body, "on_shift"));
    if (!on_shift) return base::InvalidArgument("missing_field", "on_shift is required");
    return Api::Json(200, ModeratorJson(m, TRY(m.queue().SetModerator(ctx.user().id, on_shift, std::nullopt, ctx.user().id))));
  });
  api.Add(net::Verb::put, "/api/v1/admin/moderators/{id}", Access::kAdmin,
          [&s](Context& ctx) -> Result<void> {
            const auto id = TRY(ctx.PathId("id", "moderator_not_found"));
            auto user = s.accounts.GetUser(id);
            if (!user || !accounts::HasRole(*user, accounts::Role::kModerator)) {
              if (user || user.error().code == "user_not_found") {
                return base::NotFound("moderator_not_found", "No such moderator");
              }
              return tl::unexpected(user.error());
            }
            return {};
          },
          [&m](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "moderator_not_found"));
    auto body = TRY(ParseObject(ctx.req.body));
    const auto on_shift = TRY(OptBool(body, "on_shift"));
    const auto capacity = TRY(OptInt(body, "capacity"));
    if (capacity && (*capacity < 1 || *capacity > 100)) {
      return base::InvalidArgument("invalid_capacity", "capacity must be 1 to 100");
    }
    std::optional<int> cap;
    if (capacity) cap = static_cast<int>(*capacity);
    return Api::Json(200, ModeratorJson(m, TRY(m.queue().SetModerator(id, on_shift, cap, ctx.user().id))));
  });

  // --- sanctions, appeals, notifications (blocked users too) ---
  api.Add(net::Verb::get, "/api/v1/sanctions", Access::kSignedIn, [&m, &s](Context& ctx) -> Result<net::Response> {
    const auto now = s.clock.NowMs();
    json::array items;
    for (const auto& v : TRY(m.appeals().Sanctions(ctx.user()))) items.push_back(SanctionViewJson(v, now));
    return Api::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  });
  api.Add(net::Verb::post, "/api/v1/sanctions/{id}/appeal", Access::kSignedIn,
          [&m](Context& ctx) -> Result<void> {  // the sanctioned user only; anyone else: none
            const auto id = TRY(ctx.PathId("id", "sanction_not_found"));
            for (const auto& v : TRY(m.appeals().Sanctions(ctx.user()))) {
              if (v.sanction.id == id) return {};
            }
            return base::NotFound("sanction_not_found", "No such sanction");
          },
          [&m](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "sanction_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto text = TRY(OptString(body, "text")).value_or("");
            return Api::Json(201, AppealJson(TRY(m.appeals().FileAppeal(ctx.user(), id, text))));
          });
  api.Add(net::Verb::get, "/api/v1/rewards", Access::kUser, [&m](Context& ctx) -> Result<net::Response> {
    auto rows = TRY(m.appeals().Rewards(ctx.user()));
    json::array items;
    json::object totals;  // per currency
    for (const auto& r : rows) {
      items.push_back(RewardJson(r));
      auto& t = totals[r.currency];
      t = (t.is_int64() ? t.as_int64() : 0) + r.amount;
    }
    return Api::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"totals", std::move(totals)}});
  });
  api.Add(net::Verb::get, "/api/v1/notifications", Access::kSignedIn, [&m](Context& ctx) -> Result<net::Response> {
    const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 20, 100));
    const auto before = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
    auto rows = TRY(m.notifications().Notifications(ctx.user(), before, limit + 1));
    auto page = Page(rows, limit, NotificationJson, [](const store::Notification& n) { return IdString(n.id); });
    page["unread"] = TRY(m.notifications().UnreadNotifications(ctx.user()));
    return Api::Json(200, std::move(page));
  });
  api.Add(net::Verb::post, "/api/v1/notifications/read", Access::kSignedIn,
          [&m](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            const auto up_to = TRY(OptString(body, "up_to"));
            if (!up_to) return base::InvalidArgument("missing_field", "up_to (a notification id) is required");
            auto id = ParsePathId(*up_to, "invalid_id");
            if (!id) return base::InvalidArgument("invalid_id", "up_to must be a notification id");
            TRY(m.notifications().MarkNotificationsRead(ctx.user(), *id));
            net::Response res;
            res.status = 204;
            return res;
          });
}

}  // namespace vitrina::api
