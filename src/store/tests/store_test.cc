// One suite for every store backend (parameterised by driver), never a copy per backend.
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
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
    StoreOptions options;
    options.driver = GetParam();
    options.sqlite_path = (dir_ / "test.db").string();
    auto opened = OpenStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
  }
  void TearDown() override {
    store_.reset();
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite"));

}  // namespace
}  // namespace vitrina::store
