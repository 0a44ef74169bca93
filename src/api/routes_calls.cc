// Video calls (docs/calls.md) and the media server's event endpoint.

#include "accounts/roles.h"
#include "api/api.h"
#include "api/json_io.h"
#include "base/log.h"
#include "base/random.h"
#include "base/time_format.h"
#include "media/janus_events.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

bool IsModerator(const store::User& user) {
  return accounts::HasRole(user, accounts::Role::kModerator);
}

json::object CallView(calls::CallService& calls, const store::User& viewer, const store::Call& call) {
  if (!IsModerator(viewer)) return CallJson(call);
  // Staff view (files, the recording error's detail) even when the file list cannot be read.
  auto files = calls.Files(call.id).value_or(std::vector<store::RecordingFile>{});
  return CallJson(call, &files);
}

bool IsLoopback(const std::string& ip) {
  return ip.starts_with("127.") || ip == "::1" || ip.starts_with("::ffff:127.");
}

}  // namespace

static json::object RatingJson(const store::CallRating& r) {
  return {{"call_id", IdString(r.call_id)},
          {"stars", r.stars},
          {"comment", r.comment ? json::value(*r.comment) : json::value(nullptr)},
          {"created_at", base::FormatRfc3339(r.created_at)}};
}

GuardFn CallParty(calls::CallService& calls) {
  return [&calls](Context& ctx) -> Result<void> {
    const auto id = TRY(ctx.PathId("id", "call_not_found"));
    TRY(calls.AsParty(ctx.user(), id));  // 404 unknown, 403 not_participant
    return {};
  };
}

void AddCallRoutes(Api& api, const std::string& events_secret, const std::vector<std::string>& event_sources) {
  auto& calls = api.services().calls;

  api.Add(net::Verb::post, "/api/v1/conversations/{id}/calls", Access::kUser,
          ConversationMember(api.services().chat), [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
            auto body = TRY(ParseObject(ctx.req.body.empty() ? "{}" : ctx.req.body));
            std::optional<base::TimeMs> when;
            if (const auto* v = body.if_contains("scheduled_for"); v && !v->is_null()) {
              if (!v->is_string()) {
                return base::InvalidArgument("invalid_type", "'scheduled_for' must be an RFC 3339 time or null");
              }
              when = base::ParseRfc3339(v->as_string());
              if (!when) {
                return base::InvalidArgument("invalid_scheduled_for",
                                             "'scheduled_for' is not an RFC 3339 time");
              }
            }
            auto call = TRY(calls.Propose(ctx.user(), id, when));
            return Api::Json(201, CallJson(call));
          });

  api.Add(net::Verb::get, "/api/v1/calls", Access::kUser, [&](Context& ctx) -> Result<net::Response> {
    store::CallFilter filter;
    filter.conversation_id = TRY(ParseQueryId(ctx.req.Query("conversation_id"), "conversation_id"));
    filter.listing_id = TRY(ParseQueryId(ctx.req.Query("listing_id"), "listing_id"));
    filter.before_id = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
    if (auto open = ctx.req.Query("open")) {
      if (*open != "true" && *open != "false") {
        return base::InvalidArgument("invalid_query", "Query parameter 'open' must be true or false");
      }
      filter.only_open = *open == "true";
    }
    const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 20, 100));
    filter.limit = limit + 1;
    auto rows = TRY(calls.List(ctx.user(), filter));
    return Api::Json(200, Page(rows, limit, [](const store::Call& c) { return CallJson(c); },
                               [](const store::Call& c) { return IdString(c.id); }));
  });

  api.Add(net::Verb::get, "/api/v1/calls/{id}", Access::kUser, [&](Context& ctx) -> Result<net::Response> {
    const auto id = TRY(ctx.PathId("id", "call_not_found"));
    auto call = TRY(calls.Get(ctx.user(), id));
    return Api::Json(200, CallView(calls, ctx.user(), call));
  });

  for (const std::string action : {"accept", "decline", "cancel", "hangup"}) {
    api.Add(net::Verb::post, "/api/v1/calls/{id}/" + action, Access::kUser,
            [&calls, action](Context& ctx) -> Result<net::Response> {
              const auto id = TRY(ctx.PathId("id", "call_not_found"));
              store::Call call;
              if (action == "accept") call = TRY(calls.Accept(ctx.user(), id));
              if (action == "decline") call = TRY(calls.Decline(ctx.user(), id));
              if (action == "cancel") call = TRY(calls.Cancel(ctx.user(), id));
              if (action == "hangup") call = TRY(calls.Hangup(ctx.user(), id));
              return Api::Json(200, CallJson(call));
            });
  }

  // The buyer's rating of the seller after the call (docs/calls.md "Rating").
  // Who: the call's buyer (404, 403 not_participant, 403 not_buyer) before what they sent.
  api.Add(net::Verb::post, "/api/v1/calls/{id}/rating", Access::kUser,
          [&](Context& ctx) -> Result<void> {
            const auto call = TRY(calls.AsParty(ctx.user(), TRY(ctx.PathId("id", "call_not_found"))));
            if (call.buyer_id != ctx.user().id) {
              return base::PermissionDenied("not_buyer", "Only the buyer rates a call");
            }
            return {};
          },
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            const auto body = TRY(ParseObject(ctx.req.body));
            const auto stars = TRY(OptInt(body, "stars"));
            if (!stars) return base::InvalidArgument("invalid_stars", "stars (1 to 5) is required");
            const auto comment = TRY(OptString(body, "comment"));
            const auto rating = TRY(calls.Rate(ctx.user(), id, *stars, comment));
            // The rating counts toward the seller's badge at once (docs/service-level.md); the
            // rating stands even if this fails (the daily job catches up).
            if (auto level = api.services().service_levels.Recompute(rating.seller_id); !level) {
              base::log::Warn("service_level_failed", {{"seller_id", rating.seller_id}, {"error", level.error().message}});
            }
            return Api::Json(201, RatingJson(rating));
          });
  api.Add(net::Verb::get, "/api/v1/calls/{id}/rating", Access::kUser, CallParty(calls),
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            const auto r = TRY(calls.Rating(ctx.user(), id));
            return Api::Json(200, json::object{{"rating", r ? json::value(RatingJson(*r)) : json::value(nullptr)}});
          });
  // The warned party's answer to a live warning (docs/live.md): who (a party of the call, the
  // one the warning went to) before what they sent.
  auto& analytics = api.services().analytics;
  api.Add(net::Verb::post, "/api/v1/calls/{id}/live-warnings/{warning_id}/feedback", Access::kUser,
          [&](Context& ctx) -> Result<void> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            TRY(calls.AsParty(ctx.user(), id));
            return analytics.CheckWarned(ctx.user(), id, TRY(ctx.PathId("warning_id", "warning_not_found")));
          },
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            const auto warning = TRY(ctx.PathId("warning_id", "warning_not_found"));
            const auto body = TRY(ParseObject(ctx.req.body));
            const auto answer = TRY(OptString(body, "answer")).value_or("");
            TRY(analytics.AnswerWarning(ctx.user(), id, warning, answer));
            net::Response res;
            res.status = 204;
            return res;
          });
  api.Add(net::Verb::post, "/api/v1/calls/{id}/join", Access::kUser, CallParty(calls),
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            auto body = TRY(ParseObject(ctx.req.body.empty() ? "{}" : ctx.req.body));
            const bool consent = TRY(OptBool(body, "consent")).value_or(false);
            auto grant = TRY(calls.Join(ctx.user(), id, consent,
                                        std::string(ctx.req.Header("host").value_or("127.0.0.1"))));
            boost::system::error_code ec;
            auto ice = json::parse(grant.ice_servers_json, ec);
            if (ec) ice = json::array();
            json::object media{{"janus_url", grant.janus_url},
                               {"room", grant.room},
                               {"pin", grant.pin},
                               {"token", grant.token},
                               {"participant_id", grant.participant_id},
                               {"display", grant.display},
                               {"ice_servers", std::move(ice)},
                               {"bitrate", grant.bitrate}};
            return Api::Json(200, json::object{{"call", CallJson(grant.call)}, {"media", std::move(media)}});
          });

  api.Add(net::Verb::get, "/api/v1/calls/{id}/recording", Access::kModerator,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            auto stored = TRY(calls.CombinedRecording(id));
            auto file = std::move(stored.bytes);
            const auto size = file->size();
            net::Response res;
            res.content_type = "video/webm";
            res.SetHeader("Accept-Ranges", "bytes");
            res.SetHeader("Cache-Control", "private, no-store");
            net::ByteRange range{0, size == 0 ? 0 : size - 1};
            if (auto header = ctx.req.Header("range")) {
              auto parsed = net::ParseByteRange(*header, size);
              if (!parsed) {
                net::Response bad = Api::ErrorResponse(
                    base::Fail(base::ErrorKind::kInvalidArgument, "range_not_satisfiable",
                               "The requested range is outside the file").value());
                bad.status = 416;
                bad.SetHeader("Content-Range", "bytes */" + std::to_string(size));
                return bad;
              }
              range = *parsed;
              res.status = 206;
              res.SetHeader("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                 std::to_string(range.last) + "/" + std::to_string(size));
            }
            // Audited once per opening: any response that carries the file's first byte (a
            // player's first request, a download, a suffix range covering the whole file),
            // decided on the parsed range, not on the header's text. Seeks and chunks after it
            // do not carry byte 0. HEAD carries no bytes: no entry. No entry, no bytes.
            if (ctx.req.method != net::Verb::head && range.first == 0) {
              json::array evidence{json::object{{"path", stored.file.path}, {"sha256", stored.file.sha256}}};
              TRY(api.services().store.Write([&](store::Tx& tx) {
                return tx.audit().Append({ctx.user().id, "recording.accessed", "call", std::to_string(id), "{}",
                                          json::serialize(evidence)},
                                         api.services().clock.NowMs());
              }));
            }
            res.SendFile(std::move(file), range.first, size == 0 ? 0 : range.length());
            return res;
          });

  // Janus's event handler (sampleevh) posts here. Only from this machine, only with the
  // shared secret (HTTP Basic, user "janus"): a browser must not be able to forge presence.
  api.Add(net::Verb::post, "/api/v1/internal/janus/events", Access::kOpen,
          [&calls, events_secret, event_sources](Context& ctx) -> Result<net::Response> {
            // From this machine or a media node's address (media.janus_url hosts,
            // media.event_sources), and then only with the shared secret.
            const auto& ip = ctx.req.remote_ip;
            const bool known = IsLoopback(ip) || std::find(event_sources.begin(), event_sources.end(), ip) !=
                                                     event_sources.end();
            if (!known) {
              return base::PermissionDenied("forbidden", "Media events are accepted from the media nodes only");
            }
            const std::string expected = "Basic " + base::Base64("janus:" + events_secret);
            const auto given = ctx.req.Header("authorization");
            if (events_secret.empty() || !given || !base::ConstantTimeEquals(*given, expected)) {
              auto res = Api::ErrorResponse(
                  base::Unauthenticated("invalid_secret", "Media events need the shared secret").value());
              for (auto& [name, value] : res.headers) {
                if (name == "WWW-Authenticate") value = "Basic realm=\"vitrina-media\"";
              }
              return res;
            }
            calls.OnMediaEvents(media::ParseJanusEvents(ctx.req.body));
            net::Response res;
            res.status = 204;
            return res;
          });
}

}  // namespace vitrina::api
