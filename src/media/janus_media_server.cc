// MediaServer over the Janus HTTP API: create session → attach videoroom → synchronous
// plugin requests → destroy session. A session per operation keeps this stateless and
// immune to Janus restarts; operations are rare (a few per call).
#include <boost/json.hpp>

#include "base/random.h"
#include "media/media_server.h"
#include "net/http_client.h"

namespace vitrina::media {
namespace {

namespace json = boost::json;

base::Error Unavailable(const std::string& message) {
  base::Error e;
  e.kind = base::ErrorKind::kUnavailable;
  e.code = "media_unavailable";
  e.message = message;
  return e;
}

class JanusMediaServer final : public MediaServer {
 public:
  JanusMediaServer(JanusNode node, JanusOptions options)
      : node_(std::move(node)), options_(std::move(options)) {}

  // Who may be in the room, by what Janus itself enforces (VideoRoom, Janus 1.1):
  // - publishers: `allowed` (checked at a publisher's join only) plus the pin;
  // - subscribers: the VideoRoom never checks `allowed` for them, so with the pin alone
  //   anyone could listen. `require_pvtid` makes a subscriber's join name the
  //   `private_id` of a publisher who is in the room right now (Janus hands it out in
  //   that publisher's "joined" event and forgets it when the publisher leaves; 433
  //   "Unauthorized (this room requires a valid private_id)" otherwise). Only a token
  //   holder can become such a publisher, so only they can subscribe; kicking that
  //   publisher also stops the media of the subscriptions made with their private_id.
  Result<void> EnsureRoom(const RoomSpec& spec) override {
    return WithHandle([&](const std::string& handle_url) -> Result<void> {
      auto exists = TRY(Message(handle_url, {{"request", "exists"}, {"room", spec.room}}));
      if (const auto* e = exists.if_contains("exists"); e && e->is_bool() && e->as_bool()) {
        return RequirePrivateId(handle_url, spec);
      }
      json::array allowed;
      for (const auto& t : spec.allowed) allowed.emplace_back(t);
      json::object create{{"request", "create"},
                          {"admin_key", options_.admin_key},
                          {"room", spec.room},
                          {"permanent", false},
                          {"description", spec.description},
                          {"is_private", true},
                          {"secret", spec.secret},
                          {"pin", spec.pin},
                          {"allowed", std::move(allowed)},
                          {"require_pvtid", true},
                          {"publishers", 2},
                          {"bitrate", spec.bitrate},
                          {"audiocodec", "opus"},
                          {"videocodec", "vp8"},
                          {"record", true},
                          {"rec_dir", spec.rec_dir},
                          {"lock_record", true},
                          {"notify_joining", true}};
      auto created = Message(handle_url, create);
      if (!created && created.error().code == "janus_error_427") {  // raced: exists
        return RequirePrivateId(handle_url, spec);
      }
      if (!created) return tl::unexpected(created.error());
      return {};
    });
  }

  Result<void> DestroyRoom(std::int64_t room, const std::string& secret) override {
    return WithHandle([&](const std::string& handle_url) -> Result<void> {
      auto done = Message(handle_url, {{"request", "destroy"}, {"room", room}, {"secret", secret}});
      if (!done && done.error().code == "janus_error_426") return {};  // no such room
      if (!done) return tl::unexpected(done.error());
      return {};
    });
  }

  Result<std::vector<std::int64_t>> Participants(std::int64_t room) override {
    std::vector<std::int64_t> out;
    auto listed = WithHandle([&](const std::string& handle_url) -> Result<void> {
      auto data = Message(handle_url, {{"request", "listparticipants"}, {"room", room}});
      if (!data && data.error().code == "janus_error_426") return {};
      if (!data) return tl::unexpected(data.error());
      if (const auto* list = data->if_contains("participants"); list && list->is_array()) {
        for (const auto& p : list->as_array()) {
          if (const auto* id = p.as_object().if_contains("id"); id && id->is_number()) {
            out.push_back(id->to_number<std::int64_t>());
          }
        }
      }
      return {};
    });
    if (!listed) return tl::unexpected(listed.error());
    return out;
  }

  Result<void> Kick(std::int64_t room, const std::string& secret,
                    std::int64_t participant) override {
    return WithHandle([&](const std::string& handle_url) -> Result<void> {
      auto done = Message(handle_url, {{"request", "kick"},
                                       {"room", room},
                                       {"secret", secret},
                                       {"id", participant}});
      if (!done) return tl::unexpected(done.error());
      return {};
    });
  }

  // The legacy (single audio stream) form of VideoRoom `rtp_forward`, still accepted by Janus
  // 1.1: it picks the publisher's audio stream itself, so no mid is needed.
  Result<std::int64_t> ForwardAudio(std::int64_t room, const std::string& secret,
                                    std::int64_t participant, const AudioForward& to) override {
    std::int64_t stream_id = 0;
    auto done = WithHandle([&](const std::string& handle_url) -> Result<void> {
      // A publisher who publishes again (renegotiation) keeps their forwarder: never two.
      if (auto existing = ExistingForward(handle_url, room, secret, participant, to); existing) {
        stream_id = *existing;
        return {};
      }
      auto data = TRY(Message(handle_url, {{"request", "rtp_forward"},
                                           {"admin_key", options_.admin_key},
                                           {"room", room},
                                           {"secret", secret},
                                           {"publisher_id", participant},
                                           {"host", to.host},
                                           {"audio_port", to.port},
                                           {"audio_ssrc", to.ssrc},
                                           {"audio_pt", 111}}));
      // 1.1 answers {"forwarders": [{"stream_id": N, "type": "audio", ...}]}; older releases
      // {"rtp_stream": {"audio_stream_id": N}}.
      if (const auto* fw = data.if_contains("forwarders"); fw && fw->is_array()) {
        for (const auto& f : fw->as_array()) {
          if (!f.is_object()) continue;
          if (const auto* id = f.as_object().if_contains("stream_id"); id && id->is_number()) {
            stream_id = id->to_number<std::int64_t>();
          }
        }
      } else if (const auto* rs = data.if_contains("rtp_stream"); rs && rs->is_object()) {
        if (const auto* id = rs->as_object().if_contains("audio_stream_id"); id && id->is_number()) {
          stream_id = id->to_number<std::int64_t>();
        }
      }
      return {};
    });
    if (!done) return tl::unexpected(done.error());
    return stream_id;
  }

  Result<void> Ping() override {
    // Health checks must answer fast even when Janus hangs.
    auto res = net::HttpRequest("GET", node_.api_url + "/info", "", {},
                                std::chrono::milliseconds(std::min(options_.timeout_ms, 1000)));
    if (!res) return tl::unexpected(Unavailable("Janus at " + node_.api_url + " is not reachable: " +
                                                res.error().message));
    if (res->status != 200) {
      return tl::unexpected(Unavailable("Janus info answered HTTP " + std::to_string(res->status)));
    }
    return {};
  }

  std::string Describe() const override { return "janus:" + node_.api_url; }

 private:
  // POSTs a Janus request; returns the whole reply object, or an error for `"janus":"error"`.
  Result<json::object> Post(const std::string& url, json::object request) {
    request["transaction"] = base::RandomToken(8);
    auto res = net::HttpRequest("POST", url, json::serialize(request),
                                {{"Content-Type", "application/json"}},
                                std::chrono::milliseconds(options_.timeout_ms));
    if (!res) {
      return tl::unexpected(
          Unavailable("The media server (Janus at " + node_.api_url + ") is not reachable"));
    }
    boost::system::error_code ec;
    auto parsed = json::parse(res->body, ec);
    if (ec || !parsed.is_object()) {
      return tl::unexpected(Unavailable("Janus answered HTTP " + std::to_string(res->status) +
                                        " with a non-JSON body"));
    }
    auto& reply = parsed.as_object();
    if (const auto* kind = reply.if_contains("janus"); kind && *kind == "error") {
      const auto& err = reply.at("error").as_object();
      return base::Fail(base::ErrorKind::kUnavailable,
                        "janus_error_" + std::to_string(err.at("code").to_number<std::int64_t>()),
                        "Janus: " + std::string(err.at("reason").as_string()));
    }
    return std::move(reply);
  }

  // The id of `participant`'s forwarder to `to` if Janus has one (listforwarders; 1.1 lists
  // {"publishers": [{"publisher_id", "forwarders": [{"stream_id", "port", ...}]}]}).
  std::optional<std::int64_t> ExistingForward(const std::string& handle_url, std::int64_t room,
                                              const std::string& secret, std::int64_t participant,
                                              const AudioForward& to) {
    auto data = Message(handle_url, {{"request", "listforwarders"}, {"room", room}, {"secret", secret}});
    if (!data) return std::nullopt;
    const auto* publishers = data->if_contains("publishers");
    if (publishers == nullptr || !publishers->is_array()) return std::nullopt;
    for (const auto& p : publishers->as_array()) {
      if (!p.is_object()) continue;
      const auto* id = p.as_object().if_contains("publisher_id");
      if (id == nullptr || !id->is_number() || id->to_number<std::int64_t>() != participant) continue;
      for (const char* key : {"forwarders", "rtp_forwarder"}) {
        const auto* list = p.as_object().if_contains(key);
        if (list == nullptr || !list->is_array()) continue;
        for (const auto& f : list->as_array()) {
          if (!f.is_object()) continue;
          const auto& o = f.as_object();
          const auto* port = o.if_contains("port");
          if (port == nullptr) port = o.if_contains("audio_port");
          if (port == nullptr || !port->is_number() || port->to_number<std::int64_t>() != to.port) continue;
          const auto* stream = o.if_contains("stream_id");
          if (stream == nullptr) stream = o.if_contains("audio_stream_id");
          return stream != nullptr && stream->is_number() ? stream->to_number<std::int64_t>() : 0;
        }
      }
    }
    return std::nullopt;
  }

  // A room this server did not just create may lack `require_pvtid`: one created by an
  // earlier version of the server that is still alive on an external Janus node (or
  // the winner of a create race). Turn it on again (idempotent, needs the room secret);
  // subscriptions that already exist are not affected, new ones must show a private_id.
  Result<void> RequirePrivateId(const std::string& handle_url, const RoomSpec& spec) {
    auto edited = Message(handle_url, {{"request", "edit"},
                                       {"room", spec.room},
                                       {"secret", spec.secret},
                                       {"new_require_pvtid", true}});
    if (!edited) return tl::unexpected(edited.error());
    return {};
  }

  static Result<std::int64_t> DataId(const json::object& reply) {
    const auto* data = reply.if_contains("data");
    if (!data || !data->is_object() || !data->as_object().contains("id")) {
      return tl::unexpected(Unavailable("Janus reply without data.id"));
    }
    return data->as_object().at("id").to_number<std::int64_t>();
  }

  // A synchronous VideoRoom request; returns plugindata.data, or an error carrying
  // the plugin's error_code ("janus_error_<code>").
  Result<json::object> Message(const std::string& handle_url, json::object body) {
    auto reply = TRY(Post(handle_url, {{"janus", "message"}, {"body", std::move(body)}}));
    const auto* plugindata = reply.if_contains("plugindata");
    if (!plugindata || !plugindata->is_object()) {
      return tl::unexpected(Unavailable("Janus reply without plugindata"));
    }
    auto data = plugindata->as_object().at("data").as_object();
    if (const auto* code = data.if_contains("error_code")) {
      const auto* text = data.if_contains("error");
      base::Error e;
      e.kind = base::ErrorKind::kUnavailable;
      e.code = "janus_error_" + std::to_string(code->to_number<std::int64_t>());
      e.message = "Janus VideoRoom: " + (text && text->is_string() ? std::string(text->as_string())
                                                                   : std::string("error"));
      return tl::unexpected(e);
    }
    return data;
  }

  template <typename F>
  Result<void> WithHandle(F&& fn) {
    auto session = TRY(Post(node_.api_url, {{"janus", "create"}}));
    const std::string session_url = node_.api_url + "/" + std::to_string(TRY(DataId(session)));
    auto run = [&]() -> Result<void> {
      auto attached = TRY(Post(session_url, {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}}));
      return fn(session_url + "/" + std::to_string(TRY(DataId(attached))));
    };
    auto result = run();
    (void)Post(session_url, {{"janus", "destroy"}});
    return result;
  }

  const JanusNode node_;
  const JanusOptions options_;
};

}  // namespace

std::unique_ptr<MediaServer> MakeJanusMediaServer(JanusNode node, JanusOptions options) {
  return std::make_unique<JanusMediaServer>(std::move(node), std::move(options));
}

}  // namespace vitrina::media
