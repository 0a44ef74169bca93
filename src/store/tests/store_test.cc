// One suite for every store backend (parameterised by driver), never a copy per backend.
#include "store/open.h"
#include "store/store.h"
#include "store/tests/test_backends.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  User AddUser(const std::string& email) {
    auto u = store_->Write([&](Tx& tx) {
      return tx.users().Insert({email, "Name " + email, "hash", {"user"}, "UTC"}, 1000);
    });
    EXPECT_TRUE(u) << u.error().message;
    return *u;
  }

  Listing AddListing(Id seller, const std::string& title, bool video = false) {
    Listing l;
    l.seller_id = seller;
    l.title = title;
    l.description = "d";
    l.price = 100;
    l.vertical = "goods";
    l.video_call_ready = video;
    l.call_hours_json = "{}";
    l.created_at = l.updated_at = 2000;
    auto r = store_->Write([&](Tx& tx) { return tx.listings().Insert(l); });
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotent) {
  auto again = store_->Migrate();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *store_->SchemaVersion());
  EXPECT_GE(*again, 1);
}

TEST_P(StoreTest, UsersRoundTripWithRolesAndUniqueEmail) {
  User u = AddUser("a@x.test");
  EXPECT_EQ(u.roles, std::vector<std::string>{"user"});
  ASSERT_TRUE(store_->Write([&](Tx& tx) {
    return tx.users().SetRoles(u.id, {"user", "moderator"}, 5);
  }));
  auto found = store_->Read([&](Tx& tx) { return tx.users().FindByEmail("a@x.test"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->roles.size(), 2u);
  auto dup = store_->Write([&](Tx& tx) {
    return tx.users().Insert({"a@x.test", "x", "h", {"user"}, "UTC"}, 1);
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "email_taken");
}

TEST_P(StoreTest, FailedTransactionLeavesNothingBehind) {
  auto r = store_->Write([&](Tx& tx) -> Result<int> {
    TRY(tx.users().Insert({"b@x.test", "b", "h", {"user"}, "UTC"}, 1));
    return base::InvalidArgument("later_step_failed", "boom");
  });
  ASSERT_FALSE(r);
  auto found = store_->Read([&](Tx& tx) { return tx.users().FindByEmail("b@x.test"); });
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_P(StoreTest, SqlIshTextIsStoredVerbatim) {
  User u = AddUser("c@x.test");
  const std::string evil = "Robert'); DROP TABLE listings;-- \"%_\\";
  Listing l = AddListing(u.id, evil);
  auto found = store_->Read([&](Tx& tx) { return tx.listings().FindById(l.id); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->title, evil);
  ListingFilter f;
  f.text = "%_";
  auto list = store_->Read([&](Tx& tx) { return tx.listings().List(f); });
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1u);  // the LIKE wildcards were matched literally
}

TEST_P(StoreTest, ListingFeedFiltersAndPaginates) {
  User u = AddUser("d@x.test");
  for (int i = 0; i < 5; ++i) AddListing(u.id, "item" + std::to_string(i), i % 2 == 0);
  ListingFilter f;
  f.video_call_ready = true;
  f.limit = 2;
  auto page1 = *store_->Read([&](Tx& tx) { return tx.listings().List(f); });
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].title, "item4");
  EXPECT_EQ(page1[1].title, "item2");
  f.before_id = page1.back().id;
  auto page2 = *store_->Read([&](Tx& tx) { return tx.listings().List(f); });
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].title, "item0");
  // Listings of a blocked seller disappear from the feed.
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.users().SetStatus(u.id, "blocked", {}, 9); }));
  ListingFilter all;
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return tx.listings().List(all); })->empty());
}

TEST_P(StoreTest, ConversationsMessagesAndUnread) {
  User seller = AddUser("s@x.test");
  User buyer = AddUser("b2@x.test");
  Listing l = AddListing(seller.id, "bike");
  auto created = *store_->Write([&](Tx& tx) {
    return tx.chat().FindOrCreateConversation(l.id, buyer.id, seller.id, 3000);
  });
  EXPECT_TRUE(created.second);
  auto again = *store_->Write([&](Tx& tx) {
    return tx.chat().FindOrCreateConversation(l.id, buyer.id, seller.id, 3001);
  });
  EXPECT_FALSE(again.second);
  EXPECT_EQ(again.first.id, created.first.id);
  const Id conv = created.first.id;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->Write([&](Tx& tx) {
      return tx.chat().InsertMessage(conv, buyer.id, "m" + std::to_string(i), 4000 + i);
    }));
  }
  EXPECT_EQ(*store_->Read([&](Tx& tx) { return tx.chat().UnreadTotal(seller.id); }), 3);
  EXPECT_EQ(*store_->Read([&](Tx& tx) { return tx.chat().UnreadTotal(buyer.id); }), 0);
  auto listed = *store_->Read([&](Tx& tx) { return tx.chat().ListConversations(seller.id, {}, 10); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].unread_count, 3);
  ASSERT_TRUE(listed[0].last_message);
  EXPECT_EQ(listed[0].last_message->text, "m2");
  auto newest = *store_->Read([&](Tx& tx) { return tx.chat().ListMessages(conv, {}, 2); });
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].text, "m1");
  EXPECT_EQ(newest[1].text, "m2");
  auto older = *store_->Read([&](Tx& tx) { return tx.chat().ListMessages(conv, newest[0].id, 2); });
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].text, "m0");
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.chat().MarkRead(conv, seller.id); }));
  EXPECT_EQ(*store_->Read([&](Tx& tx) { return tx.chat().UnreadTotal(seller.id); }), 0);
}

TEST_P(StoreTest, ConcurrentWritersAllLand) {
  User u = AddUser("w@x.test");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) AddListing(u.id, "t" + std::to_string(t));
    });
  }
  for (auto& th : threads) th.join();
  ListingFilter f;
  f.limit = 1000;
  EXPECT_EQ(store_->Read([&](Tx& tx) { return tx.listings().List(f); })->size(), 100u);
}

TEST_P(StoreTest, CallsRoundTripAndOneOpenCallPerConversation) {
  auto seller = AddUser("s@x");
  auto buyer = AddUser("b@x");
  auto listing = AddListing(seller.id, "Bike", true);
  auto conv = store_->Write([&](Tx& tx) {
    return tx.chat().FindOrCreateConversation(listing.id, buyer.id, seller.id, 3000);
  });
  ASSERT_TRUE(conv);
  Call c;
  c.conversation_id = conv->first.id;
  c.listing_id = listing.id;
  c.buyer_id = buyer.id;
  c.seller_id = seller.id;
  c.proposed_by = buyer.id;
  c.join_opens_at = 4000;
  c.join_closes_at = 9000;
  c.created_at = c.updated_at = 4000;
  auto inserted = store_->Write([&](Tx& tx) { return tx.calls().Insert(c); });
  ASSERT_TRUE(inserted) << inserted.error().message;
  auto twin = store_->Write([&](Tx& tx) { return tx.calls().Insert(c); });
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().code, "call_exists");

  Call updated = *inserted;
  updated.state = "active";
  updated.room = 123456789;
  updated.room_pin = "pin";
  updated.buyer.media_id = 42;
  updated.buyer.consent_at = 5000;
  updated.seller.joined_at = 5100;
  updated.recording_status = "recording";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().Update(updated); }));
  auto by_room = store_->Read([&](Tx& tx) { return tx.calls().FindByRoom(123456789); });
  ASSERT_TRUE(by_room && *by_room);
  EXPECT_EQ((*by_room)->id, inserted->id);
  EXPECT_EQ((*by_room)->buyer.media_id, 42);
  EXPECT_EQ((*by_room)->buyer.consent_at, 5000);
  EXPECT_EQ((*by_room)->seller.joined_at, 5100);
  EXPECT_FALSE((*by_room)->seller.consent_at);
  EXPECT_EQ((*by_room)->recording_status, "recording");

  CallFilter mine;
  mine.user_id = seller.id;
  mine.only_open = true;
  EXPECT_EQ(store_->Read([&](Tx& tx) { return tx.calls().List(mine); })->size(), 1u);
  CallFilter stranger;
  stranger.user_id = AddUser("z@x").id;
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return tx.calls().List(stranger); })->empty());
  EXPECT_EQ(store_->Read([&](Tx& tx) { return tx.calls().ListExpired(9001, 10); })->size(), 1u);
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return tx.calls().ListExpired(8999, 10); })->empty());

  // Once it ends, a new call may be proposed in the same conversation.
  updated.state = "ended";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().Update(updated); }));
  EXPECT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().Insert(c); }));

  std::vector<RecordingFile> files = {{inserted->id, "buyer", "audio", "1/buyer.opus", 10, 1000, 0, "ab", 1},
                                      {inserted->id, "combined", "combined", "1/c.webm", 20, 1000, 0, "cd", 1}};
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().ReplaceFiles(inserted->id, files); }));
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().ReplaceFiles(inserted->id, files); }));
  auto read = store_->Read([&](Tx& tx) { return tx.calls().Files(inserted->id); });
  ASSERT_TRUE(read);
  EXPECT_EQ(read->size(), 2u);
}

TEST_P(StoreTest, JobsLeaseRetryAndDedupe) {
  NewJob job{"postprocess", R"({"call_id":"1"})", "postprocess:1", 2, 0};
  auto id = store_->Write([&](Tx& tx) { return tx.jobs().Insert(job, 100); });
  ASSERT_TRUE(id && *id);
  auto twin = store_->Write([&](Tx& tx) { return tx.jobs().Insert(job, 100); });
  ASSERT_TRUE(twin);
  EXPECT_FALSE(*twin) << "a live job with the same key exists";

  auto claim = [&](const std::string& owner, TimeMs now) {
    return *store_->Write(
        [&](Tx& tx) { return tx.jobs().Claim({"postprocess"}, owner, now, 1000); });
  };
  EXPECT_FALSE(*store_->Write([&](Tx& tx) { return tx.jobs().Claim({"other"}, "a", 100, 1000); }));
  auto a = claim("a", 100);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->attempts, 1);
  EXPECT_FALSE(claim("b", 500)) << "leased to a";
  // a goes silent: after the lease, b takes it over and a's completion no longer counts.
  auto b = claim("b", 1200);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->attempts, 2);
  EXPECT_FALSE(*store_->Write([&](Tx& tx) { return tx.jobs().Complete(a->id, "a", 1300); }));
  ASSERT_TRUE(*store_->Write(
      [&](Tx& tx) { return tx.jobs().Fail(b->id, "b", "boom", std::nullopt, 1300); }));
  auto failed = *store_->Read([&](Tx& tx) { return tx.jobs().FindById(b->id); });
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, "failed");
  EXPECT_EQ(failed->last_error, "boom");
  // The key is free again once the job is no longer live; an operator retry requeues it.
  ASSERT_TRUE(*store_->Write([&](Tx& tx) { return tx.jobs().Retry(b->id, 1400); }));
  auto again = claim("c", 1400);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 1);
  ASSERT_TRUE(*store_->Write([&](Tx& tx) {
    return tx.jobs().Fail(again->id, "c", "later", TimeMs{5000}, 1500);
  }));
  EXPECT_FALSE(claim("c", 4999));
  EXPECT_TRUE(claim("c", 5000));
}

TEST_P(StoreTest, AJobWhoseWorkerDiesOnEveryAttemptIsFailedNotRetriedForEver) {
  NewJob job{"transcribe", "{}", std::nullopt, 2, 0};
  auto id = **store_->Write([&](Tx& tx) { return tx.jobs().Insert(job, 100); });
  auto claim = [&](TimeMs now) {
    return *store_->Write([&](Tx& tx) { return tx.jobs().Claim({"transcribe"}, "w", now, 1000); });
  };
  ASSERT_TRUE(claim(100));   // attempt 1: the worker dies (no heartbeat, no completion)
  ASSERT_TRUE(claim(1200));  // attempt 2 after the lease: dies again
  // Taken once more past its attempts: the worker pool gives it up (settling what it left)
  // instead of running it. That run dies too: then the store fails it by itself.
  auto settle = claim(2300);
  ASSERT_TRUE(settle);
  EXPECT_EQ(settle->attempts, 3);
  EXPECT_FALSE(claim(3400)) << "not taken a fourth time";
  auto job_now = **store_->Read([&](Tx& tx) { return tx.jobs().FindById(id); });
  EXPECT_EQ(job_now.state, "failed");
  EXPECT_NE(job_now.last_error.value_or("").find("worker stopped"), std::string::npos) << *job_now.last_error;
  EXPECT_NE(job_now.last_error.value_or("").find("each of its 2 attempts"), std::string::npos)
      << *job_now.last_error;
}

// Workers on different processes (here: a Store object each, as separate worker processes
// would have) claiming from one queue at the same moment, each claim in WriteClaim as the
// worker pool makes it: every job is claimed exactly once. (Claims only: the jobs stay leased
// to their claimant, a long lease, so any second claim would be a double claim.)
TEST_P(StoreTest, JobsAreClaimedExactlyOnceByWorkersOnSeparateStores) {
  constexpr int kWorkers = 6, kJobs = 200;
  std::set<Id> queued;
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> Result<void> {
    for (int i = 0; i < kJobs; ++i) {
      NewJob job{"work", "{\"n\":" + std::to_string(i) + "}", std::nullopt, 3, 0};
      auto id = TRY(tx.jobs().Insert(job, 100));
      if (id) queued.insert(*id);
    }
    return {};
  }));
  ASSERT_EQ(queued.size(), static_cast<std::size_t>(kJobs));

  std::mutex mu;
  std::map<Id, std::vector<std::string>> claimed_by;  // job -> every owner it was leased to
  std::vector<std::string> errors;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWorkers; ++t) {
    threads.emplace_back([&, t] {
      auto opened = OpenStore(options_);
      if (!opened) {
        std::lock_guard lock(mu);
        errors.push_back("open: " + opened.error().message);
        return;
      }
      auto& store = **opened;
      const std::string owner = "worker-" + std::to_string(t);
      ready++;
      while (ready.load() < kWorkers) std::this_thread::yield();
      while (true) {
        // A long lease: nothing expires during the test, so a second claim is a double claim.
        auto job = store.WriteClaim([&](Tx& tx) { return tx.jobs().Claim({"work"}, owner, 200, 3'600'000); });
        if (!job) {
          std::lock_guard lock(mu);
          errors.push_back("claim: " + job.error().code + ": " + job.error().message);
          return;
        }
        if (!*job) return;
        {
          std::lock_guard lock(mu);
          claimed_by[(*job)->id].push_back(owner);
        }
        // Finished as the worker pool finishes it (WriteClaim: one guarded row update).
        auto done = store.WriteClaim([&](Tx& tx) { return tx.jobs().Complete((*job)->id, owner, 300); });
        if (!done || !*done) {
          std::lock_guard lock(mu);
          errors.push_back("complete: " + (done ? std::string("lease lost") : done.error().message));
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, the first: " << errors.front();
  std::set<Id> claimed;
  for (const auto& [id, owners] : claimed_by) {
    EXPECT_EQ(owners.size(), 1u) << "job " << id << " was claimed " << owners.size() << " times";
    claimed.insert(id);
  }
  EXPECT_EQ(claimed, queued);
  auto jobs = *store_->Read([&](Tx& tx) { return tx.jobs().List(std::nullopt, std::nullopt, 1000); });
  ASSERT_EQ(jobs.size(), static_cast<std::size_t>(kJobs));
  for (const auto& j : jobs) {
    EXPECT_EQ(j.state, "done") << j.id;  // completed by the one worker that claimed it
    EXPECT_EQ(j.attempts, 1) << j.id;
    EXPECT_TRUE(claimed_by.count(j.id)) << j.id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
