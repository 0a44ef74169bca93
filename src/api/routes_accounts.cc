// Accounts: register, login, logout, me, admin user management.
#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

net::Response SessionResponse(Api& api, unsigned status, const accounts::IssuedSession& s) {
  auto res = Api::Json(status, json::object{{"token", s.token},
                                            {"csrf_token", s.csrf_token},
                                            {"expires_at", base::FormatRfc3339(s.expires_at)},
                                            {"user", UserJson(s.user)}});
  for (auto& [k, v] : api.SessionCookies(s)) res.SetHeader(k, v);
  return res;
}

// The user the path names exists (404 user_not_found), before the body is read.
GuardFn ExistingUser(accounts::AccountService& accounts) {
  return [&accounts](Context& ctx) -> Result<void> {
    TRY(accounts.GetUser(TRY(ctx.PathId("id", "user_not_found"))));
    return {};
  };
}

}  // namespace

void AddAccountRoutes(Api& api) {
  auto& accounts = api.services().accounts;

  api.Add(net::Verb::post, "/api/v1/auth/register", Access::kPublic,
          [&](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            accounts::Registration r;
            r.email = TRY(ReqString(body, "email"));
            r.password = TRY(ReqString(body, "password"));
            r.display_name = TRY(ReqString(body, "display_name"));
            if (auto tz = TRY(OptString(body, "timezone"))) r.timezone = *tz;
            auto issued = TRY(accounts.Register(r, ctx.req.remote_ip));
            return SessionResponse(api, 201, issued);
          });

  // Open, not public: signing in does not act as the caller, so whatever session the request
  // carries is not looked at. A blocked account's cookie would otherwise make login answer
  // 403 user_blocked, for that account and any other one signing in from the same browser
  // (docs/moderation.md lists login among what a blocked account may reach).
  api.Add(net::Verb::post, "/api/v1/auth/login", Access::kOpen,
          [&](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            const auto email = TRY(ReqString(body, "email"));
            const auto password = TRY(ReqString(body, "password"));
            auto issued = TRY(accounts.Login(email, password, ctx.req.remote_ip));
            return SessionResponse(api, 200, issued);
          });

  api.Add(net::Verb::post, "/api/v1/auth/logout", Access::kSignedIn,
          [&](Context& ctx) -> Result<net::Response> {
            TRY(accounts.EndSession(ctx.principal->session.token_hash));
            api.services().hub.CloseSession(ctx.principal->session.token_hash);
            net::Response res;
            res.status = 204;
            for (auto& [k, v] : api.ClearedCookies()) res.SetHeader(k, v);
            return res;
          });

  api.Add(net::Verb::get, "/api/v1/me", Access::kSignedIn, [](Context& ctx) -> Result<net::Response> {
    return Api::Json(200, UserJson(ctx.user()));
  });

  api.Add(net::Verb::patch, "/api/v1/me", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            auto name = TRY(OptString(body, "display_name"));
            auto tz = TRY(OptString(body, "timezone"));
            auto user = TRY(accounts.UpdateProfile(ctx.user().id, name, tz));
            return Api::Json(200, UserJson(user));
          });

  api.Add(net::Verb::get, "/api/v1/admin/users", Access::kAdmin,
          [&](Context& ctx) -> Result<net::Response> {
            const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
            auto before = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
            auto users = TRY(accounts.ListUsers(before, limit + 1));
            return Api::Json(200, Page(users, limit, UserJson,
                                       [](const store::User& u) { return IdString(u.id); }));
          });

  api.Add(net::Verb::put, "/api/v1/admin/users/{id}/skills", Access::kAdmin, ExistingUser(accounts),
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "user_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            auto names = TRY(StringArray(body, "skills"));
            auto user = TRY(accounts.SetSkills(id, names, ctx.user().id));  // audited in the same tx
            return Api::Json(200, UserJson(user));
          });

  api.Add(net::Verb::post, "/api/v1/admin/users/{id}/roles", Access::kAdmin, ExistingUser(accounts),
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "user_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            auto names = TRY(StringArray(body, "roles"));
            auto user = TRY(accounts.SetRoles(id, names, ctx.user().id));  // audited in the same tx
            return Api::Json(200, UserJson(user));
          });
}

}  // namespace vitrina::api
