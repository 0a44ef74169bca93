// The audit log: every entry chained to the one before; the database refuses edits; an edit
// made behind its back (trigger dropped) is found by VerifyAuditChain at that entry.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/open.h"
#include "store/store.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-audit-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    StoreOptions options;
    options.sqlite.path = (dir_ / "audit.db").string();
    store_ = std::move(*OpenStore(options));
    ASSERT_TRUE(store_->Migrate());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  AuditEntry Append(const std::string& action, std::optional<Id> actor, TimeMs at) {
    auto e = store_->Write([&](Tx& tx) {
      return tx.audit().Append({actor, action, "call", "7", R"({"k":1})", R"([{"path":"a","sha256":"00"}])"}, at);
    });
    EXPECT_TRUE(e) << e.error().message;
    return *e;
  }
  // Runs SQL on a connection of its own, outside the store (as someone with the file would).
  int RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_ / "audit.db").c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTest, EntriesAreChainedAndVerify) {
  auto empty = VerifyAuditChain(*store_);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->entries, 0);
  EXPECT_FALSE(empty->first_broken);
  const auto a = Append("recording.accessed", 5, 1'000);
  const auto b = Append("transcript.accessed", 5, 2'000);
  const auto c = Append("retention.deleted", std::nullopt, 3'000);
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.prev_hash, "");
  EXPECT_EQ(b.prev_hash, a.hash);
  EXPECT_EQ(c.prev_hash, b.hash);
  EXPECT_EQ(c.hash, AuditEntryHash(c));
  EXPECT_EQ(a.hash.size(), 64u);
  auto ok = VerifyAuditChain(*store_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->entries, 3);
  EXPECT_FALSE(ok->first_broken) << ok->reason;

  AuditFilter f;
  f.action = "transcript.accessed";
  auto listed = *store_->Read([&](Tx& tx) { return tx.audit().List(f); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, b.id);
  EXPECT_EQ(listed[0].details, R"({"k":1})");
  f = {};
  f.before_id = 3;
  f.limit = 1;
  listed = *store_->Read([&](Tx& tx) { return tx.audit().List(f); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, 2);
}

TEST_F(AuditTest, TheDatabaseRefusesEditsAndDeletes) {
  Append("recording.accessed", 5, 1'000);
  EXPECT_NE(RawExec("UPDATE audit_log SET details = '{}' WHERE id = 1"), SQLITE_OK);
  EXPECT_NE(RawExec("DELETE FROM audit_log WHERE id = 1"), SQLITE_OK);
  auto ok = VerifyAuditChain(*store_);
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->first_broken);
}

TEST_F(AuditTest, AnEditBehindItsBackBreaksTheChainAtThatEntry) {
  for (int i = 0; i < 5; ++i) Append("recording.accessed", 5, 1'000 + i);
  ASSERT_EQ(RawExec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = 6 WHERE id = 3"), SQLITE_OK);
  auto broken = VerifyAuditChain(*store_);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->first_broken, 3);
  EXPECT_NE(broken->reason.find("changed"), std::string::npos) << broken->reason;
}

TEST_F(AuditTest, ARewrittenHashOrADeletedEntryIsFoundToo) {
  for (int i = 0; i < 4; ++i) Append("recording.accessed", 5, 1'000 + i);
  // Recomputing the edited entry's own hash does not help: the next entry's link breaks.
  auto e2 = **store_->Read([&](Tx& tx) -> Result<std::optional<AuditEntry>> {
    auto rows = TRY(tx.audit().Scan(1, 1));
    return rows.empty() ? std::nullopt : std::optional<AuditEntry>(rows[0]);
  });
  e2.details = R"({"k":2})";
  const auto rehash = AuditEntryHash(e2);
  ASSERT_EQ(RawExec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '{\"k\":2}', hash = '" + rehash +
                    "' WHERE id = 2"),
            SQLITE_OK);
  auto broken = VerifyAuditChain(*store_);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->first_broken, 3);
  ASSERT_EQ(RawExec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 1"), SQLITE_OK);
  broken = VerifyAuditChain(*store_);
  EXPECT_EQ(broken->first_broken, 1);
}

}  // namespace
}  // namespace vitrina::store
