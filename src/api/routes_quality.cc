// Moderation quality (docs/quality.md, API.md "Moderation quality"): supervisors' honeypots,
// moderators' figures and deviations, deviation tasks.

#include <boost/json.hpp>

#include "api/api.h"
#include "api/json_io.h"
#include "accounts/roles.h"
#include "base/time_format.h"
#include "supervision/quality_service.h"

namespace vitrina::api {

namespace json = boost::json;
using base::Result;

namespace {

constexpr store::TimeMs kDayMs = 24 * 3600'000LL;

json::value OptDouble(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object HoneypotJson(const store::Honeypot& h) {
  json::array acceptable;
  for (const auto& a : h.acceptable) acceptable.emplace_back(a);
  return {{"id", IdString(h.id)},
          {"source", h.source},
          {"category", h.category},
          {"vertical", h.vertical},
          {"language", h.language},
          {"expected", json::object{{"action", h.expected_action}, {"acceptable", std::move(acceptable)}}},
          {"active", h.active},
          {"content", ParsedOr(h.content)},
          {"served", h.served},
          {"decided", h.decided},
          {"correct", h.correct},
          {"created_by", IdString(h.created_by)},
          {"created_at", base::FormatRfc3339(h.created_at)}};
}

json::object TaskJson(const store::QualityTask& t) {
  return {{"id", IdString(t.id)},
          {"moderator_id", IdString(t.moderator_id)},
          {"period", t.period},
          {"period_key", t.period_key},
          {"metric", t.metric},
          {"value", t.value},
          {"peer_median", t.peer_median},
          {"z", t.z},
          {"explanation", t.explanation},
          {"status", t.status},
          {"result", t.result ? json::value(*t.result) : json::value(nullptr)},
          {"note", t.note ? json::value(*t.note) : json::value(nullptr)},
          {"opened_at", base::FormatRfc3339(t.opened_at)},
          {"acknowledged_by", t.acknowledged_by ? json::value(IdString(*t.acknowledged_by)) : json::value(nullptr)},
          {"acknowledged_at", OptTime(t.acknowledged_at)},
          {"closed_by", t.closed_by ? json::value(IdString(*t.closed_by)) : json::value(nullptr)},
          {"closed_at", OptTime(t.closed_at)}};
}

json::object ModeratorQualityJson(const supervision::ModeratorQuality& m) {
  const auto& f = m.figures;
  json::array skills, deviations;
  for (const auto& s : m.skills) skills.emplace_back(s);
  for (const auto& d : m.deviations) {
    deviations.push_back({{"metric", d.metric},
                          {"value", d.value},
                          {"peer_median", d.peer_median},
                          {"z", d.z},
                          {"explanation", d.explanation}});
  }
  json::object mix;
  for (const auto& [category, actions] : f.decisions) {
    json::object a;
    for (const auto& [action, n] : actions) a[action] = n;
    mix[category] = std::move(a);
  }
  return {{"moderator", json::object{{"id", IdString(m.moderator_id)}, {"display_name", m.name}}},
          {"moderator_id", IdString(m.moderator_id)},
          {"skills", std::move(skills)},
          {"decided", f.decided},
          {"handling_time_p50_s", OptDouble(f.handling_time_p50_s)},
          {"decisions", std::move(mix)},
          {"honeypot", json::object{{"n", f.honeypot_n},
                                    {"correct", f.honeypot_correct},
                                    {"accuracy", OptDouble(m.honeypot_accuracy)},
                                    {"ci95", json::array{m.honeypot_ci95.low, m.honeypot_ci95.high}}}},
          {"agreement_kappa", OptDouble(f.agreement_kappa)},
          {"appealed", f.appealed},
          {"overturned_on_appeal", OptDouble(m.overturned_on_appeal)},
          {"sla_breaches", f.sla_breaches},
          {"deviations", std::move(deviations)}};
}

json::object AgreementJson(const supervision::Agreement& g) {
  return {{"key", g.key}, {"n", g.n}, {"agreed", g.agreed}, {"kappa", OptDouble(g.kappa)}};
}

json::object ReporterJson(const supervision::ReporterView& v) {
  const auto& r = v.record;
  return {{"user_id", IdString(r.user_id)},
          {"display_name", v.display_name},
          {"upheld", r.upheld},
          {"dismissed", r.dismissed},
          {"credibility", v.credibility},
          {"muted", v.muted},
          {"muted_until", OptTime(r.muted_until)},
          {"mute_reason", r.mute_reason ? json::value(*r.mute_reason) : json::value(nullptr)}};
}

json::object ThemesJson(const supervision::ThemesReport& t) {
  json::array items;
  int n = 0;
  for (const auto& theme : t.themes) {
    json::array terms, examples;
    for (const auto& w : theme.label_terms) terms.emplace_back(w);
    for (const auto& e : theme.examples) examples.emplace_back(e);
    items.push_back({{"id", theme.language + "-" + std::to_string(++n)},
                     {"language", theme.language},
                     {"label_terms", std::move(terms)},
                     {"size", theme.size},
                     {"previous_size", theme.previous_size},
                     {"growth", theme.growth},
                     {"examples", std::move(examples)}});
  }
  return {{"items", std::move(items)},
          {"source", t.source},
          {"from", base::FormatRfc3339(t.from)},
          {"to", base::FormatRfc3339(t.to)},
          {"texts", t.texts},
          {"truncated", t.truncated},
          {"computed_at", base::FormatRfc3339(t.computed_at)}};
}

GuardFn AnalystOrSupervisor() {
  return [](Context& ctx) -> Result<void> {
    const auto& u = ctx.user();
    if (accounts::HasRole(u, accounts::Role::kAnalyst) || accounts::HasRole(u, accounts::Role::kSupervisor)) return {};
    return base::PermissionDenied("forbidden", "Analysts and supervisors only");
  };
}

}  // namespace

void AddQualityRoutes(Api& api) {
  auto& q = api.services().quality;
  auto& clock = api.services().clock;
  auto& accounts = api.services().accounts;
  // Who may act, and on what, before what they sent is read.
  const GuardFn task_exists = [&q](Context& ctx) -> Result<void> {
    return q.TaskExists(TRY(ctx.PathId("id", "task_not_found")));
  };
  const GuardFn existing_user = [&accounts](Context& ctx) -> Result<void> {
    TRY(accounts.GetUser(TRY(ctx.PathId("id", "user_not_found"))));
    return {};
  };

  api.Add(net::Verb::post, "/api/v1/quality/honeypots", Access::kSupervisor,
          [&q](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            supervision::HoneypotInput in;
            if (const auto* id = body.if_contains("from_case_id"); id && !id->is_null()) {
              if (!id->is_string() && !id->is_int64()) {
                return base::InvalidArgument("invalid_honeypot", "from_case_id must be a case id");
              }
              auto parsed = ParsePathId(id->is_string() ? std::string(id->as_string()) : std::to_string(id->as_int64()),
                                        "case_not_found");
              in.from_case_id = TRY(parsed);
            }
            if (const auto* s = body.if_contains("synthetic"); s && !s->is_null()) {
              if (!s->is_object()) return base::InvalidArgument("invalid_honeypot", "synthetic must be an object");
              in.synthetic_json = json::serialize(*s);
            }
            const auto* expected = body.if_contains("expected");
            if (!expected || !expected->is_object()) {
              return base::InvalidArgument("invalid_expected", "expected: {action, acceptable?} is required");
            }
            in.expected_action = TRY(OptString(expected->as_object(), "action")).value_or("");
            if (expected->as_object().contains("acceptable")) {
              in.acceptable = TRY(StringArray(expected->as_object(), "acceptable"));
            }
            return Api::Json(201, HoneypotJson(TRY(q.CreateHoneypot(ctx.user(), in))));
          });

  api.Add(net::Verb::get, "/api/v1/quality/honeypots", Access::kSupervisor, [&q](Context&) -> Result<net::Response> {
    json::array items;
    for (const auto& h : TRY(q.Honeypots())) items.push_back(HoneypotJson(h));
    return Api::Json(200, json::object{{"items", std::move(items)}});
  });

  api.Add(net::Verb::get, "/api/v1/quality/moderators", Access::kSupervisor,
          [&q, &clock](Context& ctx) -> Result<net::Response> {
            const auto to = TRY(QueryTime(ctx.req.Query("to"), "to", /*day_end=*/true)).value_or(clock.NowMs());
            const auto from = TRY(QueryTime(ctx.req.Query("from"), "from")).value_or(to - 30 * kDayMs);
            auto report = TRY(q.Moderators(from, to));
            json::array items;
            for (const auto& m : report.moderators) items.push_back(ModeratorQualityJson(m));
            return Api::Json(200, json::object{{"items", std::move(items)},
                                               {"from", base::FormatRfc3339(report.from)},
                                               {"to", base::FormatRfc3339(report.to)},
                                               {"period", report.period},
                                               {"tasks_opened", report.tasks_opened}});
          });

  // --- double review: the supervisor's side ---
  api.Add(net::Verb::get, "/api/v1/quality/reviews", Access::kSupervisor, [&q](Context& ctx) -> Result<net::Response> {
    const auto limit = TRY(ParseLimit(ctx.req.Query("limit"), 100, 500));
    std::optional<std::string> status = ctx.req.Query("status");
    if (status && status->empty()) status.reset();
    json::array items;
    for (const auto& r : TRY(q.Reviews(status, limit))) items.push_back(DoubleReviewJson(r, true));
    return Api::Json(200, json::object{{"items", std::move(items)}});
  });
  api.Add(net::Verb::post, "/api/v1/quality/reviews/{id}/verdict", Access::kSupervisor,
          [&q](Context& ctx) -> Result<void> { return q.ReviewExists(TRY(ctx.PathId("id", "review_not_found"))); },
          [&q](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "review_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto action = TRY(OptString(body, "action")).value_or("");
            const auto reason = TRY(OptString(body, "reason")).value_or("");
            return Api::Json(200, DoubleReviewJson(TRY(q.Verdict(ctx.user(), id, action, reason)), true));
          });
  api.Add(net::Verb::get, "/api/v1/quality/agreement", Access::kSupervisor,
          [&q, &clock](Context& ctx) -> Result<net::Response> {
            const auto to = TRY(QueryTime(ctx.req.Query("to"), "to", /*day_end=*/true)).value_or(clock.NowMs());
            const auto from = TRY(QueryTime(ctx.req.Query("from"), "from")).value_or(to - 30 * kDayMs);
            auto report = TRY(q.Agreement(from, to));
            json::array pairs, categories;
            for (const auto& g : report.pairs) pairs.push_back(AgreementJson(g));
            for (const auto& g : report.categories) categories.push_back(AgreementJson(g));
            return Api::Json(200, json::object{{"overall", AgreementJson(report.overall)},
                                               {"pairs", std::move(pairs)},
                                               {"categories", std::move(categories)}});
          });

  // --- reporter credibility ---
  api.Add(net::Verb::get, "/api/v1/quality/reporters", Access::kSupervisor,
          [&q](Context& ctx) -> Result<net::Response> {
            const auto limit = TRY(ParseLimit(ctx.req.Query("limit"), 100, 500));
            json::array items;
            for (const auto& r : TRY(q.Reporters(limit))) items.push_back(ReporterJson(r));
            return Api::Json(200, json::object{{"items", std::move(items)}});
          });
  api.Add(net::Verb::post, "/api/v1/quality/reporters/{id}/mute", Access::kSupervisor, existing_user,
          [&q, &clock](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "user_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            std::optional<store::TimeMs> until;
            if (const auto* days = body.if_contains("days"); days && !days->is_null()) {
              if (!days->is_int64() || days->as_int64() < 1 || days->as_int64() > 3650) {
                return base::InvalidArgument("invalid_until", "days must be 1 to 3650");
              }
              until = clock.NowMs() + days->as_int64() * kDayMs;
            } else {
              until = TRY(QueryTime(TRY(OptString(body, "until")), "until"));
            }
            if (!until) return base::InvalidArgument("invalid_until", "Give days or until");
            const auto reason = TRY(OptString(body, "reason")).value_or("");
            return Api::Json(200, ReporterJson(TRY(q.MuteReporter(ctx.user(), id, until, reason))));
          });
  api.Add(net::Verb::delete_, "/api/v1/quality/reporters/{id}/mute", Access::kSupervisor, existing_user,
          [&q](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "user_not_found"));
            return Api::Json(200, ReporterJson(TRY(q.MuteReporter(ctx.user(), id, std::nullopt, ""))));
          });

  // --- complaint themes (analysts and supervisors; texts masked) ---
  api.Add(net::Verb::get, "/api/v1/quality/themes", Access::kUser, AnalystOrSupervisor(),
          [&q, &clock](Context& ctx) -> Result<net::Response> {
            const auto source = ctx.req.Query("source").value_or("complaints");
            const auto to = TRY(QueryTime(ctx.req.Query("to"), "to", /*day_end=*/true))
                                .value_or(clock.NowMs() / kDayMs * kDayMs + kDayMs);
            const auto from = TRY(QueryTime(ctx.req.Query("from"), "from")).value_or(to - 30 * kDayMs);
            return Api::Json(200, ThemesJson(TRY(q.Themes(source, from, to))));
          });

  api.Add(net::Verb::get, "/api/v1/quality/tasks", Access::kSupervisor, [&q](Context& ctx) -> Result<net::Response> {
    const auto limit = TRY(ParseLimit(ctx.req.Query("limit"), 100, 500));
    std::optional<std::string> status = ctx.req.Query("status");
    if (status && status->empty()) status.reset();
    json::array items;
    for (const auto& t : TRY(q.Tasks(status, limit))) items.push_back(TaskJson(t));
    return Api::Json(200, json::object{{"items", std::move(items)}});
  });

  api.Add(net::Verb::post, "/api/v1/quality/tasks/{id}/acknowledge", Access::kSupervisor, task_exists,
          [&q](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "task_not_found"));
            std::optional<std::string> note;
            if (!ctx.req.body.empty()) note = TRY(OptString(TRY(ParseObject(ctx.req.body)), "note"));
            return Api::Json(200, TaskJson(TRY(q.AcknowledgeTask(ctx.user(), id, note))));
          });

  api.Add(net::Verb::post, "/api/v1/quality/tasks/{id}/close", Access::kSupervisor, task_exists,
          [&q](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "task_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto result = TRY(OptString(body, "result")).value_or("");
            const auto note = TRY(OptString(body, "note"));
            return Api::Json(200, TaskJson(TRY(q.CloseTask(ctx.user(), id, result, note))));
          });
}

}  // namespace vitrina::api
