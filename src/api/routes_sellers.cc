// The seller service level (docs/service-level.md): the seller's own page data, and the
// admins' verified flag the reliable-seller badge needs.
#include <cmath>

#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"

namespace vitrina::api {

namespace json = boost::json;
namespace sl = service_level;

namespace {

json::object ServiceLevelJson(const seller::SellerLevel& s, sl::Language language) {
  json::array parameters;
  for (const auto& p : s.level.parameters) {
    parameters.push_back(json::object{
        {"code", sl::ParameterCode(p.parameter)},
        {"score", p.score ? json::value(*p.score) : json::value(nullptr)},
        {"applicable", p.applicable()},
        {"weak", p.weak},
        {"sample", p.sample},
        {"events", p.events},
        {"recommendation",
         p.weak ? json::value(sl::Recommendation(p.parameter, language)) : json::value(nullptr)}});
  }
  json::array missing;
  for (const auto& m : s.badge.missing) missing.emplace_back(m);
  json::array duplicates;
  for (const auto& d : s.level.duplicates) {
    duplicates.push_back(json::object{{"listing_id", IdString(d.listing_id)},
                                      {"original_id", IdString(d.original_id)}});
  }
  return json::object{
      {"level", s.level.level ? json::value(*s.level.level) : json::value(nullptr)},
      {"zone", sl::ZoneName(s.level.zone)},
      {"weakest", s.level.weakest ? json::value(sl::ParameterCode(*s.level.weakest))
                                  : json::value(nullptr)},
      {"window", json::object{{"from", base::FormatRfc3339(s.level.window.from)},
                              {"to", base::FormatRfc3339(s.level.window.to)},
                              {"active_days", s.level.window.active_days}}},
      {"parameters", std::move(parameters)},
      {"duplicates", std::move(duplicates)},
      {"language", language == sl::Language::kRu ? "ru" : "en"},
      {"badge", json::object{{"reliable", s.badge.reliable},
                             {"missing", std::move(missing)},
                             {"rating", json::object{{"average", std::round(s.rating_average * 100) / 100},
                                                     {"count", s.rating_count}}},
                             {"verified", s.verified}}}};
}

}  // namespace

void AddSellerRoutes(Api& api) {
  auto& levels = api.services().service_levels;
  auto& accounts = api.services().accounts;

  // Recomputed on each visit (cheap: one seller's rows), which also keeps the history and
  // the badge cache current.
  api.Add(net::Verb::get, "/api/v1/me/service-level", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            auto level = TRY(levels.Recompute(ctx.user().id));
            const auto language = seller::LanguageFrom(ctx.req.Header("accept-language"));
            return Api::Json(200, ServiceLevelJson(level, language));
          });

  api.Add(net::Verb::put, "/api/v1/admin/users/{id}/verified", Access::kAdmin,
          [&](Context& ctx) -> Result<void> {
            TRY(accounts.GetUser(TRY(ctx.PathId("id", "user_not_found"))));
            return {};
          },
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "user_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto* v = body.if_contains("verified");
            if (!v || !v->is_bool()) {
              return base::InvalidArgument("invalid_verified", "Field 'verified' must be true or false");
            }
            auto user = TRY(levels.SetVerified(id, v->as_bool(), ctx.user().id));  // audited
            return Api::Json(200, UserJson(user));
          });
}

}  // namespace vitrina::api
