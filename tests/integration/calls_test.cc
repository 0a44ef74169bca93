// Call lifecycle, access and faults through the API, in-process. CallsTest has no media
// server (joins answer 503); JanusCallsTest runs the real embedded Janus on free ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "base/time_format.h"
#include "server_fixture.h"
#include "support/free_port.h"

namespace vitrina {
namespace {

// Polls `pred` until it holds or `limit` passes (no fixed sleeps).
template <typename P>
bool WaitFor(P pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

class CallsTest : public ServerTest {
 protected:
  struct Parties {
    Account seller, buyer, stranger;
    std::string listing, conversation;
  };
  Parties Setup(json::object listing_extra = {{"video_call_ready", true}}) {
    Parties p{Register("seller@x.test", "Seller"), Register("buyer@x.test", "Buyer"),
              Register("stranger@x.test", "Stranger"), "", ""};
    p.listing = CreateListing(p.seller, listing_extra);
    auto conv = Call("POST", "/api/v1/listings/" + p.listing + "/conversations", p.buyer.token);
    EXPECT_EQ(conv.status, 201u) << conv.body;
    p.conversation = S(conv.Json().at("id"));
    return p;
  }
  std::string Propose(const Parties& p, const Account& by, json::object body = {}) {
    auto r = Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", by.token, body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? S(r.Json().at("id")) : "";
  }
  json::value GetCall(const std::string& id, const Account& as) {
    auto r = Call("GET", "/api/v1/calls/" + id, as.token);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.Json();
  }
};

TEST_F(CallsTest, ProposeAcceptAndWhoMayDoWhat) {
  auto p = Setup();
  auto r = Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token, json::object{});
  ASSERT_EQ(r.status, 201u) << r.body;
  auto call = r.Json();
  const std::string id = S(call.at("id"));
  EXPECT_EQ(call.at("state"), "proposed");
  EXPECT_EQ(S(call.at("buyer_id")), p.buyer.id);
  EXPECT_EQ(S(call.at("seller_id")), p.seller.id);
  EXPECT_EQ(S(call.at("listing_id")), p.listing);
  EXPECT_EQ(call.at("recording").at("status"), "none");

  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.seller.token,
                   json::object{}),
              409, "call_exists");
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.stranger.token,
                   json::object{}),
              404, "conversation_not_found");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/accept", p.buyer.token), 403, "not_your_turn");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/accept", p.stranger.token), 403, "not_participant");
  ExpectError(Call("GET", "/api/v1/calls/" + id, p.stranger.token), 403, "not_participant");
  ExpectError(Call("GET", "/api/v1/calls/999999", p.buyer.token), 404, "call_not_found");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}}),
              409, "invalid_state");

  auto accepted = Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token);
  ASSERT_EQ(accepted.status, 200u) << accepted.body;
  EXPECT_EQ(accepted.Json().at("state"), "accepted");
  EXPECT_FALSE(accepted.Json().at("accepted_at").is_null());
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token), 409, "invalid_state");

  // Listed for both parties, not for others; a moderator may read it.
  auto mine = Call("GET", "/api/v1/calls?conversation_id=" + p.conversation + "&open=true", p.seller.token);
  ASSERT_EQ(mine.status, 200u);
  EXPECT_EQ(mine.Json().at("items").as_array().size(), 1u);
  EXPECT_TRUE(Call("GET", "/api/v1/calls?open=true", p.stranger.token).Json().at("items").as_array().empty());
  ExpectError(Call("GET", "/api/v1/calls?open=maybe", p.seller.token), 400, "invalid_query");
  SetRoles(p.stranger, {"moderator"});
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + id, p.stranger.token).status, 200u);
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.stranger.token, json::object{{"consent", true}}),
              403, "not_participant");
}

TEST_F(CallsTest, ProposalRulesFollowTheListing) {
  // 2026-11-24 is a Tuesday: Monday 09:00 is well outside "now", and a scheduled time
  // must fall inside the hours.
  clock_.Set(*base::ParseRfc3339("2026-11-24T12:00:00Z"));
  auto p = Setup(json::object{{"video_call_ready", false}});
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token, json::object{}),
              409, "video_calls_disabled");
  ASSERT_EQ(Call("PATCH", "/api/v1/listings/" + p.listing, p.seller.token,
                 json::object{{"video_call_ready", true},
                              {"call_hours", {{"timezone", "UTC"},
                                              {"weekly", json::array{{{"day", "mon"}, {"from", "09:00"}, {"to", "09:01"}}}}}}})
                .status,
            200u);
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token, json::object{}),
              409, "outside_call_hours");
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token,
                   json::object{{"scheduled_for", "2026-11-30T10:00:00Z"}}),
              409, "outside_call_hours");
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token,
                   json::object{{"scheduled_for", "next monday"}}),
              400, "invalid_scheduled_for");
  ExpectError(Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token,
                   json::object{{"scheduled_for", "2026-11-23T09:00:30Z"}}),
              400, "invalid_scheduled_for");
  auto r = Call("POST", "/api/v1/conversations/" + p.conversation + "/calls", p.buyer.token,
                json::object{{"scheduled_for", "2026-11-30T09:00:30Z"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.Json().at("join_opens_at"), "2026-11-30T08:55:30.000Z");
  EXPECT_EQ(r.Json().at("join_closes_at"), "2026-11-30T09:10:30.000Z");
  const std::string id = S(r.Json().at("id"));
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token).status, 200u);
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}}),
              409, "call_not_open");
}

TEST_F(CallsTest, DeclineCancelAndNoShow) {
  auto p = Setup();
  auto id = Propose(p, p.buyer);
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/cancel", p.seller.token), 403, "not_your_turn");
  auto declined = Call("POST", "/api/v1/calls/" + id + "/decline", p.seller.token);
  ASSERT_EQ(declined.status, 200u);
  EXPECT_EQ(declined.Json().at("state"), "declined");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token), 409, "call_ended");

  id = Propose(p, p.seller);
  auto cancelled = Call("POST", "/api/v1/calls/" + id + "/cancel", p.seller.token);
  ASSERT_EQ(cancelled.status, 200u);
  EXPECT_EQ(cancelled.Json().at("state"), "cancelled");

  // Accepted, then nobody joins within the grace period: missed, both no-shows.
  id = Propose(p, p.buyer);
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token).status, 200u);
  clock_.Advance(11 * 60'000);
  ASSERT_TRUE(WaitFor([&] { return GetCall(id, p.buyer).at("state") == "missed"; }));
  auto missed = GetCall(id, p.buyer);
  EXPECT_EQ(missed.at("no_show"), "both");
  EXPECT_EQ(missed.at("end_reason"), "no_show");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}}),
              409, "call_ended");
}

TEST_F(CallsTest, MediaServerDownMeansServiceUnavailableAndAFailedCall) {
  auto p = Setup();
  auto id = Propose(p, p.buyer);
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token).status, 200u);
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{}), 400,
              "consent_required");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, std::string("{\"consent\": \"yes\"}")), 400,
              "invalid_type");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}}),
              503, "media_unavailable");
  auto call = GetCall(id, p.buyer);
  EXPECT_EQ(call.at("state"), "failed");
  EXPECT_EQ(call.at("end_reason"), "media_failed");
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.seller.token, json::object{{"consent", true}}),
              409, "call_ended");
  // The conversation is free for a new proposal.
  EXPECT_FALSE(Propose(p, p.seller).empty());
}

TEST_F(CallsTest, EventEndpointNeedsTheSecretAndRecordingNeedsAModerator) {
  const std::string path = "/api/v1/internal/janus/events";
  ExpectError(Call("POST", path, "", std::string("[]")), 401, "invalid_secret");
  ExpectError(Call("POST", path, "", std::string("[]"), {{"Authorization", "Basic " + base::Base64("janus:wrong")}}), 401,
              "invalid_secret");
  auto ok = Call("POST", path, "", std::string("[{\"type\":64}, 7, \"x\"]"),
                 {{"Authorization", "Basic " + base::Base64("janus:" + server_->media_events_secret())}});
  EXPECT_EQ(ok.status, 204u) << ok.body;
  auto p = Setup();
  auto id = Propose(p, p.buyer);
  ExpectError(Call("GET", "/api/v1/calls/" + id + "/recording", p.buyer.token), 403, "forbidden");
  SetRoles(p.stranger, {"moderator"});
  ExpectError(Call("GET", "/api/v1/calls/" + id + "/recording", p.stranger.token), 404, "recording_not_ready");
}

// Events come from this machine or from a media node's own address (media.event_sources, the
// hosts of media.janus_url): a remote node posts them; anyone else is refused before the secret.
class MediaEventSourcesTest : public CallsTest {
 protected:
  void Configure(app::Config& config) override {
    CallsTest::Configure(config);
    config.trust_forwarded_for = true;  // the test speaks as other addresses through the proxy header
    config.media_event_sources = "198.51.100.20, 2001:db8::7";
  }
};

TEST_F(MediaEventSourcesTest, ARemoteMediaNodesEventsAreAcceptedAndStrangersAreNot) {
  const std::string path = "/api/v1/internal/janus/events";
  const std::string auth = "Basic " + base::Base64("janus:" + server_->media_events_secret());
  auto from = [&](const std::string& ip) {
    return Call("POST", path, "", std::string("[]"), {{"Authorization", auth}, {"X-Forwarded-For", ip}});
  };
  EXPECT_EQ(from("198.51.100.20").status, 204u);
  EXPECT_EQ(from("2001:db8::7").status, 204u);
  ExpectError(from("198.51.100.21"), 403, "forbidden");
  ExpectError(Call("POST", path, "", std::string("[]"), {{"X-Forwarded-For", "198.51.100.20"}}), 401,
              "invalid_secret");
  EXPECT_EQ(app::MediaEventSources([] {
              app::Config c;
              c.janus_url = "http://127.0.0.1:8088/janus,http://[::1]:8088/janus";
              return c;
            }()),
            (std::vector<std::string>{"127.0.0.1", "::ffff:127.0.0.1", "::1"}));
}

// What went wrong with a recording reaches the two parties as a stable code and a sentence;
// the processing error itself (absolute server paths, janus-pp-rec output) is for moderators,
// in GET /api/v1/calls/{id}, and never in a list, a call action or a WebSocket push.
TEST_F(CallsTest, RecordingErrorsGiveParticipantsACodeAndModeratorsTheDetail) {
  auto p = Setup();
  SetRoles(p.stranger, {"moderator"});
  const std::string id = Propose(p, p.buyer);
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token).status, 200u);
  testing::WsClient ws(server_->port(), "/api/v1/ws", {{"Authorization", "Bearer " + p.buyer.token}});
  ASSERT_TRUE(ws.Read());  // hello

  const store::Id call_id = std::stoll(id);
  const fs::path raw = server_->calls().RawDir(call_id);
  fs::create_directories(raw);
  const std::string server_dir = fs::absolute(dir_).string();
  // Anything that would tell a participant about the server's insides.
  auto leaks = [&](const std::string& text) {
    for (const std::string& needle : {server_dir, std::string(".mjr"), std::string("janus-pp-rec"),
                                     std::string("detail"), std::string("/recordings/")}) {
      if (text.find(needle) != std::string::npos) return needle;
    }
    return std::string();
  };
  auto process = [&](std::int64_t attempt, std::int64_t max_attempts) {
    store::Job job;
    job.kind = "recording.postprocess";
    job.payload = json::serialize(json::object{{"call_id", call_id}});
    job.attempts = attempt;
    job.max_attempts = max_attempts;
    return server_->calls().ProcessRecording(job);
  };
  // Reads pushes until the call's recording has `status`; every push must be clean.
  auto pushed_until = [&](const std::string& status) {
    while (auto text = ws.Read()) {
      EXPECT_EQ(leaks(*text), "") << *text;
      auto event = json::parse(*text);
      if (event.at("type") == "call" && S(event.at("call").at("recording").at("status")) == status) return event;
    }
    ADD_FAILURE() << "no push with recording status " << status;
    return json::value();
  };
  auto expect_participants_see = [&](const std::string& code) {
    for (const auto* party : {&p.buyer, &p.seller}) {
      auto r = Call("GET", "/api/v1/calls/" + id, party->token);
      ASSERT_EQ(r.status, 200u) << r.body;
      EXPECT_EQ(leaks(r.body), "") << r.body;
      const auto body = r.Json();
      const auto& error = body.at("recording").at("error");
      ASSERT_TRUE(error.is_object()) << r.body;
      EXPECT_EQ(S(error.at("code")), code) << r.body;
      EXPECT_FALSE(S(error.at("message")).empty());
      EXPECT_FALSE(error.as_object().contains("detail"));
      auto list = Call("GET", "/api/v1/calls?conversation_id=" + p.conversation, party->token);
      ASSERT_EQ(list.status, 200u) << list.body;
      EXPECT_EQ(leaks(list.body), "") << list.body;
    }
  };

  // The room existed, nobody published: nothing recorded (not a failure), said without paths.
  ASSERT_TRUE(process(1, 5));
  pushed_until("none");
  expect_participants_see("nothing_recorded");
  auto moderator = GetCall(id, p.stranger);
  EXPECT_EQ(moderator.at("recording").at("error").at("code"), "nothing_recorded");
  EXPECT_NE(S(moderator.at("recording").at("error").at("detail")).find(raw.string()), std::string::npos)
      << moderator;

  // A corrupt recording: janus-pp-rec fails on it, retried, then given up.
  std::ofstream(raw / "videoroom-1-user-2-1764000000000000-audio-0.mjr") << "not a janus recording";
  EXPECT_FALSE(process(1, 2));
  auto retrying = pushed_until("pending");
  EXPECT_EQ(retrying.at("call").at("recording").at("error").at("code"), "processing_failed");
  expect_participants_see("processing_failed");
  EXPECT_FALSE(process(2, 2));
  auto failed = pushed_until("failed");
  EXPECT_EQ(failed.at("call").at("recording").at("error").at("code"), "processing_failed");
  expect_participants_see("processing_failed");
  EXPECT_NE(S(GetCall(id, p.buyer).at("recording").at("error").at("message")).find("could not be processed"),
            std::string::npos);

  // The moderator gets the details: which file, where, and what the tool said.
  moderator = GetCall(id, p.stranger);
  const auto& error = moderator.at("recording").at("error");
  EXPECT_EQ(error.at("code"), "processing_failed");
  const std::string detail = S(error.at("detail"));
  EXPECT_NE(detail.find(".mjr"), std::string::npos) << detail;
  EXPECT_NE(detail.find(server_dir), std::string::npos) << detail;
  EXPECT_NE(detail.find("janus-pp-rec"), std::string::npos) << detail;
}

using testing::FreePort;

class JanusCallsTest : public CallsTest {
 protected:
  void Configure(app::Config& config) override {
    config.janus_url.clear();
    config.media_admin_key.clear();
    config.media_events_secret.clear();
    config.janus_http_port = FreePort();
    config.janus_ws_port = FreePort();
    config.job_retry_base_seconds = 0;
  }

  // Talks to Janus's own HTTP API, as a stranger would.
  json::object Janus(const std::string& path, json::object body) {
    HttpClient janus(static_cast<unsigned short>(server_->config().janus_http_port));
    body["transaction"] = base::RandomToken(6);
    auto r = janus.Send("POST", path, json::serialize(body), {{"Content-Type", "application/json"}});
    return r.Json().as_object();
  }
  // The first event of a Janus session (long poll).
  json::object JanusEvent(const std::string& session) {
    HttpClient janus(static_cast<unsigned short>(server_->config().janus_http_port));
    return janus.Send("GET", "/janus/" + session + "?maxev=1").Json().as_object();
  }
  // A Janus session with one VideoRoom handle, as anyone who reaches Janus can open.
  struct JanusHandle {
    std::string session;  // session id
    std::string path;     // /janus/<session>/<handle>
  };
  JanusHandle Attach() {
    const auto session = std::to_string(Janus("/janus", {{"janus", "create"}}).at("data").at("id").as_int64());
    const auto handle = std::to_string(
        Janus("/janus/" + session, {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}})
            .at("data").at("id").as_int64());
    return {session, "/janus/" + session + "/" + handle};
  }
  // A VideoRoom request on `h`; returns the plugin's data: the answer of a synchronous
  // request, or the session's next event after the "ack" of an asynchronous one (join).
  json::object Ask(const JanusHandle& h, json::object body) {
    auto reply = Janus(h.path, {{"janus", "message"}, {"body", std::move(body)}});
    if (reply.at("janus") == "success") return reply.at("plugindata").at("data").as_object();
    EXPECT_EQ(reply.at("janus"), "ack") << json::serialize(reply);
    return JanusEvent(h.session).at("plugindata").at("data").as_object();
  }
  // Tries to join `room` (as a publisher unless told otherwise) with what the caller
  // knows; returns the plugin's reply data ("joined"/"attached" or an error). `as` gets
  // the handle, to act on it later.
  json::object TryJoin(std::int64_t room, json::object extra, const char* ptype = "publisher",
                       JanusHandle* as = nullptr) {
    const auto h = Attach();
    if (as != nullptr) *as = h;
    json::object join{{"request", "join"}, {"ptype", ptype}, {"room", room}};
    for (auto& [k, v] : extra) join[k] = v;
    return Ask(h, std::move(join));
  }
  // The VideoRoom error code of a reply (0: none).
  static std::int64_t ErrorCode(const json::object& data) {
    const auto* code = data.if_contains("error_code");
    return code != nullptr && code->is_int64() ? code->as_int64() : 0;
  }
  // `feed`'s entry in the room's participant list (null: not in the room). Needs no pin.
  json::value Participant(const JanusHandle& h, std::int64_t room, const json::value& feed) {
    auto list = Ask(h, {{"request", "listparticipants"}, {"room", room}});
    if (const auto* ps = list.if_contains("participants"); ps != nullptr && ps->is_array()) {
      for (const auto& p : ps->as_array()) {
        if (p.is_object() && p.as_object().if_contains("id") != nullptr && p.at("id") == feed) return p;
      }
    }
    return nullptr;
  }
  bool Publishing(const JanusHandle& h, std::int64_t room, const json::value& feed) {
    const auto p = Participant(h, room, feed);
    return p.is_object() && p.as_object().if_contains("publisher") != nullptr && p.at("publisher") == true;
  }
  // What only the server knows: the room's secret (to edit it or add a feed), ids.
  store::Call StoredCall(const std::string& call_id) {
    auto call = server_->store().Read([&](store::Tx& tx) { return tx.calls().FindById(std::stoll(call_id)); });
    EXPECT_TRUE(call && *call);
    return call && *call ? **call : store::Call{};
  }

  std::string ActiveCall(const Parties& p, json::object* grant) {
    auto id = Propose(p, p.buyer);
    EXPECT_EQ(Call("POST", "/api/v1/calls/" + id + "/accept", p.seller.token).status, 200u);
    auto joined = Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}});
    EXPECT_EQ(joined.status, 200u) << joined.body;
    *grant = joined.Json().at("media").as_object();
    return id;
  }
};

TEST_F(JanusCallsTest, GrantLetsOnlyItsHolderIntoTheRoomAndEventsTrackPresence) {
  ASSERT_NE(server_->janus(), nullptr);
  ASSERT_TRUE(server_->janus()->healthy());
  auto p = Setup();
  json::object grant;
  const auto id = ActiveCall(p, &grant);
  EXPECT_EQ(grant.at("display"), "buyer");
  EXPECT_EQ(S(grant.at("janus_url")),
            "ws://127.0.0.1:" + std::to_string(server_->config().janus_ws_port) + "/");
  auto call = GetCall(id, p.buyer);
  EXPECT_EQ(call.at("state"), "active");
  EXPECT_FALSE(call.at("participants").at("buyer").at("consent_at").is_null());
  EXPECT_TRUE(call.at("participants").at("seller").at("consent_at").is_null());
  EXPECT_EQ(call.at("recording").at("status"), "recording");
  const std::int64_t room = grant.at("room").as_int64();

  // A stranger who learnt the room number: no pin, then the pin without a token.
  auto no_pin = TryJoin(room, {});
  EXPECT_TRUE(no_pin.contains("error_code")) << json::serialize(no_pin);
  auto no_token = TryJoin(room, {{"pin", grant.at("pin")}});
  EXPECT_TRUE(no_token.contains("error_code")) << json::serialize(no_token);

  // The holder of the grant gets in, and Janus's "joined" event reaches the call.
  auto joined = TryJoin(room, {{"pin", grant.at("pin")}, {"token", grant.at("token")},
                               {"id", grant.at("participant_id")}, {"display", "buyer"}});
  EXPECT_EQ(joined.at("videoroom"), "joined") << json::serialize(joined);
  ASSERT_TRUE(WaitFor([&] {
    return !GetCall(id, p.buyer).at("participants").at("buyer").at("joined_at").is_null();
  }));

  // Hang-up ends it for both and destroys the room; nothing was published, so nothing to keep.
  auto ended = Call("POST", "/api/v1/calls/" + id + "/hangup", p.seller.token);
  ASSERT_EQ(ended.status, 200u) << ended.body;
  EXPECT_EQ(ended.Json().at("state"), "ended");
  EXPECT_EQ(ended.Json().at("end_reason"), "hangup");
  auto after = TryJoin(room, {{"pin", grant.at("pin")}, {"token", grant.at("token")}});
  EXPECT_EQ(after.at("error_code").as_int64(), 426) << "room destroyed: " << json::serialize(after);
  ExpectError(Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}}),
              409, "call_ended");
  clock_.Advance(2000);  // post-processing starts a moment after the room is destroyed
  ASSERT_TRUE(WaitFor([&] { return GetCall(id, p.buyer).at("recording").at("status") == "none"; }));
}

// Listening in: Janus's VideoRoom checks the `allowed` tokens only when a publisher joins,
// so the server creates rooms with `require_pvtid`: a subscriber must name the private_id
// that Janus gave a publisher who is in the room now (docs/calls.md). An intruder with the
// room number and pin but no token cannot become such a publisher, so cannot subscribe.
// This test cannot do WebRTC, so the seller's published feed is a Janus "remote publisher"
// (a feed Janus treats as published; its RTP port, on loopback, receives nothing), added
// with the room secret as only the server could.
TEST_F(JanusCallsTest, SubscribingNeedsThePrivateIdOfAPublisherWhoJoinedWithAToken) {
  auto p = Setup();
  json::object grant;
  const auto id = ActiveCall(p, &grant);  // the buyer's join created the room
  const auto stored = StoredCall(id);
  const std::string secret = stored.room_secret;
  ASSERT_FALSE(secret.empty());
  const json::value seller_feed = stored.seller.media_id;
  const std::int64_t room = grant.at("room").as_int64();

  const auto admin = Attach();
  auto added = Ask(admin, {{"request", "add_remote_publisher"},
                           {"room", room},
                           {"secret", secret},
                           {"id", seller_feed},
                           {"display", "seller"},
                           {"iface", "127.0.0.1"},
                           {"streams", json::array{json::object{
                                           {"type", "audio"}, {"mindex", 0}, {"mid", "0"}, {"codec", "opus"}}}}});
  ASSERT_EQ(added.at("videoroom"), "success") << json::serialize(added);
  ASSERT_TRUE(WaitFor([&] { return Publishing(admin, room, seller_feed); }));
  const json::array streams{json::object{{"feed", seller_feed}}};
  // A subscriber's join to the seller's feed with the pin and `extra`.
  auto subscribe = [&](json::object extra) {
    extra["pin"] = grant.at("pin");
    extra["streams"] = streams;
    return TryJoin(room, std::move(extra), "subscriber");
  };
  auto refused = [&](const json::object& data) {
    return ErrorCode(data) == 433 && S(data.at("error")).find("private_id") != std::string::npos;
  };

  // The holder of the buyer's grant joins as publisher (pin + token) and gets a private_id.
  JanusHandle buyer;
  auto joined = TryJoin(room, {{"pin", grant.at("pin")}, {"token", grant.at("token")},
                               {"id", grant.at("participant_id")}, {"display", "buyer"}},
                        "publisher", &buyer);
  ASSERT_EQ(joined.at("videoroom"), "joined") << json::serialize(joined);
  ASSERT_TRUE(joined.contains("private_id")) << json::serialize(joined);
  const std::int64_t private_id = joined.at("private_id").as_int64();
  ASSERT_GT(private_id, 0);

  // An intruder with the room number and the pin but no token: refused by the VideoRoom
  // plugin without a private_id and with a made-up one (the feed itself exists: not 428).
  const std::int64_t made_up = private_id == 424242 ? 424243 : 424242;
  auto no_pvtid = subscribe({});
  EXPECT_TRUE(refused(no_pvtid)) << json::serialize(no_pvtid);
  auto made_up_pvtid = subscribe({{"private_id", made_up}});
  EXPECT_TRUE(refused(made_up_pvtid)) << json::serialize(made_up_pvtid);

  // The holder subscribes with their own private_id: Janus offers them the seller's feed.
  auto holder = subscribe({{"private_id", private_id}});
  EXPECT_EQ(holder.at("videoroom"), "attached") << json::serialize(holder);
  EXPECT_EQ(ErrorCode(holder), 0);

  // A private_id is good only while its publisher is in the room (a browser that joins
  // again gets a new one).
  Janus(buyer.path, {{"janus", "message"}, {"body", {{"request", "leave"}}}});
  ASSERT_TRUE(WaitFor([&] { return Participant(admin, room, grant.at("participant_id")).is_null(); }));
  auto stale = subscribe({{"private_id", private_id}});
  EXPECT_TRUE(refused(stale)) << json::serialize(stale);

  // A room that exists without the option (made by an earlier version of the server, on a
  // Janus that outlived it) lets anyone with the pin listen; the next join turns it on.
  auto off = Ask(admin, {{"request", "edit"}, {"room", room}, {"secret", secret}, {"new_require_pvtid", false}});
  ASSERT_EQ(off.at("videoroom"), "edited") << json::serialize(off);
  auto open_door = subscribe({});
  EXPECT_EQ(open_door.at("videoroom"), "attached") << "the hole this closes: " << json::serialize(open_door);
  auto again = Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}});
  ASSERT_EQ(again.status, 200u) << again.body;
  auto closed_again = subscribe({});
  EXPECT_TRUE(refused(closed_again)) << json::serialize(closed_again);

  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/hangup", p.seller.token).status, 200u);
}

TEST_F(JanusCallsTest, FailingPostProcessingIsRetriedVisiblyAndKeepsTheRawRecording) {
  auto p = Setup();
  json::object grant;
  const auto id = ActiveCall(p, &grant);
  // A corrupt recording where Janus would have written the buyer's audio.
  const fs::path raw = dir_ / "recordings" / id / "raw";
  const fs::path bad = raw / ("videoroom-" + std::to_string(grant.at("room").as_int64()) + "-user-" +
                              std::to_string(grant.at("participant_id").as_int64()) +
                              "-1764000000000000-audio-0.mjr");
  std::ofstream(bad) << "not a janus recording";
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + id + "/hangup", p.buyer.token).status, 200u);
  clock_.Advance(2000);
  ASSERT_TRUE(WaitFor([&] { return GetCall(id, p.buyer).at("recording").at("status") == "failed"; },
                      std::chrono::seconds(60)));
  auto call = GetCall(id, p.buyer);
  EXPECT_EQ(call.at("recording").at("attempts").as_int64(), 5);
  // The buyer learns that it failed, not the server's paths or tool output; a moderator does.
  EXPECT_EQ(call.at("recording").at("error").at("code"), "processing_failed") << call;
  EXPECT_EQ(json::serialize(call).find("mjr"), std::string::npos) << call;
  auto moderator = Register("moderator@x.test", "Moderator");
  SetRoles(moderator, {"moderator"});
  auto seen = GetCall(id, moderator);
  EXPECT_NE(S(seen.at("recording").at("error").at("detail")).find("mjr"), std::string::npos) << seen;
  EXPECT_TRUE(fs::exists(bad)) << "nothing recorded is deleted unless processing succeeded";

  // Operators see the failed job with its error, and can queue it again.
  ExpectError(Call("GET", "/api/v1/admin/jobs?state=failed", p.buyer.token), 403, "forbidden");
  MakeAdmin(p.stranger);
  ExpectError(Call("GET", "/api/v1/admin/jobs?state=broken", p.stranger.token), 400, "invalid_state");
  auto failed = Call("GET", "/api/v1/admin/jobs?state=failed", p.stranger.token);
  ASSERT_EQ(failed.status, 200u) << failed.body;
  const auto failed_json = failed.Json();
  const auto& items = failed_json.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("kind"), "recording.postprocess");
  EXPECT_EQ(S(items[0].at("payload").at("call_id")), id);
  EXPECT_EQ(items[0].at("attempts").as_int64(), 5);
  EXPECT_NE(S(items[0].at("last_error")).find("janus-pp-rec"), std::string::npos) << items[0];
  const std::string job = S(items[0].at("id"));
  fs::remove(bad);  // the operator removed the corrupt file; nothing valid is left
  auto retried = Call("POST", "/api/v1/admin/jobs/" + job + "/retry", p.stranger.token);
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(retried.Json().at("attempts").as_int64(), 0);
  ExpectError(Call("POST", "/api/v1/admin/jobs/999999/retry", p.stranger.token), 404, "job_not_found");
  ASSERT_TRUE(WaitFor([&] { return GetCall(id, p.buyer).at("recording").at("status") == "none"; }));
  ExpectError(Call("POST", "/api/v1/admin/jobs/" + job + "/retry", p.stranger.token), 409, "job_not_failed");
}

TEST_F(JanusCallsTest, SupervisorRestartsAKilledJanusAndTheCallCanRejoin) {
  auto p = Setup();
  json::object grant;
  const auto id = ActiveCall(p, &grant);
  auto* janus = server_->janus();
  const pid_t first = janus->pid();
  ASSERT_GT(first, 0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return janus->restarts() >= 1 && janus->healthy(); }));
  EXPECT_NE(janus->pid(), first);
  // The room died with Janus; joining again recreates it and the call carries on.
  auto again = Call("POST", "/api/v1/calls/" + id + "/join", p.buyer.token, json::object{{"consent", true}});
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.Json().at("media").at("room"), grant.at("room"));
  auto joined = TryJoin(grant.at("room").as_int64(), {{"pin", grant.at("pin")}, {"token", grant.at("token")},
                                                       {"id", grant.at("participant_id")}});
  EXPECT_EQ(joined.at("videoroom"), "joined") << json::serialize(joined);
  EXPECT_EQ(GetCall(id, p.buyer).at("state"), "active");
}

}  // namespace
}  // namespace vitrina
