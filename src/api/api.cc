#include "api/api.h"

#include <algorithm>
#include <atomic>
#include <chrono>

#include <boost/algorithm/string/predicate.hpp>

#include "api/json_io.h"
#include "base/log.h"
#include "base/random.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

constexpr const char* kSessionCookie = "vitrina_session";
constexpr const char* kCsrfCookie = "vitrina_csrf";

bool IsSafeMethod(net::Verb v) {
  return v == net::Verb::get || v == net::Verb::head || v == net::Verb::options;
}

bool CarriesBody(net::Verb v) {
  return v == net::Verb::post || v == net::Verb::put || v == net::Verb::patch || v == net::Verb::delete_;
}

// "application/json", any case, with or without parameters ("; charset=utf-8").
bool IsJson(std::string_view content_type) {
  const auto semi = content_type.find(';');
  std::string_view type = content_type.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return boost::iequals(type, "application/json");
}

// Every body the API takes is JSON. Refusing anything else closes the cross-site form
// (enctype text/plain, urlencoded, multipart), which a browser sends without a CORS
// preflight, e.g. to sign a victim into the attacker's account (login CSRF).
Result<void> CheckBodyType(const net::Request& req) {
  if (!CarriesBody(req.method)) return {};
  const auto type = req.Header("content-type");
  if (req.body.empty() && !type) return {};
  if (!type || !IsJson(*type)) {
    return base::Fail(base::ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
                      "Send the request body as application/json");
  }
  return {};
}

std::optional<accounts::Role> RequiredRole(Access access) {
  switch (access) {
    case Access::kModerator: return accounts::Role::kModerator;
    case Access::kSupervisor: return accounts::Role::kSupervisor;
    case Access::kAnalyst: return accounts::Role::kAnalyst;
    case Access::kAdmin: return accounts::Role::kAdmin;
    default: return std::nullopt;
  }
}

}  // namespace

Result<store::Id> Context::PathId(const std::string& name, std::string_view not_found_code) const {
  auto it = req.params.find(name);
  if (it == req.params.end()) return base::NotFound(std::string(not_found_code), "Not found");
  return ParsePathId(it->second, not_found_code);
}

Api::Api(Services services, ApiOptions options)
    : services_(services), options_(std::move(options)) {
  if (options_.static_dir) static_files_.emplace(*options_.static_dir, options_.extra_connect_src);
  auto& m = services_.metrics;
  m.Describe("vitrina_http_requests_total", "counter", "HTTP requests by route, method and status.");
  m.Describe("vitrina_http_request_duration_seconds", "histogram",
             "HTTP request latency by route, from handler start to response.");
  AddOpsRoutes(*this);
  AddAccountRoutes(*this);
  AddListingRoutes(*this);
  AddChatRoutes(*this);
  AddCallRoutes(*this, options_.media_events_secret, options_.media_event_sources);
  AddJobRoutes(*this);
  AddTranscriptRoutes(*this);
  AddAuditRoutes(*this);
  AddModerationRoutes(*this);
  AddAnalyticsRoutes(*this);
  AddSellerRoutes(*this);
  AddInsightsRoutes(*this);
  AddQualityRoutes(*this);
}

void Api::Add(net::Verb method, std::string_view pattern, Access access, RouteFn fn) {
  Add(method, pattern, access, GuardFn(), std::move(fn));
}

void Api::Add(net::Verb method, std::string_view pattern, Access access, GuardFn guard, RouteFn fn) {
  router_.Add(method, pattern, Route{access, std::move(guard), std::move(fn)});
  routes_.emplace_back(method, std::string(pattern));
}

unsigned Api::StatusFor(base::ErrorKind kind) {
  switch (kind) {
    case base::ErrorKind::kInvalidArgument: return 400;
    case base::ErrorKind::kUnauthenticated: return 401;
    case base::ErrorKind::kPermissionDenied: return 403;
    case base::ErrorKind::kNotFound: return 404;
    case base::ErrorKind::kConflict: return 409;
    case base::ErrorKind::kTooLarge: return 413;
    case base::ErrorKind::kUnsupportedMediaType: return 415;
    case base::ErrorKind::kRateLimited: return 429;
    case base::ErrorKind::kUnavailable: return 503;
    case base::ErrorKind::kInternal: return 500;
  }
  return 500;
}

net::Response Api::Json(unsigned status, const json::value& body) {
  net::Response res;
  res.status = status;
  res.body = json::serialize(body);
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

net::Response Api::ErrorResponse(const base::Error& error) {
  const unsigned status = StatusFor(error.kind);
  // Internal details stay in the log; the client gets a generic message.
  const std::string message = status == 500 ? "Internal error" : error.message;
  auto res = Json(status, json::object{{"error", json::object{{"code", error.code},
                                                              {"message", message}}}});
  if (status == 401) res.SetHeader("WWW-Authenticate", "Bearer");
  if (error.retry_after_s > 0) res.SetHeader("Retry-After", std::to_string(error.retry_after_s));
  return res;
}

std::vector<std::pair<std::string, std::string>> Api::SessionCookies(
    const accounts::IssuedSession& s) const {
  const auto max_age = std::max<base::TimeMs>(0, (s.expires_at - services_.clock.NowMs()) / 1000);
  // Strict: no cross-site request carries the session, top-level navigations included (the
  // app shell needs no session to load; its own requests are same-site).
  const std::string attrs = "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
                            (options_.cookie_secure ? "; Secure" : "");
  return {{"Set-Cookie", std::string(kSessionCookie) + "=" + s.token + attrs + "; HttpOnly"},
          {"Set-Cookie", std::string(kCsrfCookie) + "=" + s.csrf_token + attrs}};
}

std::vector<std::pair<std::string, std::string>> Api::ClearedCookies() const {
  const std::string attrs = "=; Path=/; SameSite=Strict; Max-Age=0";
  return {{"Set-Cookie", std::string(kSessionCookie) + attrs + "; HttpOnly"},
          {"Set-Cookie", std::string(kCsrfCookie) + attrs}};
}

Result<std::optional<accounts::Principal>> Api::Authenticate(net::Request& req, bool& via_cookie,
                                                             bool allow_blocked) {
  std::optional<std::string> token;
  if (auto auth = req.Header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() <= kBearer.size() || !auth->starts_with(kBearer)) {
      return base::Unauthenticated("invalid_token", "Authorization must be 'Bearer <token>'");
    }
    token = std::string(auth->substr(kBearer.size()));
  } else if (auto cookie = req.Cookie(kSessionCookie); cookie && !cookie->empty()) {
    token = std::move(cookie);
    via_cookie = true;
  }
  if (!token) return std::optional<accounts::Principal>();
  auto principal = TRY(services_.accounts.Authenticate(*token, allow_blocked));
  return std::optional<accounts::Principal>(std::move(principal));
}

Result<net::Response> Api::Dispatch(net::Request& req, const Route& route) {
  Context ctx{req, std::nullopt};
  if (route.access == Access::kOpen) {
    TRY(CheckBodyType(req));
    return route.fn(ctx);
  }
  bool via_cookie = false;
  auto principal = Authenticate(req, via_cookie, route.access == Access::kSignedIn);
  if (!principal) {
    // On public routes a stale or bad token is ignored (the caller is simply anonymous);
    // a blocked account is still refused.
    const bool ignorable = route.access == Access::kPublic &&
                           principal.error().kind == base::ErrorKind::kUnauthenticated;
    if (!ignorable) return tl::unexpected(principal.error());
  } else {
    ctx.principal = std::move(*principal);
  }
  if (route.access != Access::kPublic) {
    if (!ctx.principal) {
      return base::Unauthenticated("unauthenticated", "Sign in to do this");
    }
    if (auto role = RequiredRole(route.access); role && !accounts::HasRole(ctx.user(), *role)) {
      return base::PermissionDenied("forbidden", "Your role does not allow this");
    }
    // Cookie-authenticated writes must prove they come from our own page (synchronizer
    // token). Public writes (login, register) do not act as the caller.
    if (via_cookie && !IsSafeMethod(req.method)) {
      auto header = req.Header("x-csrf-token");
      if (!header || !base::ConstantTimeEquals(*header, ctx.principal->session.csrf_token)) {
        return base::PermissionDenied("csrf_failed", "Missing or wrong X-CSRF-Token header");
      }
    }
  }
  // A cookie that rode along on a request another site started (a link, a form, an image) acts
  // for no one: the session cookie is SameSite=Strict, and a browser that says the request is
  // cross-site is refused even where it sent the cookie. Reads matter too: some are audited
  // (a moderator's search, a recording), and a link must not write the log in their name.
  if (via_cookie && req.Header("sec-fetch-site") == std::optional<std::string_view>("cross-site")) {
    return base::PermissionDenied("cross_site", "This request came from another site");
  }
  if (route.guard) TRY(route.guard(ctx));
  TRY(CheckBodyType(req));
  return route.fn(ctx);
}

namespace {
// The caller's X-Request-Id if it is short and plain, else a fresh one: it ties the access
// log line, the response and the client's own logs together.
std::string RequestId(const net::Request& req) {
  if (auto given = req.Header("x-request-id"); given && !given->empty() && given->size() <= 64 &&
      given->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
          std::string_view::npos) {
    return std::string(*given);
  }
  // A per-process random prefix and a counter: unique, and no syscall per request.
  static const std::string prefix = base::RandomToken(6);
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}
}  // namespace

bool Api::IsSignIn(const net::Request& req) {
  return req.method == net::Verb::post && (req.path == "/api/v1/auth/login" || req.path == "/api/v1/auth/register");
}

net::Response Api::Handle(net::Request& req) {
  const auto start = std::chrono::steady_clock::now();
  ResolveClientIp(req);
  const std::string request_id = RequestId(req);
  net::Response res;
  std::string route_label;
  auto match = router_.Find(req.method, req.path);
  if (match.value != nullptr) {
    route_label = match.pattern;
    req.params = std::move(match.params);
    req.route = match.pattern;
    auto result = Dispatch(req, *match.value);
    if (result) {
      res = std::move(*result);
    } else {
      if (result.error().kind == base::ErrorKind::kInternal) {
        base::log::Error("request_failed", {{"route", route_label}, {"error", result.error().message}});
      }
      res = ErrorResponse(result.error());
      // A client that waits for its answer floods at most once a second per connection: every
      // refusal of a flood, and every failed sign-in or registration (the classic login
      // throttle: a person retries after reading the message, a script at once).
      if (result.error().kind == base::ErrorKind::kRateLimited ||
          (result.error().kind == base::ErrorKind::kUnavailable && result.error().code == "busy") ||
          IsSignIn(req)) {
        res.delay = options_.refusal_delay;
      }
    }
  } else if (match.path_known) {
    route_label = match.pattern;
    res = Json(405, json::object{{"error", json::object{{"code", "method_not_allowed"},
                                                        {"message", "Method not allowed here"}}}});
    std::string allow;
    for (auto verb : match.allowed) {
      if (!allow.empty()) allow += ", ";
      allow += std::string(boost::beast::http::to_string(verb));
    }
    res.SetHeader("Allow", allow);
  } else if (auto file = static_files_ ? static_files_->Serve(req) : std::nullopt) {
    route_label = "static";
    res = std::move(*file);
  } else {
    route_label = "unmatched";
    res = ErrorResponse({base::ErrorKind::kNotFound, "not_found", "No such endpoint or page"});
  }
  res.SetHeader("X-Request-Id", request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string method(boost::beast::http::to_string(req.method));
  auto& m = services_.metrics;
  m.Add("vitrina_http_requests_total",
        {{"route", route_label}, {"method", method}, {"status", std::to_string(res.status)}});
  m.Observe("vitrina_http_request_duration_seconds", {{"route", route_label}}, seconds);
  if (route_label != "static") {
    base::log::Info("http_request", {{"method", method},
                                     {"route", route_label},
                                     {"status", res.status},
                                     {"us", static_cast<std::int64_t>(seconds * 1e6)},
                                     {"ip", req.remote_ip},
                                     {"request_id", request_id}});
  }
  return res;
}

void Api::ResolveClientIp(net::Request& req) const {
  if (!options_.trust_forwarded_for) return;
  // The hop our proxy appended is the last entry of the last X-Forwarded-For line: a client can
  // send lines of its own, and a proxy may append a line rather than extend the first.
  std::optional<std::string_view> xff;
  for (const auto& [name, value] : req.headers) {
    if (name == "x-forwarded-for") xff = value;
  }
  if (!xff) return;
  std::string_view last = *xff;
  if (auto comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  if (!last.empty() && last.size() <= 64) req.remote_ip = std::string(last);
}

std::variant<std::unique_ptr<net::WsHandler>, net::Response> Api::UpgradeWs(net::Request& req) {
  ResolveClientIp(req);
  // Refuse cross-site pages (cookies would otherwise ride along: CSWSH).
  if (auto origin = req.Header("origin")) {
    auto host = req.Header("host");
    const std::string o(*origin);
    const auto scheme_end = o.find("://");
    const bool same_host =
        host && scheme_end != std::string::npos && o.substr(scheme_end + 3) == *host;
    const bool listed = std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(),
                                  o) != options_.allowed_origins.end();
    if (!same_host && !listed) {
      return ErrorResponse({base::ErrorKind::kPermissionDenied, "bad_origin",
                            "WebSocket origin does not match this site"});
    }
  }
  bool via_cookie = false;
  auto principal = Authenticate(req, via_cookie);
  if (!principal) return ErrorResponse(principal.error());
  if (!*principal) {
    return ErrorResponse({base::ErrorKind::kUnauthenticated, "unauthenticated", "Sign in first"});
  }
  return services_.hub.MakeHandler((*principal)->user.id, (*principal)->session.token_hash,
                                   (*principal)->session.expires_at);
}

}  // namespace vitrina::api
