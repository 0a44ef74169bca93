// CallService against a real SQLite store and a fake media server (the one class under test).
#include "calls/call_service.h"
#include "store/open.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <set>

namespace vitrina::calls {
namespace {

namespace fs = std::filesystem;

// Records what the service asks of the media server; rooms and presence are set by tests.
class FakeMediaServer final : public media::MediaServer {
 public:
  Result<void> EnsureRoom(const media::RoomSpec& spec) override {
    std::lock_guard lock(mu);
    if (down) return base::Fail(base::ErrorKind::kUnavailable, "media_unavailable", "down");
    rooms.insert(spec.room);
    last_spec = spec;
    return {};
  }
  Result<void> DestroyRoom(std::int64_t room, const std::string&) override {
    std::lock_guard lock(mu);
    rooms.erase(room);
    ++destroyed;
    return {};
  }
  Result<std::vector<std::int64_t>> Participants(std::int64_t) override {
    std::lock_guard lock(mu);
    if (down) return base::Fail(base::ErrorKind::kUnavailable, "media_unavailable", "down");
    return present;
  }
  Result<void> Kick(std::int64_t, const std::string&, std::int64_t participant) override {
    std::lock_guard lock(mu);
    kicked.push_back(participant);
    return {};
  }
  Result<void> Ping() override {
    std::lock_guard lock(mu);
    if (down) return base::Fail(base::ErrorKind::kUnavailable, "media_unavailable", "down");
    return {};
  }
  std::string Describe() const override { return "fake"; }

  std::mutex mu;
  bool down = false;
  std::set<std::int64_t> rooms;
  media::RoomSpec last_spec;
  int destroyed = 0;
  std::vector<std::int64_t> present;
  std::vector<std::int64_t> kicked;
};

class CallServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-calls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    store::StoreOptions o;
    o.sqlite.path = (dir_ / "t.db").string();
    store_ = std::move(*store::OpenStore(o));
    ASSERT_TRUE(store_->Migrate());
    CallOptions options;
    options.recordings = std::make_shared<media::LocalRecordingStorage>(dir_ / "recordings");
    service_ = std::make_unique<CallService>(*store_, clock_, std::vector<MediaNode>{{&media_, "", 8188}},
                                             processor_, options, nullptr);
    seller_ = AddUser("s@x");
    buyer_ = AddUser("b@x");
    store::Listing l;
    l.seller_id = seller_.id;
    l.title = "Bike";
    l.description = "d";
    l.vertical = "goods";
    l.video_call_ready = true;
    l.call_hours_json = R"({"timezone":"UTC","weekly":[]})";
    auto listing = *store_->Write([&](store::Tx& tx) { return tx.listings().Insert(l); });
    conversation_ = store_->Write([&](store::Tx& tx) {
                            return tx.chat().FindOrCreateConversation(listing.id, buyer_.id, seller_.id, 1);
                          })->first.id;
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  store::User AddUser(const std::string& email) {
    return *store_->Write([&](store::Tx& tx) {
      return tx.users().Insert({email, email, "hash", {"user"}, "UTC"}, 1);
    });
  }
  // A call the buyer proposed and the seller accepted; the buyer joined (consent given).
  store::Call Joined() {
    auto call = service_->Propose(buyer_, conversation_, std::nullopt);
    EXPECT_TRUE(call) << call.error().message;
    EXPECT_TRUE(service_->Accept(seller_, call->id));
    auto grant = service_->Join(buyer_, call->id, true, "127.0.0.1:8080");
    EXPECT_TRUE(grant) << grant.error().message;
    return grant->call;
  }
  store::Call Load(store::Id id) {
    return **store_->Read([&](store::Tx& tx) { return tx.calls().FindById(id); });
  }
  void Event(media::MediaEvent::Kind kind, const store::Call& call, std::int64_t id,
             const std::string& token = "") {
    service_->OnMediaEvents({{kind, call.room, id, clock_.NowMs(), token}});
  }

  fs::path dir_;
  base::ManualClock clock_{1'800'000'000'000};
  std::unique_ptr<store::Store> store_;
  FakeMediaServer media_;
  media::RecordingProcessor processor_;
  std::unique_ptr<CallService> service_;
  store::User seller_, buyer_;
  store::Id conversation_ = 0;
};

TEST(PlaceCallTest, FewestOpenCallsAmongNodesThatAnswer) {
  EXPECT_EQ(PlaceCall({true, true, true}, {3, 1, 2}), 1u);
  EXPECT_EQ(PlaceCall({true, false, true}, {3, 1, 2}), 2u);  // the least loaded is down
  EXPECT_EQ(PlaceCall({true, true}, {2, 2}), 0u);           // ties: the lower index
  EXPECT_EQ(PlaceCall({false, false}, {5, 4}), 1u);         // none answers: least loaded
  EXPECT_EQ(PlaceCall({true}, {0}), 0u);
}

// Calls spread over the media nodes by their open calls (counted in the store, so every server
// process places alike), and a node that stops answering gets no new calls until it is back.
TEST_F(CallServiceTest, NewCallsGoToTheLeastLoadedHealthyNode) {
  FakeMediaServer second;
  CallOptions options;
  options.recordings = std::make_shared<media::LocalRecordingStorage>(dir_ / "recordings");
  CallService two(*store_, clock_, std::vector<MediaNode>{{&media_, "", 8188}, {&second, "", 8189}}, processor_,
                  options, nullptr);
  auto place = [&](int n) {
    const auto buyer = AddUser("b" + std::to_string(n) + "@x");
    auto listing = *store_->Read([&](store::Tx& tx) { return tx.chat().FindConversation(conversation_, seller_.id); });
    const auto conv = store_->Write([&](store::Tx& tx) {
                        return tx.chat().FindOrCreateConversation((*listing).listing_id, buyer.id, seller_.id, 1);
                      })->first.id;
    auto call = two.Propose(buyer, conv, std::nullopt);
    EXPECT_TRUE(call) << call.error().message;
    EXPECT_TRUE(two.Accept(seller_, call->id));
    auto grant = two.Join(buyer, call->id, true, "127.0.0.1:8080");
    EXPECT_TRUE(grant) << grant.error().message;
    return grant->call.media_node;
  };
  EXPECT_EQ(place(1), "0");
  EXPECT_EQ(place(2), "1");
  EXPECT_EQ(place(3), "0");
  EXPECT_EQ(place(4), "1");
  {
    std::lock_guard lock(second.mu);
    second.down = true;
  }
  two.CheckMediaNodes();
  EXPECT_EQ(place(5), "0");
  EXPECT_EQ(place(6), "0");  // node 0 now holds 4 open calls, node 1 two: still node 0
  {
    std::lock_guard lock(second.mu);
    second.down = false;
  }
  two.CheckMediaNodes();
  EXPECT_EQ(place(7), "1");
}

// A node that died since its last health check: the first join finds out (no room), marks
// it down and moves the call to a node that answers; nobody notices. Once someone is in the
// room, a call is never moved (the browsers reconnect to its node instead).
TEST_F(CallServiceTest, AJoinMovesANewCallOffANodeThatDiedSinceItsLastCheck) {
  FakeMediaServer second;
  CallOptions options;
  options.recordings = std::make_shared<media::LocalRecordingStorage>(dir_ / "recordings");
  CallService two(*store_, clock_, std::vector<MediaNode>{{&media_, "", 8188}, {&second, "", 8189}}, processor_,
                  options, nullptr);
  {
    std::lock_guard lock(media_.mu);
    media_.down = true;  // node 0 died; no health check has run since
  }
  auto call = two.Propose(buyer_, conversation_, std::nullopt);
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_TRUE(two.Accept(seller_, call->id));
  auto grant = two.Join(buyer_, call->id, true, "127.0.0.1:8080");
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_EQ(grant->call.media_node, "1");
  EXPECT_EQ(grant->janus_url, "ws://127.0.0.1:8189/");
  EXPECT_EQ(second.rooms.count(grant->room), 1u);
  EXPECT_EQ(Load(call->id).media_node, "1");
  auto seller_grant = two.Join(seller_, call->id, true, "127.0.0.1:8080");
  ASSERT_TRUE(seller_grant);
  EXPECT_EQ(seller_grant->janus_url, "ws://127.0.0.1:8189/") << "both in one room on one node";

  // Both nodes gone: the call cannot happen, it ends as failed.
  {
    std::lock_guard lock(second.mu);
    second.down = true;
  }
  ASSERT_TRUE(two.Hangup(buyer_, call->id));
  auto other = two.Propose(buyer_, conversation_, std::nullopt);
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE(two.Accept(seller_, other->id));
  auto refused = two.Join(buyer_, other->id, true, "h");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "media_unavailable");
  EXPECT_EQ(Load(other->id).state, "failed");
}

TEST_F(CallServiceTest, JoinCreatesALockedRoomAndAPersonalGrant) {
  auto call = Joined();
  EXPECT_EQ(call.state, "active");
  ASSERT_EQ(media_.rooms.count(call.room), 1u);
  EXPECT_EQ(media_.last_spec.pin, call.room_pin);
  EXPECT_EQ(media_.last_spec.allowed,
            (std::vector<std::string>{call.buyer.room_token, call.seller.room_token}));
  EXPECT_EQ(media_.last_spec.rec_dir, fs::absolute(service_->RawDir(call.id)).string());
  auto seller_grant = service_->Join(seller_, call.id, true, "[::1]:8080");
  ASSERT_TRUE(seller_grant);
  EXPECT_EQ(seller_grant->janus_url, "ws://[::1]:8188/");
  EXPECT_EQ(seller_grant->token, call.seller.room_token);
  EXPECT_NE(seller_grant->token, call.buyer.room_token);
  EXPECT_EQ(seller_grant->participant_id, call.seller.media_id);
  EXPECT_EQ(seller_grant->display, "seller");
  EXPECT_EQ(seller_grant->room, call.room) << "the second join reuses the room";
}

TEST_F(CallServiceTest, EventsSetPresenceAndIntrudersAreKicked) {
  auto call = Joined();
  Event(media::MediaEvent::Kind::kJoined, call, call.buyer.media_id, call.buyer.room_token);
  EXPECT_EQ(Load(call.id).buyer.joined_at, clock_.NowMs());
  // The seller's id entered with the buyer's token, and an id nobody was given.
  Event(media::MediaEvent::Kind::kJoined, call, call.seller.media_id, call.buyer.room_token);
  Event(media::MediaEvent::Kind::kJoined, call, 12345);
  EXPECT_FALSE(Load(call.id).seller.joined_at);
  EXPECT_EQ(media_.kicked, (std::vector<std::int64_t>{call.seller.media_id, 12345}));
  clock_.Advance(1000);
  Event(media::MediaEvent::Kind::kLeft, call, call.buyer.media_id);
  EXPECT_EQ(Load(call.id).buyer.left_at, clock_.NowMs());
  clock_.Advance(1000);
  Event(media::MediaEvent::Kind::kJoined, call, call.buyer.media_id);
  EXPECT_FALSE(Load(call.id).buyer.left_at) << "back after a drop";
  EXPECT_EQ(Load(call.id).buyer.joined_at, clock_.NowMs() - 2000) << "first join kept";
}

TEST_F(CallServiceTest, OneSidedCallEndsAsNoShowOfTheOther) {
  auto call = Joined();
  Event(media::MediaEvent::Kind::kJoined, call, call.buyer.media_id);
  media_.present = {call.buyer.media_id};
  clock_.Advance(10 * 60'000 + 1);
  service_->Sweep();
  auto missed = Load(call.id);
  EXPECT_EQ(missed.state, "missed");
  EXPECT_EQ(missed.no_show, "seller");
  EXPECT_EQ(missed.recording_status, "pending") << "the buyer's side is still processed";
  EXPECT_EQ(media_.rooms.count(call.room), 0u) << "room destroyed";
}

TEST_F(CallServiceTest, LostJoinedEventsAreRecoveredFromTheRoomBeforeAnyNoShow) {
  auto call = Joined();
  ASSERT_TRUE(service_->Join(seller_, call.id, true, "h"));
  media_.present = {call.buyer.media_id, call.seller.media_id};  // events never arrived
  clock_.Advance(10 * 60'000 + 1);
  service_->Sweep();
  auto still = Load(call.id);
  EXPECT_EQ(still.state, "active");
  EXPECT_TRUE(still.buyer.joined_at && still.seller.joined_at);
}

TEST_F(CallServiceTest, CallEveryoneLeftEndsAfterTheGraceAndLostLeavesAreNoticed) {
  auto call = Joined();
  Event(media::MediaEvent::Kind::kJoined, call, call.buyer.media_id);
  Event(media::MediaEvent::Kind::kJoined, call, call.seller.media_id);
  // Both vanish without "leaving" events (say the media server died with them).
  media_.present = {};
  service_->Sweep();
  auto marked = Load(call.id);
  EXPECT_TRUE(marked.buyer.left_at && marked.seller.left_at);
  EXPECT_EQ(marked.state, "active") << "they may come back";
  clock_.Advance(60'001);
  service_->Sweep();
  auto ended = Load(call.id);
  EXPECT_EQ(ended.state, "ended");
  EXPECT_EQ(ended.end_reason, "left");
  EXPECT_EQ(ended.recording_status, "pending");
}

TEST_F(CallServiceTest, MediaDownFailsOnlyACallNobodyIsIn) {
  media_.down = true;
  auto call = service_->Propose(buyer_, conversation_, std::nullopt);
  ASSERT_TRUE(service_->Accept(seller_, call->id));
  auto refused = service_->Join(buyer_, call->id, true, "h");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "media_unavailable");
  EXPECT_EQ(Load(call->id).state, "failed");

  media_.down = false;
  auto live = Joined();
  Event(media::MediaEvent::Kind::kJoined, live, live.buyer.media_id);
  media_.down = true;  // restarting
  auto retry = service_->Join(buyer_, live.id, true, "h");
  ASSERT_FALSE(retry);
  EXPECT_EQ(retry.error().code, "media_unavailable");
  EXPECT_EQ(Load(live.id).state, "active") << "a call in progress survives a media restart";
}

}  // namespace
}  // namespace vitrina::calls

namespace vitrina::calls {
namespace {

// A user blocked by a moderator: their active call ends now (the room destroyed, post-processing
// queued as after a hang-up), an open proposal of theirs is cancelled, and nobody can propose a
// call to them.
TEST_F(CallServiceTest, ABlockedUsersCallsEndAndNoNewOnesStart) {
  auto active = Joined();
  ASSERT_EQ(active.state, "active");
  // A second conversation with another buyer, where a call is only proposed.
  auto other = AddUser("o@x");
  const auto listing = Load(active.id).listing_id;
  const auto conv2 = store_->Write([&](store::Tx& tx) {
                       return tx.chat().FindOrCreateConversation(listing, other.id, seller_.id, 1);
                     })->first.id;
  auto proposed = service_->Propose(other, conv2, std::nullopt);
  ASSERT_TRUE(proposed) << proposed.error().message;

  ASSERT_TRUE(store_->Write([&](store::Tx& tx) {
    return tx.users().SetStatus(seller_.id, "blocked", std::nullopt, clock_.NowMs());
  }));
  service_->EndCallsOf(seller_.id, "user_blocked");
  auto ended = Load(active.id);
  EXPECT_EQ(ended.state, "ended");
  EXPECT_EQ(ended.end_reason, "user_blocked");
  EXPECT_EQ(ended.recording_status, "pending");
  EXPECT_EQ(media_.rooms.count(active.room), 0u) << "the room is destroyed";
  auto cancelled = Load(proposed->id);
  EXPECT_EQ(cancelled.state, "cancelled");
  EXPECT_EQ(cancelled.end_reason, "user_blocked");

  auto again = service_->Propose(buyer_, conversation_, std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "counterpart_blocked");
}

}  // namespace
}  // namespace vitrina::calls
