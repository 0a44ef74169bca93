// The audit log, on every backend: every entry chained to the one before; the database refuses
// edits; an edit made behind its back (trigger dropped or disabled) is found by
// VerifyAuditChain at that entry; appends from several processes at once keep one chain.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "store/open.h"
#include "store/store.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-audit-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
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
  bool postgres() const { return GetParam() == "postgres"; }

  AuditEntry Append(const std::string& action, std::optional<Id> actor, TimeMs at) {
    auto e = store_->Write([&](Tx& tx) {
      return tx.audit().Append({actor, action, "call", "7", R"({"k":1})", R"([{"path":"a","sha256":"00"}])"}, at);
    });
    EXPECT_TRUE(e) << e.error().message;
    return *e;
  }

  // Runs SQL on a connection of its own, outside the store (as someone with the file or a
  // database login would); true when every statement succeeded.
  bool RawExec(const std::string& sql) {
    if (!postgres()) {
      sqlite3* db = nullptr;
      EXPECT_EQ(sqlite3_open(options_.sqlite.path.c_str(), &db), SQLITE_OK);
      const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
      sqlite3_close(db);
      return rc == SQLITE_OK;
    }
    PGconn* conn = PQconnectdb(options_.postgres.url.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* res = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(res);
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    PQclear(res);
    PQfinish(conn);
    return ok;
  }

  // SQL that switches off one of the append-only triggers, then `sql` (the tampering).
  std::string WithoutTrigger(const std::string& trigger, const std::string& sql) {
    return (postgres() ? "ALTER TABLE audit_log DISABLE TRIGGER " + trigger + "; "
                       : "DROP TRIGGER " + trigger + "; ") +
           sql;
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(AuditTest, EntriesAreChainedAndVerify) {
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
  EXPECT_EQ(listed[0].hash, b.hash);
  f = {};
  f.before_id = 3;
  f.limit = 1;
  listed = *store_->Read([&](Tx& tx) { return tx.audit().List(f); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, 2);
  f = {};
  f.actor_id = 5;
  f.object_type = "call";
  f.object_id = "7";
  listed = *store_->Read([&](Tx& tx) { return tx.audit().List(f); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, 2);
  EXPECT_EQ(listed[1].id, 1);
  EXPECT_FALSE(listed[1].actor_id == std::nullopt);
  auto scanned = *store_->Read([&](Tx& tx) { return tx.audit().Scan(1, 10); });
  ASSERT_EQ(scanned.size(), 2u);
  EXPECT_EQ(scanned[1].actor_id, std::nullopt);
}

TEST_P(AuditTest, TheDatabaseRefusesEditsAndDeletes) {
  Append("recording.accessed", 5, 1'000);
  EXPECT_FALSE(RawExec("UPDATE audit_log SET details = '{}' WHERE id = 1"));
  EXPECT_FALSE(RawExec("DELETE FROM audit_log WHERE id = 1"));
  if (postgres()) {
    EXPECT_FALSE(RawExec("TRUNCATE audit_log"));  // skips row triggers: refused by one of its own
  }
  auto ok = VerifyAuditChain(*store_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->entries, 1);
  EXPECT_FALSE(ok->first_broken);
}

TEST_P(AuditTest, AnEditBehindItsBackBreaksTheChainAtThatEntry) {
  for (int i = 0; i < 5; ++i) Append("recording.accessed", 5, 1'000 + i);
  ASSERT_TRUE(RawExec(WithoutTrigger("audit_log_no_update", "UPDATE audit_log SET actor_id = 6 WHERE id = 3")));
  auto broken = VerifyAuditChain(*store_);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->first_broken, 3);
  EXPECT_NE(broken->reason.find("changed"), std::string::npos) << broken->reason;
}

TEST_P(AuditTest, ARewrittenHashOrADeletedEntryIsFoundToo) {
  for (int i = 0; i < 4; ++i) Append("recording.accessed", 5, 1'000 + i);
  // Recomputing the edited entry's own hash does not help: the next entry's link breaks.
  auto e2 = **store_->Read([&](Tx& tx) -> Result<std::optional<AuditEntry>> {
    auto rows = TRY(tx.audit().Scan(1, 1));
    return rows.empty() ? std::nullopt : std::optional<AuditEntry>(rows[0]);
  });
  e2.details = R"({"k":2})";
  const auto rehash = AuditEntryHash(e2);
  ASSERT_TRUE(RawExec(WithoutTrigger("audit_log_no_update", "UPDATE audit_log SET details = '{\"k\":2}', hash = '" +
                                                                rehash + "' WHERE id = 2")));
  auto broken = VerifyAuditChain(*store_);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->first_broken, 3);
  ASSERT_TRUE(RawExec(WithoutTrigger("audit_log_no_delete", "DELETE FROM audit_log WHERE id = 1")));
  broken = VerifyAuditChain(*store_);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->first_broken, 1);
}

// Eight processes (each with its own Store on the same database) appending at once: the
// appends queue, so ids stay gapless, no entry is lost and the chain verifies end to end.
TEST_P(AuditTest, ConcurrentAppendsFromSeveralProcessesKeepOneChain) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 15;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) {
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    stores.push_back(std::move(*opened));
  }
  std::atomic<int> failures{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        auto e = stores[static_cast<std::size_t>(t)]->Write([&](Tx& tx) -> Result<AuditEntry> {
          // Half the writers append after other work in the transaction, as most callers do.
          if (t % 2 == 1) TRY(tx.users().FindById(1));
          return tx.audit().Append({Id{100 + t}, "recording.accessed", "call", std::to_string(i), "{}", "[]"},
                                   10'000 + i);
        });
        if (!e) {
          ++failures;
          ADD_FAILURE() << "thread " << t << " append " << i << ": " << e.error().message;
        }
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  stores.clear();
  EXPECT_EQ(failures.load(), 0);

  auto verified = VerifyAuditChain(*store_);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->entries, kThreads * kPerThread);
  EXPECT_FALSE(verified->first_broken) << *verified->first_broken << ": " << verified->reason;
  // Every append is there exactly once.
  auto all = *store_->Read([&](Tx& tx) { return tx.audit().Scan(0, kThreads * kPerThread + 10); });
  std::set<std::pair<Id, std::string>> seen;
  for (const auto& e : all) {
    ASSERT_TRUE(e.actor_id);
    EXPECT_TRUE(seen.emplace(*e.actor_id, e.object_id).second) << "duplicate " << *e.actor_id << "/" << e.object_id;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
