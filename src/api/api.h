#pragma once
// The HTTP API: the route table with each route's access rule, authentication (Bearer or
// cookie + CSRF), the blocked-account check, and the one place where an Error becomes an
// HTTP status. Also the WebSocket endpoint. Built once at start-up; Handle/UpgradeWs are
// then called concurrently from worker threads.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "accounts/account_service.h"
#include "api/live_hub.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "calls/call_service.h"
#include "chat/chat_service.h"
#include "listings/listing_service.h"
#include "net/http.h"
#include "net/router.h"
#include "net/static_files.h"
#include "insights/dashboard.h"
#include "insights/exports.h"
#include "seller/service_level_service.h"
#include "speech_analytics/analytics_service.h"
#include "store/store.h"
#include "moderation/moderation_service.h"
#include "supervision/quality_service.h"
#include "transcripts/transcript_service.h"

namespace vitrina::api {

using base::Result;

// Who may call a route. Checked before the handler runs.
enum class Access {
  kOpen,          // anyone; credentials are not even looked at (health checks, metrics)
  kPublic,        // anyone; a valid token is resolved (a blocked user gets 403), a bad one ignored
  kUser,          // any signed-in, not blocked user
  kSignedIn,      // any signed-in user, blocked too: what a blocked user needs to read the
                  // statement of reasons, appeal and sign out (docs/moderation.md)
  kModerator,
  kSupervisor,  // a moderator with the quality tools (docs/quality.md)
  kAnalyst,
  kAdmin,
};

struct ApiOptions {
  std::optional<std::filesystem::path> static_dir;  // built web UI (web/dist)
  bool cookie_secure = false;  // add `Secure` to cookies (set when served over HTTPS)
  // Behind a reverse proxy: take the client address from the last X-Forwarded-For entry
  // (the one our proxy appended) instead of the socket peer.
  bool trust_forwarded_for = false;
  // Extra WebSocket origins allowed besides the request's own Host (e.g. the public URL
  // when a proxy rewrites Host), as "https://example.com".
  std::vector<std::string> allowed_origins;
  std::string version = "0.0.0";
  // Shared secret the media server's event handler authenticates with (HTTP Basic).
  std::string media_events_secret;
  // Addresses besides loopback the media nodes post events from (each node's own address).
  std::vector<std::string> media_event_sources;
  // Extra CSP connect-src sources for the app shell (the media server's WebSocket).
  std::string extra_connect_src;
  // How long a refusal of a flood (429 rate_limited, 503 busy) is held before it is sent.
  std::chrono::milliseconds refusal_delay{1000};
};

struct Services {
  store::Store& store;
  const base::Clock& clock;
  base::Metrics& metrics;
  accounts::AccountService& accounts;
  listings::ListingService& listings;
  chat::ChatService& chat;
  calls::CallService& calls;
  transcripts::TranscriptService& transcripts;
  moderation::ModerationService& moderation;
  speech_analytics::AnalyticsService& analytics;
  speech_analytics::AnalystService& analyst;
  seller::ServiceLevelService& service_levels;
  insights::DashboardService& dashboard;
  insights::ExportService& exports;
  supervision::QualityService& quality;
  LiveHub& hub;
};

// What a handler sees of its request.
struct Context {
  net::Request& req;
  std::optional<accounts::Principal> principal;  // set for every Access but kPublic (maybe there)

  const store::User& user() const { return principal->user; }
  std::optional<store::Id> user_id() const {
    return principal ? std::optional<store::Id>(principal->user.id) : std::nullopt;
  }
  Result<store::Id> PathId(const std::string& name, std::string_view not_found_code) const;
};

using RouteFn = std::function<Result<net::Response>(Context&)>;
// Who may act on the object a route names (the call, the case, the sanction...). Runs after the
// route's Access and before the body is looked at, so a caller who may not act is refused the
// same way whatever they sent (404 or 403), and learns nothing from validation errors.
using GuardFn = std::function<Result<void>(Context&)>;

class Api {
 public:
  Api(Services services, ApiOptions options);

  net::Response Handle(net::Request& req);
  // Sign-in and registration: anonymous requests that may hash a password (the server runs
  // them in a lane of their own).
  static bool IsSignIn(const net::Request& req);
  std::variant<std::unique_ptr<net::WsHandler>, net::Response> UpgradeWs(net::Request& req);

  void Add(net::Verb method, std::string_view pattern, Access access, RouteFn fn);
  void Add(net::Verb method, std::string_view pattern, Access access, GuardFn guard, RouteFn fn);
  // Every registered (method, pattern), e.g. for checking the OpenAPI document.
  const std::vector<std::pair<net::Verb, std::string>>& routes() const { return routes_; }
  Services& services() { return services_; }
  const ApiOptions& options() const { return options_; }

  // Response helpers shared by the route files.
  static net::Response Json(unsigned status, const boost::json::value& body);
  static net::Response ErrorResponse(const base::Error& error);
  static unsigned StatusFor(base::ErrorKind kind);
  std::vector<std::pair<std::string, std::string>> SessionCookies(
      const accounts::IssuedSession& session) const;
  std::vector<std::pair<std::string, std::string>> ClearedCookies() const;

 private:
  struct Route {
    Access access;
    GuardFn guard;  // may be empty
    RouteFn fn;
  };
  Result<net::Response> Dispatch(net::Request& req, const Route& route);
  Result<std::optional<accounts::Principal>> Authenticate(net::Request& req, bool& via_cookie,
                                                          bool allow_blocked = false);
  void ResolveClientIp(net::Request& req) const;

  Services services_;
  ApiOptions options_;
  net::Router<Route> router_;
  std::vector<std::pair<net::Verb, std::string>> routes_;
  std::optional<net::StaticFiles> static_files_;
};

// Guards shared by route groups: the conversation's two users (404 for anyone else), the
// call's buyer or seller (403 not_participant; moderators are no party).
GuardFn ConversationMember(chat::ChatService& chat);
GuardFn CallParty(calls::CallService& calls);

// Route groups, one file each.
void AddOpsRoutes(Api& api);
void AddAccountRoutes(Api& api);
void AddListingRoutes(Api& api);
void AddChatRoutes(Api& api);
void AddCallRoutes(Api& api, const std::string& events_secret, const std::vector<std::string>& event_sources);
void AddJobRoutes(Api& api);
void AddTranscriptRoutes(Api& api);
void AddAuditRoutes(Api& api);
void AddQualityRoutes(Api& api);
void AddModerationRoutes(Api& api);
void AddAnalyticsRoutes(Api& api);
void AddSellerRoutes(Api& api);
void AddInsightsRoutes(Api& api);

}  // namespace vitrina::api
