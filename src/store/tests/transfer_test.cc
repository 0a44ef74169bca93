// `vitrina migrate --from <sqlite> --to postgresql://`: the copy and its checks.
#include "store/transfer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/open.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-transfer-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    sqlite_ = test_backends::FreshStoreOptions("sqlite", dir_);
    postgres_ = test_backends::FreshStoreOptions("postgres", dir_);
  }
  void TearDown() override {
    test_backends::DropFreshStore(postgres_);
    fs::remove_all(dir_);
  }

  // A small site: users, a listing, a conversation with messages, audit entries.
  void Populate(Store& s) {
    auto ok = s.Write([&](Tx& tx) -> Result<void> {
      auto seller = TRY(tx.users().Insert({"s@x.test", "Seller\tTab", "h", {"user"}, "UTC"}, 1000));
      auto buyer = TRY(tx.users().Insert({"b@x.test", "Buyer\\Back\nslash", "h", {"user", "moderator"}, "UTC"}, 1000));
      Listing l;
      l.seller_id = seller.id;
      l.title = "Камера «Зенит»";
      l.description = "line one\nline two\r\n";
      l.price = 1500;
      l.vertical = "goods";
      l.call_hours_json = "{}";
      l.created_at = l.updated_at = 2000;
      auto listing = TRY(tx.listings().Insert(l));
      auto conv = TRY(tx.chat().FindOrCreateConversation(listing.id, buyer.id, seller.id, 3000));
      for (int i = 0; i < 5; ++i) {
        TRY(tx.chat().InsertMessage(conv.first.id, i % 2 ? buyer.id : seller.id, "message " + std::to_string(i), 3000 + i));
      }
      for (int i = 0; i < 20; ++i) {
        TRY(tx.audit().Append({buyer.id, "test.action", "user", std::to_string(i), R"({"n":1})", "[]"}, 4000 + i));
      }
      return {};
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }

  fs::path dir_;
  StoreOptions sqlite_;
  StoreOptions postgres_;
};

TEST_F(TransferTest, CopiesEveryRowAndTheAuditChainStillVerifies) {
  {
    auto source = OpenStore(sqlite_);
    ASSERT_TRUE(source) << source.error().message;
    ASSERT_TRUE((*source)->Migrate());
    Populate(**source);
  }
  auto report = CopySqliteToPostgres(sqlite_.sqlite.path, postgres_.postgres.url, nullptr);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok);
  std::map<std::string, std::int64_t> rows;
  for (const auto& t : report->tables) {
    EXPECT_EQ(t.source_rows, t.target_rows) << t.name;
    rows[t.name] = t.target_rows;
  }
  EXPECT_EQ(rows["users"], 2);
  EXPECT_EQ(rows["messages"], 5);
  EXPECT_EQ(rows["audit_log"], 20);
  EXPECT_EQ(report->audit.entries, 20);
  EXPECT_FALSE(report->audit.first_broken);
  EXPECT_FALSE(report->source_audit_head.empty());
  EXPECT_EQ(report->source_audit_head, report->target_audit_head);

  // The copy reads back byte for byte, and new rows take ids after the copied ones.
  auto target = OpenStore(postgres_);
  ASSERT_TRUE(target) << target.error().message;
  auto buyer = (*target)->Read([](Tx& tx) { return tx.users().FindByEmail("b@x.test"); });
  ASSERT_TRUE(buyer && *buyer);
  EXPECT_EQ((*buyer)->display_name, "Buyer\\Back\nslash");
  EXPECT_EQ((*buyer)->roles.size(), 2u);
  auto added = (*target)->Write([](Tx& tx) { return tx.users().Insert({"new@x.test", "New", "h", {"user"}, "UTC"}, 9000); });
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->id, 3);
  auto entry = (*target)->Write([](Tx& tx) { return tx.audit().Append({std::nullopt, "after.copy", "x", "1", "{}", "[]"}, 9000); });
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->id, 21);
  EXPECT_EQ(entry->prev_hash, report->target_audit_head);
  auto verified = VerifyAuditChain(**target);
  ASSERT_TRUE(verified);
  EXPECT_FALSE(verified->first_broken);
}

TEST_F(TransferTest, RefusesATargetThatAlreadyHasData) {
  {
    auto source = OpenStore(sqlite_);
    ASSERT_TRUE(source && (*source)->Migrate());
    Populate(**source);
    auto target = OpenStore(postgres_);
    ASSERT_TRUE(target && (*target)->Migrate());
    auto u = (*target)->Write([](Tx& tx) { return tx.users().Insert({"x@x.test", "X", "h", {"user"}, "UTC"}, 1); });
    ASSERT_TRUE(u) << u.error().message;
  }
  auto report = CopySqliteToPostgres(sqlite_.sqlite.path, postgres_.postgres.url, nullptr);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "target_not_empty");
}

TEST_F(TransferTest, AChangedAuditRowInTheSourceFailsTheCheck) {
  {
    auto source = OpenStore(sqlite_);
    ASSERT_TRUE(source && (*source)->Migrate());
    Populate(**source);
  }
  // Someone edited the SQLite file behind the application's back (the trigger dropped).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(sqlite_.sqlite.path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER audit_log_no_update;"
                         "UPDATE audit_log SET details = '{\"n\":2}' WHERE id = 7;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto report = CopySqliteToPostgres(sqlite_.sqlite.path, postgres_.postgres.url, nullptr);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->ok);
  ASSERT_TRUE(report->audit.first_broken);
  EXPECT_EQ(*report->audit.first_broken, 7);
}

}  // namespace
}  // namespace vitrina::store
