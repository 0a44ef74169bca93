// Transcripts end to end inside one process: real pocketsphinx on flite speech encoded as
// the recordings are (Opus), the job queue, the store's search index, and the HTTP API with
// its access rules. The calls are written to the store as a finished call would leave them
// (ended, recording ready, one audio file per participant), so no media server is needed.
#include <chrono>
#include <fstream>
#include <thread>

#include "app/demo_call.h"
#include "app/demo_seed.h"
#include "recorded_call.h"
#include "server_fixture.h"

namespace vitrina {
namespace {

using namespace std::chrono_literals;

// What each side says. pocketsphinx (Debian en-us) recognises these voices reliably.
constexpr const char* kBuyerText = "can you turn the camera to the back panel please";
constexpr const char* kSellerText = "the battery holds a charge for two days";

class TranscriptsTest : public ServerTest {
 protected:
  void Configure(app::Config& config) override { config.job_workers = 2; }

  void SetUp() override {
    ServerTest::SetUp();
    seller_ = Register("seller@t.test", "Seller");
    buyer_ = Register("buyer@t.test", "Buyer");
    stranger_ = Register("stranger@t.test", "Stranger");
    moderator_ = Register("mod@t.test", "Mod");
    SetRoles(moderator_, {"user", "moderator"});
    admin_ = Register("admin@t.test", "Admin");
    SetRoles(admin_, {"user", "admin"});
    listing_ = CreateListing(seller_, {{"vertical", "auto"}, {"title", "Old car"}});
  }

  // An ended call of buyer_ and seller_ whose recording is processed: buyer.opus says
  // kBuyerText from 0.5 s, seller.opus kSellerText from 1 s, and seller.opus starts at
  // `seller_offset_ms` on the call's timeline. `corrupt` spoils the seller's file.
  store::Id FinishedCall(std::int64_t seller_offset_ms, bool corrupt = false) {
    const auto recordings = fs::path(app::RecordingsDir(server_->config()));
    const auto id = testing::InsertRecordedCall(
        server_->store(), recordings, std::stoll(listing_), std::stoll(buyer_.id), std::stoll(seller_.id),
        {{"buyer", "slt", kBuyerText, 0.5, 1, 1, 0}, {"seller", "rms", kSellerText, 1.0, 1, 1, seller_offset_ms}},
        clock_.NowMs());
    if (corrupt) {
      std::ofstream(recordings / std::to_string(id) / "processed" / "seller.opus", std::ios::binary | std::ios::trunc)
          << "OggS but not really an Ogg file";
    }
    return id;
  }

  // Polls the call (as the buyer) until its transcript status is `want` (or a deadline).
  json::value WaitForTranscript(store::Id call_id, const std::string& want) {
    json::value call;
    for (int i = 0; i < 1200; ++i) {  // pocketsphinx under ASan: seconds per track
      auto r = Call("GET", "/api/v1/calls/" + std::to_string(call_id), buyer_.token);
      EXPECT_EQ(r.status, 200u) << r.body;
      call = r.Json();
      if (S(call.at("transcript").at("status")) == want) return call;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "transcript never became " << want << ": " << json::serialize(call);
    return call;
  }

  json::array Search(const std::string& token, const std::string& query) {
    auto r = Call("GET", "/api/v1/search?" + query, token);
    EXPECT_EQ(r.status, 200u) << query << ": " << r.body;
    if (r.status != 200u) return {};
    return r.Json().at("items").as_array();
  }

  Account seller_, buyer_, stranger_, moderator_, admin_;
  std::string listing_;
};

TEST_F(TranscriptsTest, RecordedCallIsTranscribedPerSpeakerOnTheCallTimelineAndSearchable) {
  const auto id = FinishedCall(/*seller_offset_ms=*/4'000);
  const auto sid = std::to_string(id);
  ASSERT_TRUE(server_->calls().Reprocess(id, false, std::nullopt));
  WaitForTranscript(id, "ready");

  // The transcript: each side's words under its own speaker, on the call's timeline.
  auto r = Call("GET", "/api/v1/calls/" + sid + "/transcript", buyer_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto t = r.Json().as_object();
  EXPECT_EQ(S(t.at("engine")).rfind("pocketsphinx", 0), 0u) << r.body;
  EXPECT_EQ(t.at("version").as_int64(), 1);
  std::string buyer_text, seller_text;
  std::int64_t battery_at = -1;
  for (const auto& seg : t.at("segments").as_array()) {
    const auto speaker = S(seg.at("speaker"));
    (speaker == "buyer" ? buyer_text : seller_text) += S(seg.at("text")) + " ";
    for (const auto& w : seg.at("words").as_array()) {
      EXPECT_LE(w.at("start_ms").as_int64(), w.at("end_ms").as_int64());
      if (S(w.at("w")) == "battery" && speaker == "seller") battery_at = w.at("start_ms").as_int64();
    }
  }
  EXPECT_NE(buyer_text.find("camera"), std::string::npos) << buyer_text;
  EXPECT_EQ(buyer_text.find("battery"), std::string::npos) << buyer_text;
  EXPECT_NE(seller_text.find("battery"), std::string::npos) << seller_text;
  EXPECT_EQ(seller_text.find("camera"), std::string::npos) << seller_text;
  // "battery" is the second word, about 1.2 s into seller.opus, which starts at 4 s.
  EXPECT_GE(battery_at, 4'000 + 1'000);
  EXPECT_LE(battery_at, 4'000 + 2'500);

  // WebVTT with voice tags.
  r = Call("GET", "/api/v1/calls/" + sid + "/captions.vtt", seller_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body.rfind("WEBVTT\n", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("<v Seller>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<v Buyer>"), std::string::npos) << r.body;

  // Access: participants and moderators; nobody else.
  ExpectError(Call("GET", "/api/v1/calls/" + sid + "/transcript", stranger_.token), 403, "not_participant");
  ExpectError(Call("GET", "/api/v1/calls/" + sid + "/captions.vtt", stranger_.token), 403, "not_participant");
  ExpectError(Call("GET", "/api/v1/calls/" + sid + "/transcript"), 401, "unauthenticated");
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + sid + "/transcript", moderator_.token).status, 200u);
  ExpectError(Call("GET", "/api/v1/calls/999999/transcript", moderator_.token), 404, "call_not_found");

  // Search: the seller's word is a seller hit at its time; never the buyer's.
  auto items = Search(moderator_.token, "q=battery");
  ASSERT_EQ(items.size(), 1u) << json::serialize(items);
  EXPECT_EQ(S(items[0].at("speaker")), "seller");
  EXPECT_EQ(S(items[0].at("call_id")), sid);
  EXPECT_LE(std::abs(items[0].at("start_ms").as_int64() - battery_at), 1'500);
  EXPECT_NE(S(items[0].at("snippet")).find("<mark>battery</mark>"), std::string::npos) << items[0];
  EXPECT_EQ(S(items[0].at("listing_title")), "Old car");
  EXPECT_TRUE(Search(moderator_.token, "q=battery&speaker=buyer").empty());
  EXPECT_EQ(Search(moderator_.token, "q=cameras&speaker=buyer").size(), 1u);  // stemmed
  EXPECT_EQ(Search(moderator_.token, "q=battery&vertical=auto").size(), 1u);
  EXPECT_TRUE(Search(moderator_.token, "q=battery&vertical=goods").empty());
  EXPECT_EQ(Search(moderator_.token, "q=battery&listing_id=" + listing_).size(), 1u);
  EXPECT_EQ(Search(moderator_.token, "q=battery&user_id=" + seller_.id).size(), 1u);
  EXPECT_TRUE(Search(moderator_.token, "q=battery&user_id=" + stranger_.id).empty());
  EXPECT_EQ(Search(moderator_.token, "q=battery&call_id=" + sid).size(), 1u);
  // The participants find it in their own call; a stranger finds nothing, whatever they ask.
  EXPECT_EQ(Search(buyer_.token, "q=battery").size(), 1u);
  EXPECT_EQ(Search(seller_.token, "q=battery").size(), 1u);
  EXPECT_TRUE(Search(stranger_.token, "q=battery").empty());
  EXPECT_TRUE(Search(stranger_.token, "q=battery&user_id=" + seller_.id).empty());
  EXPECT_TRUE(Search(stranger_.token, "q=battery&call_id=" + sid).empty());

  // The call pushed its progress and reads as ready with no error.
  auto call = Call("GET", "/api/v1/calls/" + sid, buyer_.token).Json();
  EXPECT_EQ(S(call.at("transcript").at("status")), "ready");
  EXPECT_TRUE(call.at("transcript").at("error").is_null());

  // The analytics job was queued with the transcript and runs by itself: every segment is an
  // utterance with its tone and the loudness the transcriber measured on the real audio.
  json::value analytics;
  for (int i = 0; i < 600; ++i) {
    r = Call("GET", "/api/v1/calls/" + sid + "/analytics", moderator_.token);
    if (r.status == 200u) {
      analytics = r.Json();
      break;
    }
    ASSERT_EQ(r.status, 409u) << r.body;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(analytics.is_object()) << "the call was never analysed";
  EXPECT_EQ(analytics.at("transcript_version").as_int64(), 1);
  EXPECT_EQ(analytics.at("utterances").as_array().size(), t.at("segments").as_array().size());
  for (const auto& u : analytics.at("utterances").as_array()) {
    ASSERT_TRUE(u.at("loudness").is_object()) << u;
    EXPECT_LT(u.at("loudness").at("dbfs").as_double(), -3.0) << u;
    EXPECT_GT(u.at("loudness").at("dbfs").as_double(), -60.0) << u;
  }
  EXPECT_GT(analytics.at("speakers").at("seller").at("talk_ms").as_int64(), 0);
  EXPECT_GT(analytics.at("speakers").at("buyer").at("words").as_int64(), 0);

  // Reprocessing makes version 2; the search still has one hit, not two.
  auto again = Call("POST", "/api/v1/admin/calls/" + sid + "/reprocess", admin_.token, json::object{});
  ASSERT_EQ(again.status, 202u) << again.body;
  WaitForTranscript(id, "ready");
  for (int i = 0; i < 600; ++i) {
    r = Call("GET", "/api/v1/calls/" + sid + "/transcript", buyer_.token);
    if (r.status == 200u && r.Json().at("version").as_int64() == 2) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(r.Json().at("version").as_int64(), 2) << r.body;
  EXPECT_EQ(Search(moderator_.token, "q=battery").size(), 1u);
  // ...and the new version is analysed in its turn.
  for (int i = 0; i < 600; ++i) {
    r = Call("GET", "/api/v1/calls/" + sid + "/analytics", moderator_.token);
    if (r.status == 200u && r.Json().at("transcript_version").as_int64() == 2) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(r.Json().at("transcript_version").as_int64(), 2) << r.body;
  r = Call("GET", "/api/v1/calls/" + sid + "/transcript?version=1", buyer_.token);
  EXPECT_EQ(r.status, 200u) << r.body;
  // Only admins reprocess.
  ExpectError(Call("POST", "/api/v1/admin/calls/" + sid + "/reprocess", moderator_.token, json::object{}), 403,
              "forbidden");
}

TEST_F(TranscriptsTest, CorruptAudioFailsWithAClearErrorAfterRetriesAndOtherJobsStillRun) {
  const auto bad = FinishedCall(0, /*corrupt=*/true);
  const auto good = FinishedCall(0);
  ASSERT_TRUE(server_->calls().Reprocess(bad, false, std::nullopt));
  ASSERT_TRUE(server_->calls().Reprocess(good, false, std::nullopt));
  auto failed = WaitForTranscript(bad, "failed");
  const auto error = S(failed.at("transcript").at("error"));
  // Participants learn whose audio failed, not the server's paths (those are for admins).
  EXPECT_NE(error.find("seller's audio"), std::string::npos) << error;
  EXPECT_EQ(error.find("/"), std::string::npos) << error;
  WaitForTranscript(good, "ready");
  // The job is failed for good with its error, visible to admins.
  auto jobs = Call("GET", "/api/v1/admin/jobs?state=failed", admin_.token);
  ASSERT_EQ(jobs.status, 200u) << jobs.body;
  bool seen = false;
  const auto listed = jobs.Json();
  for (const auto& j : listed.at("items").as_array()) {
    if (S(j.at("kind")) != "transcript.transcribe") continue;
    seen = true;
    EXPECT_EQ(j.at("attempts").as_int64(), 5);
    EXPECT_NE(S(j.at("last_error")).find("seller.opus"), std::string::npos) << j;
  }
  EXPECT_TRUE(seen) << jobs.body;
  ExpectError(Call("GET", "/api/v1/calls/" + std::to_string(bad) + "/transcript", buyer_.token), 404,
              "transcript_not_found");
}

TEST_F(TranscriptsTest, DemoSeedLeavesARecordedCallTheServerTranscribes) {
  listings::ListingService listings(server_->store(), clock_);
  ASSERT_TRUE(app::SeedDemo(server_->accounts(), listings, "demo-password"));
  auto recordings = app::OpenRecordingStorage(server_->config());
  auto id = app::SeedDemoCall(server_->store(), clock_, *recordings, "ffmpeg");
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(*id);
  auto again = app::SeedDemoCall(server_->store(), clock_, *recordings, "ffmpeg");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "seeding twice makes one call";
  // The server's own workers pick the queued transcription up.
  store::Call call;
  for (int i = 0; i < 1200; ++i) {
    call = **server_->store().Read([&](store::Tx& tx) { return tx.calls().FindById(**id); });
    if (call.transcript_status == "ready" || call.transcript_status == "failed") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(call.transcript_status, "ready") << call.transcript_error.value_or("");
  const auto sid = std::to_string(**id);
  auto items = Search(moderator_.token, "q=prepayment&call_id=" + sid);
  ASSERT_EQ(items.size(), 1u) << json::serialize(items);
  EXPECT_EQ(S(items[0].at("speaker")), "seller");
  EXPECT_TRUE(Search(moderator_.token, "q=bicycle&speaker=seller&call_id=" + sid).empty());
  EXPECT_EQ(Search(moderator_.token, "q=bicycle&speaker=buyer&call_id=" + sid).size(), 1u);
  // A recording a moderator can play.
  auto rec = Call("GET", "/api/v1/calls/" + sid + "/recording", moderator_.token, "", {{"Range", "bytes=0-3"}});
  EXPECT_EQ(rec.status, 206u);
}

TEST_F(TranscriptsTest, SearchRejectsBadInputClearly) {
  ExpectError(Call("GET", "/api/v1/search?q=", buyer_.token), 400, "bad_query");
  ExpectError(Call("GET", "/api/v1/search", buyer_.token), 400, "bad_query");
  ExpectError(Call("GET", "/api/v1/search?q=%22unclosed", buyer_.token), 400, "bad_query");
  ExpectError(Call("GET", "/api/v1/search?q=-only", buyer_.token), 400, "bad_query");
  ExpectError(Call("GET", "/api/v1/search?q=a&speaker=agent", buyer_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/search?q=a&vertical=boats", buyer_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/search?q=a&from=yesterday", buyer_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/search?q=a&from=2026-02-02&to=2026-01-01", buyer_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/search?q=a&cursor=garbage", buyer_.token), 400, "invalid_cursor");
  ExpectError(Call("GET", "/api/v1/search?q=a&limit=0", buyer_.token), 400, "invalid_limit");
  ExpectError(Call("GET", "/api/v1/search?q=a&call_id=x", buyer_.token), 400, "invalid_call_id");
  ExpectError(Call("GET", "/api/v1/search?q=a"), 401, "unauthenticated");
  // Reprocessing: an unknown call, a call without a recording, a malformed body.
  ExpectError(Call("POST", "/api/v1/admin/calls/424242/reprocess", admin_.token, json::object{}), 404,
              "call_not_found");
  ExpectError(Call("POST", "/api/v1/admin/calls/1/reprocess", admin_.token, json::object{{"language", "e n"}}),
              400, "invalid_language");
}

}  // namespace
}  // namespace vitrina
