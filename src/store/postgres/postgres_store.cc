#include "store/postgres/postgres_store.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "store/postgres/analytics.h"
#include "store/postgres/audit.h"
#include "store/postgres/calls_jobs.h"
#include "store/postgres/core.h"
#include "store/quality_sql.h"
#include "store/postgres/detection.h"
#include "store/postgres/event_bus.h"
#include "store/postgres/insights.h"
#include "store/postgres/limits.h"
#include "store/postgres/migrations.h"
#include "store/postgres/moderation.h"
#include "store/postgres/pg.h"
#include "store/postgres/sellers.h"
#include "store/postgres/transcripts.h"

namespace vitrina::store::postgres {
namespace {

// pg_advisory_lock key held while migrating, so processes starting together migrate once.
constexpr std::int64_t kMigrationLock = 0x7669747269'6e61;  // "vitrina"

class PgTx final : public Tx {
 public:
  PgTx(Connection& c, const StoreOptions& options)
      : users_(c), sessions_(c), listings_(c), chat_(c), calls_(c), jobs_(c),
        transcripts_(c, options.search_tier_size), audit_(c), cases_(c), complaints_(c), moderators_(c), quality_(c), sanctions_(c),
        notifications_(c), analytics_(c), sellers_(c), detection_(c), rollups_(c), exports_(c), limits_(c) {}
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  ListingRepository& listings() override { return listings_; }
  ChatRepository& chat() override { return chat_; }
  CallRepository& calls() override { return calls_; }
  JobRepository& jobs() override { return jobs_; }
  TranscriptRepository& transcripts() override { return transcripts_; }
  AuditRepository& audit() override { return audit_; }
  CaseRepository& cases() override { return cases_; }
  ComplaintRepository& complaints() override { return complaints_; }
  ModeratorRepository& moderators() override { return moderators_; }
  QualityRepository& quality() override { return quality_; }
  SanctionRepository& sanctions() override { return sanctions_; }
  NotificationRepository& notifications() override { return notifications_; }
  AnalyticsRepository& analytics() override { return analytics_; }
  SellerRepository& sellers() override { return sellers_; }
  DetectionRepository& detection() override { return detection_; }
  RollupRepository& rollups() override { return rollups_; }
  ExportRepository& exports() override { return exports_; }
  RateLimitRepository& limits() override { return limits_; }

 private:
  PgUsers users_;
  PgSessions sessions_;
  PgListings listings_;
  PgChat chat_;
  PgCalls calls_;
  PgJobs jobs_;
  PgTranscripts transcripts_;
  PgAudit audit_;
  PgCases cases_;
  PgComplaints complaints_;
  PgModerators moderators_;
  SqlQualityRepository<Connection, PostgresDialect> quality_;
  PgSanctions sanctions_;
  PgNotifications notifications_;
  PgAnalytics analytics_;
  PgSellers sellers_;
  PgDetection detection_;
  PgRollups rollups_;
  PgExports exports_;
  PgRateLimits limits_;
};

// The URL without its password (for logs and /readyz): "scheme://user:secret@" and
// "password=secret" lose the secret.
std::string Redacted(std::string url) {
  if (const auto scheme = url.find("://"); scheme != std::string::npos) {
    const auto at = url.find('@', scheme);
    const auto colon = url.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto pos = url.find("password="); pos != std::string::npos; pos = url.find("password=", pos + 1)) {
    const auto start = pos + 9;
    auto end = url.find_first_of("& ", start);
    if (end == std::string::npos) end = url.size();
    url.replace(start, end - start, "***");
  }
  return url;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(StoreOptions options) : options_(std::move(options)) {}

  Result<void> Open() {
    if (options_.postgres.url.empty()) {
      return base::InvalidArgument("missing_store_url",
                                   "storage.url (VITRINA_DB_URL) must name the PostgreSQL database");
    }
    for (int i = 0; i < std::max(1, options_.pool_size); ++i) {
      idle_.push_back(TRY(Connect()));
    }
    return {};
  }

  Result<int> Migrate() override {
    auto conn = TRY(Acquire());
    auto release = Releaser(this, conn);
    // Session-level advisory lock: a second process waits here, then finds nothing to do.
    TRY(conn->ExecScript("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")"));
    auto result = MigrateLocked(*conn);
    (void)conn->ExecScript("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
    return result;
  }

  Result<int> SchemaVersion() override {
    auto conn = TRY(Acquire());
    auto release = Releaser(this, conn);
    return CurrentVersion(*conn);
  }

  Result<void> Ping() override {
    auto conn = TRY(Acquire());
    auto release = Releaser(this, conn);
    auto stmt = TRY(conn->Prepare("SELECT 1"));
    return stmt.Exec();
  }

  std::string Describe() const override { return "postgres:" + Redacted(options_.postgres.url); }

  Result<void> Maintain() override { return {}; }

  Result<std::unique_ptr<EventBus>> OpenEventBus(const std::string& channel) override {
    return OpenPgEventBus(options_.postgres.url, channel, options_.postgres.connect_timeout_s);
  }  // autovacuum does PostgreSQL's upkeep

 protected:
  Result<void> RunInTx(TxKind kind, const std::function<Result<void>(Tx&)>& fn) override {
    const char* begin = kind == TxKind::kRead    ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                        : kind == TxKind::kWrite ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                                 : "BEGIN ISOLATION LEVEL READ COMMITTED";
    const int attempts = 1 + std::max(0, options_.postgres.serialization_retries);
    Result<void> result;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      result = RunOnce(begin, fn);
      if (result || !IsRetryable(result.error())) return result;
      // Back off a little (jittered, growing) so the transactions that collided spread out.
      static thread_local std::minstd_rand rng(std::random_device{}());
      const int cap_us = 500 << std::min(attempt, 8);  // up to 128 ms
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<unsigned>(cap_us)));
    }
    result.error().message += " (gave up after " + std::to_string(attempts) + " attempts)";
    return result;
  }

 private:
  Result<void> RunOnce(const char* begin, const std::function<Result<void>(Tx&)>& fn) {
    auto conn = TRY(Acquire());
    auto release = Releaser(this, conn);
    TRY(conn->ExecScript(begin));
    PgTx tx(*conn, options_);
    Result<void> result = fn(tx);
    if (result) result = conn->ExecScript("COMMIT");
    if (!result) {
      if (conn->InTransaction()) (void)conn->ExecScript("ROLLBACK");
      return result;
    }
    return {};
  }

  Result<int> MigrateLocked(Connection& conn) {
    TRY(conn.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
        " name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    int current = TRY(CurrentVersion(conn));
    for (const auto& m : Migrations()) {
      if (m.version <= current) continue;
      TRY(conn.ExecScript("BEGIN"));
      auto applied = [&]() -> Result<void> {
        TRY(conn.ExecScript(std::string(m.sql)));
        auto stmt = TRY(conn.Prepare(
            "INSERT INTO schema_migrations (version, name, applied_at)"
            " VALUES ($1, $2, (extract(epoch from clock_timestamp()) * 1000)::bigint)"));
        return stmt.Bind(1, m.version).Bind(2, std::string(m.name)).Exec();
      }();
      if (applied) applied = conn.ExecScript("COMMIT");
      if (!applied) {
        if (conn.InTransaction()) (void)conn.ExecScript("ROLLBACK");
        auto e = applied.error();
        e.message = "migration " + std::to_string(m.version) + " failed: " + e.message;
        return tl::unexpected(e);
      }
      current = m.version;
    }
    return current;
  }

  static Result<int> CurrentVersion(Connection& conn) {
    auto exists = TRY(conn.Prepare("SELECT to_regclass('schema_migrations') IS NOT NULL"));
    TRY(exists.Step());
    if (exists.Int(0) == 0) return 0;
    auto stmt = TRY(conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    TRY(stmt.Step());
    return static_cast<int>(stmt.Int(0));
  }

  Result<std::unique_ptr<Connection>> Connect() {
    return Connection::Open(options_.postgres.url, options_.postgres.connect_timeout_s,
                            options_.postgres.statement_timeout_ms);
  }

  Result<Connection*> Acquire() {
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock lock(mu_);
      available_.wait(lock, [this] { return !idle_.empty(); });
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
    if (!conn->Ok()) {
      // The server restarted or the network dropped: a fresh connection (with an empty
      // statement cache), or the broken one goes back and the caller gets 503.
      auto fresh = Connect();
      if (!fresh) {
        Release(conn.release());
        return tl::unexpected(fresh.error());
      }
      conn = std::move(*fresh);
    }
    return conn.release();
  }

  void Release(Connection* conn) {
    {
      std::lock_guard lock(mu_);
      idle_.emplace_back(conn);
    }
    available_.notify_one();
  }

  struct ReleaseGuard {
    PostgresStore* store;
    Connection* conn;
    ~ReleaseGuard() { store->Release(conn); }
  };
  static ReleaseGuard Releaser(PostgresStore* store, Connection* conn) { return {store, conn}; }

  StoreOptions options_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options) {
  auto store = std::make_unique<PostgresStore>(options);
  TRY(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace vitrina::store::postgres
