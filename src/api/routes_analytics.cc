// Speech analytics (docs/analytics.md): a call's analytics, the analysts' explorer, the
// dishonest-user ranking (and moderators' cases opened from it), the admins' phrase rules and
// backfill, the preview of a text, and moderators' verdicts on flags.
#include "accounts/roles.h"
#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"
#include "speech_analytics/analytics_service.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

json::object RuleJson(const store::AnalyticsRule& r) {
  return {{"id", IdString(r.id)},
          {"category", r.category},
          {"language", r.language},
          {"speaker", r.speaker},
          {"expression", r.expression},
          {"severity", r.severity},
          {"action", r.action},
          {"enabled", r.enabled},
          {"live", r.live},
          {"builtin", r.builtin},
          {"precision", json::object{{"correct", r.correct},
                                     {"wrong", r.wrong},
                                     {"value", r.correct + r.wrong > 0
                                                   ? json::value(static_cast<double>(r.correct) /
                                                                 static_cast<double>(r.correct + r.wrong))
                                                   : json::value(nullptr)}}},
          // The warned parties' own feedback on live warnings (docs/live.md).
          {"live_feedback", json::object{{"warnings", r.live_warnings}, {"not_scam", r.live_not_scam}}},
          {"created_at", base::FormatRfc3339(r.created_at)},
          {"updated_at", base::FormatRfc3339(r.updated_at)}};
}

Result<speech_analytics::RuleInput> ParseRule(const json::object& body) {
  speech_analytics::RuleInput in;
  // Wrong types are bad rules too (one code for everything wrong with a rule).
  auto text = [&](std::string_view key) -> Result<std::optional<std::string>> {
    auto v = OptString(body, key);
    if (!v) return base::InvalidArgument("bad_rule", std::string(key) + " must be a string");
    return *v;
  };
  auto flag = [&](std::string_view key) -> Result<std::optional<bool>> {
    auto v = OptBool(body, key);
    if (!v) return base::InvalidArgument("bad_rule", std::string(key) + " must be true or false");
    return *v;
  };
  in.category = TRY(text("category"));
  in.language = TRY(text("language"));
  in.speaker = TRY(text("speaker"));
  in.expression = TRY(text("expression"));
  in.severity = TRY(text("severity"));
  in.action = TRY(text("action"));
  in.enabled = TRY(flag("enabled"));
  in.live = TRY(flag("live"));
  return in;
}

// A time given as RFC 3339 or epoch milliseconds.
Result<std::optional<base::TimeMs>> TimeField(const json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (!v || v->is_null()) return std::optional<base::TimeMs>();
  if (v->is_int64()) return std::optional<base::TimeMs>(v->as_int64());
  if (v->is_string()) {
    if (auto t = base::ParseRfc3339(v->as_string())) return std::optional<base::TimeMs>(*t);
  }
  return base::InvalidArgument("invalid_range", std::string(key) + " must be an RFC 3339 time or epoch milliseconds");
}

GuardFn Roles(std::initializer_list<accounts::Role> roles) {
  std::vector<accounts::Role> allowed(roles);
  return [allowed](Context& ctx) -> Result<void> {
    for (auto r : allowed) {
      if (accounts::HasRole(ctx.user(), r)) return {};
    }
    return base::PermissionDenied("forbidden", "Your role does not allow this");
  };
}

}  // namespace

void AddAnalyticsRoutes(Api& api) {
  auto& s = api.services();
  auto& a = s.analytics;
  using accounts::Role;

  api.Add(net::Verb::get, "/api/v1/calls/{id}/analytics", Access::kUser, Roles({Role::kModerator, Role::kAnalyst}),
          [&a](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            return Api::Json(200, TRY(a.CallAnalytics(ctx.user(), id)));
          });

  // --- the analysts' call explorer ---
  api.Add(net::Verb::get, "/api/v1/analytics/calls", Access::kAnalyst, [&s](Context& ctx) -> Result<net::Response> {
    speech_analytics::CallListParams p;
    p.from = TRY(QueryTime(ctx.req.Query("from"), "from"));
    p.to = TRY(QueryTime(ctx.req.Query("to"), "to"));
    p.vertical = ctx.req.Query("vertical");
    p.category = ctx.req.Query("category");
    p.cursor = ctx.req.Query("cursor");
    p.limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
    return Api::Json(200, TRY(s.analyst.Calls(ctx.user(), p)));
  });

  // --- the dishonest-user ranking: users for moderators, pseudonyms for analysts ---
  api.Add(net::Verb::get, "/api/v1/analytics/dishonest", Access::kUser, Roles({Role::kModerator, Role::kAnalyst}),
          [&s](Context& ctx) -> Result<net::Response> {
            const auto limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
            return Api::Json(200, TRY(s.analyst.Dishonest(ctx.user(), ctx.req.Query("cursor"), limit)));
          });
  // A moderator opens (or joins) the user's case from their row: a `detection` item in it.
  api.Add(net::Verb::post, "/api/v1/analytics/dishonest/{user_id}/case", Access::kModerator,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("user_id", "user_not_found"));
            const auto out = TRY(s.analyst.OpenCase(ctx.user(), id));
            return Api::Json(out.created ? 201 : 200,
                             json::object{{"case_id", IdString(out.c.id)},
                                          {"created", out.created},
                                          {"case_opened", out.case_opened},
                                          {"case_status", out.c.status},
                                          {"priority", out.c.priority},
                                          {"item", DetectionItemJson(out.item)}});
          });

  api.Add(net::Verb::get, "/api/v1/admin/rules", Access::kAdmin, [&a](Context&) -> Result<net::Response> {
    json::array items;
    for (const auto& r : TRY(a.Rules())) items.push_back(RuleJson(r));
    return Api::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  });
  api.Add(net::Verb::post, "/api/v1/admin/rules", Access::kAdmin, [&a](Context& ctx) -> Result<net::Response> {
    auto in = TRY(ParseRule(TRY(ParseObject(ctx.req.body))));
    return Api::Json(201, RuleJson(TRY(a.CreateRule(ctx.user(), in))));
  });
  api.Add(net::Verb::patch, "/api/v1/admin/rules/{id}", Access::kAdmin,
          [&a](Context& ctx) -> Result<void> { return a.CheckRuleExists(TRY(ctx.PathId("id", "rule_not_found"))); },
          [&a](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "rule_not_found"));
    auto in = TRY(ParseRule(TRY(ParseObject(ctx.req.body))));
    return Api::Json(200, RuleJson(TRY(a.UpdateRule(ctx.user(), id, in))));
  });
  api.Add(net::Verb::post, "/api/v1/admin/analytics/backfill", Access::kAdmin,
          [&a, &s](Context& ctx) -> Result<net::Response> {
            const auto body = TRY(ParseObject(ctx.req.body));
            const auto from = TRY(TimeField(body, "from")).value_or(0);
            const auto to = TRY(TimeField(body, "to")).value_or(s.clock.NowMs());
            const auto job = TRY(a.StartBackfill(ctx.user(), from, to));
            return Api::Json(202, json::object{{"job_id", IdString(job)}});
          });

  api.Add(net::Verb::post, "/api/v1/analytics/preview", Access::kUser, Roles({Role::kAdmin, Role::kAnalyst}),
          [&a](Context& ctx) -> Result<net::Response> {
            const auto body = TRY(ParseObject(ctx.req.body));
            const auto text = TRY(ReqString(body, "text"));
            const auto language = TRY(OptString(body, "language")).value_or("ru");
            const auto p = TRY(a.PreviewText(text, language));
            json::array hits;
            for (const auto& h : p.hits) {
              hits.push_back(json::object{{"rule_id", IdString(h.rule_id)},
                                          {"category", h.category},
                                          {"severity", h.severity},
                                          {"start", h.start},
                                          {"end", h.end}});
            }
            return Api::Json(200, json::object{{"tone", json::object{{"label", analytics::ToneName(p.tone.label)},
                                                                     {"score", p.tone.score}}},
                                               {"hits", std::move(hits)},
                                               {"masked", p.masked}});
          });

  api.Add(net::Verb::post, "/api/v1/flags/{id}/review", Access::kModerator,
          [&a](Context& ctx) -> Result<void> {
            return a.CheckMayReview(ctx.user(), TRY(ctx.PathId("id", "flag_not_found")));
          },
          [&a](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "flag_not_found"));
    const auto body = TRY(ParseObject(ctx.req.body));
    const auto verdict = TRY(OptString(body, "verdict")).value_or("");
    return Api::Json(200, FlagJson(TRY(a.ReviewFlag(ctx.user(), id, verdict))));
  });
}

}  // namespace vitrina::api
