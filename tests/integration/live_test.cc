// The live path through the whole server (docs/live.md): a real embedded Janus (so the tap
// runs in this process), a call made active through the API, and the seller's audio sent to the
// tap as Janus's rtp_forward sends it (flite speech, Opus, RTP with the stream's SSRC, paced in
// real time). The buyer — the party being targeted — gets captions and the live warning; the
// seller gets captions and never the warning; the hit is a live flag; the buyer's answer counts
// for the rule; a stream over the node's cap is refused and the call goes on without captions.
// The browser test (tests/e2e/call.test.mjs) covers the same with Janus forwarding real WebRTC.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "asr/tests/test_audio.h"
#include "live/live_service.h"
#include "live/tests/rtp_test_stream.h"
#include "server_fixture.h"
#include "support/free_port.h"

namespace vitrina {
namespace {

using testing::WsClient;

using testing::FreePort;

// `text` spoken by flite, then 1.5 s of silence (the end of the utterance), as RTP datagrams.
std::vector<live::testing::Datagram> SpokenStream(const std::string& text, std::uint32_t ssrc) {
  asr::testing::TempDir dir;
  auto wav = asr::testing::Speak(text, dir.path() / "speech.wav");
  EXPECT_EQ(wav.sample_rate, live::testing::kRate);
  wav.samples.insert(wav.samples.end(), live::testing::kRate * 3 / 2, 0);
  return live::testing::Packetise(live::testing::EncodeOpus(wav.samples), 1000, 50'000, ssrc);
}

// Sends the datagrams to the tap at their pace (20 ms apart), as Janus forwards live audio.
void SendPaced(int port, const std::vector<live::testing::Datagram>& stream) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto start = std::chrono::steady_clock::now();
  for (const auto& d : stream) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(d.arrival_ms));
    ::sendto(fd, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  ::close(fd);
}

class LiveTest : public ServerTest {
 protected:
  void Configure(app::Config& config) override {
    config.janus_url.clear();
    config.media_admin_key.clear();
    config.media_events_secret.clear();
    config.janus_http_port = FreePort();
    config.janus_ws_port = FreePort();
    config.live_max_sessions = max_sessions_;
  }

  struct ActiveCall {
    Account seller, buyer, stranger;
    std::string id;
  };
  ActiveCall Start() {
    ActiveCall c{Register("seller@x.test", "Seller"), Register("buyer@x.test", "Buyer"),
                 Register("stranger@x.test", "Stranger"), ""};
    const auto listing = CreateListing(c.seller, {{"video_call_ready", true}});
    auto conv = Call("POST", "/api/v1/listings/" + listing + "/conversations", c.buyer.token);
    EXPECT_EQ(conv.status, 201u) << conv.body;
    auto proposed = Call("POST", "/api/v1/conversations/" + S(conv.Json().at("id")) + "/calls", c.buyer.token,
                         json::object{});
    EXPECT_EQ(proposed.status, 201u) << proposed.body;
    c.id = S(proposed.Json().at("id"));
    EXPECT_EQ(Call("POST", "/api/v1/calls/" + c.id + "/accept", c.seller.token).status, 200u);
    auto joined = Call("POST", "/api/v1/calls/" + c.id + "/join", c.buyer.token, json::object{{"consent", true}});
    EXPECT_EQ(joined.status, 200u) << joined.body;  // the call is active from here
    return c;
  }
  std::unique_ptr<WsClient> Socket(const Account& a) {
    auto ws = std::make_unique<WsClient>(server_->port(), "/api/v1/ws",
                                         std::vector<std::pair<std::string, std::string>>{
                                             {"Authorization", "Bearer " + a.token}});
    EXPECT_TRUE(ws->Read(5000));  // hello
    return ws;
  }
  // Live events (caption, live_warning, live_status) a socket gets until `until` says stop or
  // nothing more comes within `quiet_ms`.
  static std::vector<json::object> Events(WsClient& ws, int quiet_ms,
                                          const std::function<bool(const json::object&)>& until = nullptr) {
    std::vector<json::object> out;
    while (auto text = ws.Read(quiet_ms)) {
      auto v = json::parse(*text).as_object();
      const auto type = S(v.at("type"));
      if (type != "caption" && type != "live_warning" && type != "live_status") continue;
      out.push_back(v);
      if (until && until(v)) break;
    }
    return out;
  }
  static bool Has(const std::vector<json::object>& events, const std::string& type) {
    for (const auto& e : events) {
      if (S(e.at("type")) == type) return true;
    }
    return false;
  }
  static std::string FinalText(const std::vector<json::object>& events, const std::string& speaker) {
    std::string out;
    for (const auto& e : events) {
      if (S(e.at("type")) == "caption" && e.at("final").as_bool() && S(e.at("speaker")) == speaker) {
        out += S(e.at("text")) + " ";
      }
    }
    return out;
  }
  std::string Metrics() { return Call("GET", "/metrics").body; }

  int max_sessions_ = 16;
};

TEST_F(LiveTest, TheBuyerIsWarnedWhileTheSellerAsksForAPrepaymentAndTheSellerIsNot) {
  ASSERT_NE(server_->live_tap_port(), 0) << "the embedded node runs a tap";
  auto c = Start();
  auto buyer_ws = Socket(c.buyer);
  auto seller_ws = Socket(c.seller);
  const auto ssrc = live::StreamSsrc(std::stoll(c.id), /*seller=*/true);
  ASSERT_TRUE(ssrc);

  // Half a minute into the call (the server's clock): the stream starts there on the call's timeline.
  clock_.Advance(30'000);
  SendPaced(server_->live_tap_port(),
            SpokenStream("hello the phone is in good condition and i need a prepayment to my card", *ssrc));

  const auto buyer = Events(*buyer_ws, 15'000, [](const json::object& e) { return S(e.at("type")) == "live_warning"; });
  ASSERT_TRUE(Has(buyer, "live_warning")) << "the buyer was not warned; captions: " << FinalText(buyer, "seller");
  const auto& warning = buyer.back();
  EXPECT_EQ(S(warning.at("call_id")), c.id);
  EXPECT_EQ(S(warning.at("warning").at("category")), "prepayment");
  EXPECT_EQ(S(warning.at("warning").at("severity")), "high");
  EXPECT_TRUE(Has(buyer, "caption"));
  EXPECT_NE(FinalText(buyer, "seller").find("prepayment"), std::string::npos) << FinalText(buyer, "seller");

  // The seller sees their own captions, never the warning about what they said.
  const auto seller = Events(*seller_ws, 3'000);
  EXPECT_FALSE(Has(seller, "live_warning"));
  EXPECT_NE(FinalText(seller, "seller").find("prepayment"), std::string::npos) << FinalText(seller, "seller");

  // The hit is a live flag of the call, the seller's, for moderation after the call.
  auto flags = server_->store().Read([&](store::Tx& tx) {
    store::FlagFilter f;
    f.call_id = std::stoll(c.id);
    return tx.analytics().ListFlags(f);
  });
  ASSERT_TRUE(flags);
  ASSERT_EQ(flags->size(), 1u);
  const auto& flag = flags->front();
  EXPECT_TRUE(flag.live);
  EXPECT_EQ(flag.transcript_version, 0);
  EXPECT_EQ(flag.category, "prepayment");
  EXPECT_EQ(flag.speaker, "seller");
  EXPECT_EQ(std::to_string(flag.accused_id), c.seller.id);
  EXPECT_EQ(std::to_string(flag.id), S(warning.at("warning").at("id")));
  EXPECT_NE(flag.text.find("prepayment"), std::string::npos) << flag.text;
  // On the call's timeline: the audio began 30 s into the call, and the phrase ends its
  // sentence of a few seconds.
  EXPECT_GE(flag.start_ms, 31'000) << flag.start_ms << "-" << flag.end_ms;
  EXPECT_LE(flag.end_ms, 30'000 + 8'000) << flag.start_ms << "-" << flag.end_ms;
  EXPECT_GT(flag.end_ms, flag.start_ms);
  EXPECT_EQ(warning.at("at_ms").as_int64(), flag.end_ms);

  // The answer: only the warned party, who before what.
  const std::string feedback = "/api/v1/calls/" + c.id + "/live-warnings/" + std::to_string(flag.id) + "/feedback";
  ExpectError(Call("POST", feedback, c.seller.token, json::object{{"answer", "not_scam"}}), 403, "not_warned");
  ExpectError(Call("POST", feedback, c.stranger.token, json::object{{"answer", "not_scam"}}), 403, "not_participant");
  ExpectError(Call("POST", feedback, c.stranger.token, std::string("{")), 403, "not_participant");
  ExpectError(Call("POST", "/api/v1/calls/" + c.id + "/live-warnings/999999/feedback", c.buyer.token,
                   json::object{{"answer", "understood"}}),
              404, "warning_not_found");
  ExpectError(Call("POST", feedback, c.buyer.token, json::object{{"answer", "maybe"}}), 400, "invalid_answer");
  EXPECT_EQ(Call("POST", feedback, c.buyer.token, json::object{{"answer", "not_scam"}}).status, 204u);
  ExpectError(Call("POST", feedback, c.buyer.token, json::object{{"answer", "understood"}}), 409, "already_answered");

  // It counts against the rule's precision, where admins tune rules.
  auto admin = Register("admin@x.test", "Admin");
  MakeAdmin(admin);
  auto rules = Call("GET", "/api/v1/admin/rules", admin.token).Json();
  bool counted = false;
  for (const auto& r : rules.at("items").as_array()) {
    if (S(r.at("id")) == std::to_string(flag.rule_id)) {
      EXPECT_EQ(r.at("live_feedback").at("warnings").as_int64(), 1);
      EXPECT_EQ(r.at("live_feedback").at("not_scam").as_int64(), 1);
      counted = true;
    }
  }
  EXPECT_TRUE(counted);

  const auto metrics = Metrics();
  EXPECT_NE(metrics.find("vitrina_live_warnings_total{category=\"prepayment\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("vitrina_live_cpu_seconds_total"), std::string::npos);
  EXPECT_NE(metrics.find("vitrina_live_final_seconds"), std::string::npos);
}

class LiveCapTest : public LiveTest {
 protected:
  void Configure(app::Config& config) override {
    max_sessions_ = 1;
    LiveTest::Configure(config);
  }
};

TEST_F(LiveCapTest, AStreamOverTheNodesCapGetsNoCaptionsAndTheMetricSaysSo) {
  ASSERT_NE(server_->live_tap_port(), 0);
  auto c = Start();
  auto buyer_ws = Socket(c.buyer);
  const auto call_id = std::stoll(c.id);
  // The buyer's stream takes the one place (its status says so); the seller's, sent next, is
  // refused.
  std::thread buyer([&] {
    SendPaced(server_->live_tap_port(), SpokenStream("is the phone still for sale", *live::StreamSsrc(call_id, false)));
  });
  auto events = Events(*buyer_ws, 10'000, [](const json::object& e) {
    return S(e.at("type")) == "live_status" && S(e.at("speaker")) == "buyer" && S(e.at("state")) == "on";
  });
  SendPaced(server_->live_tap_port(), SpokenStream("yes it is", *live::StreamSsrc(call_id, true)));
  buyer.join();
  for (auto& e : Events(*buyer_ws, 5'000)) events.push_back(std::move(e));
  bool unavailable = false;
  for (const auto& e : events) {
    if (S(e.at("type")) == "live_status" && S(e.at("state")) == "unavailable") {
      EXPECT_EQ(S(e.at("speaker")), "seller");
      unavailable = true;
    }
  }
  EXPECT_TRUE(unavailable);
  EXPECT_EQ(FinalText(events, "seller"), "");
  EXPECT_NE(FinalText(events, "buyer").find("sale"), std::string::npos) << FinalText(events, "buyer");
  const auto metrics = Metrics();
  EXPECT_NE(metrics.find("vitrina_live_sessions_refused_total{reason=\"capacity\"} 1"), std::string::npos);
  // The call itself is untouched.
  auto call = Call("GET", "/api/v1/calls/" + c.id, c.buyer.token).Json();
  EXPECT_EQ(S(call.at("state")), "active");
}

}  // namespace
}  // namespace vitrina
