// Analysts' dashboards and exports at scale (docs/analytics.md "## Dashboards", "## Exports";
// results in docs/PERFORMANCE.md "Dashboards and exports"). Goal: every dashboard request
// p95 <= 100 ms over 10 million calls.
//
// A fresh SQLite store in a temporary directory, migrated like the server's, seeded with raw
// SQL (one transaction, the migration's triggers live, so seeding marks days dirty exactly as
// the services' writes do): --calls calls (default 10,000,000) over --days days up to today
// (default 365), on 2,000 listings in 4 verticals, 100,000 buyers and 5,000 sellers; 70 %
// ended (length 20 s - 25 min), 15 % missed, 5 % failed, 10 % no-shows; analytics on every
// ended call (talk ratio, tone); a flag on 3 % of the calls (6 categories); a complaint on
// 0.5 %, each with a case, 80 % of them decided (SLA mostly kept) with a decision; service
// levels for 5,000 sellers on the last 30 days.
//
// Measured:
// 1. rebuild: RollupService::Rebuild over every day (what `vitrina analytics rebuild-rollups`
//    does), seconds and cost per 1,000 calls;
// 2. incremental: 1,000 new calls (with analytics) on today, then RollupService::Run (what the
//    job does every minute): its time is the rollup cost per 1,000 new calls;
// 3. dashboard: DashboardService::Dashboard, --requests each for 30 / 90 / 365 days, all
//    verticals and one; p50 / p95 / max;
// 4. export: ExportService, calls of the last 7 days as CSV and flags of the last 90 days as
//    JSON Lines; rows/s, bytes, and the peak resident memory it added (VmHWM reset through
//    /proc/self/clear_refs before each export).
//
//   vitrina_dashboard_bench [--calls N] [--days N] [--requests N] [--dir PATH] [--keep]
//
// Prints Markdown.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/random.h"
#include "insights/dashboard.h"
#include "insights/exports.h"
#include "insights/rollups.h"
#include "store/sqlite/sqlite_store.h"

namespace fs = std::filesystem;
using namespace vitrina;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "dashboard_bench: " << what << "\n";
  std::exit(1);
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string message = err ? err : "?";
    sqlite3_free(err);
    Die(message + " in: " + sql.substr(0, 200));
  }
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long ProcKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  }
  return -1;
}

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// Calls i in [from, to): everything derived from i by multiplicative hashing, so a run is
// reproducible. ?1 = first ms of the period, ?2 = its length in ms.
std::string CallsSql(std::int64_t from_i, std::int64_t to_i, std::int64_t start_ms,
                     std::int64_t span_ms) {
  const std::string n = "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from_i) +
                        " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(to_i - 1) +
                        ") ";
  const std::string at =
      "(" + std::to_string(start_ms) + " + (i * 2654435761) % " + std::to_string(span_ms) + ")";
  const std::string kind =
      "((i * 40503) % 100)";  // < 70 ended, < 85 missed, < 90 failed, else no-show
  const std::string len = "(20000 + (i * 69069) % 1480000)";
  return n +
         "INSERT INTO calls (id, conversation_id, listing_id, buyer_id, seller_id, proposed_by, "
         "state, scheduled_for,"
         " join_opens_at, join_closes_at, created_at, accepted_at, started_at, ended_at, "
         "end_reason, no_show,"
         " recording_status, recording_duration_ms, updated_at)"
         " SELECT i + 1, 1, 1 + (i * 7919) % 2000, 1 + (i * 104729) % 100000, 100001 + ((i * 7919) "
         "% 2000) % 5000,"
         " 1 + (i * 104729) % 100000,"
         " CASE WHEN " +
         kind + " < 70 THEN 'ended' WHEN " + kind + " < 85 THEN 'missed' WHEN " + kind +
         " < 90 THEN 'failed' ELSE 'missed' END, " + at + ", " + at + " - 300000, " + at +
         " + 900000, " + at + " - 86400000, " + at +
         " - 3600000,"
         " CASE WHEN " +
         kind + " < 70 THEN " + at + " END, CASE WHEN " + kind + " < 70 THEN " + at + " + " + len +
         " END, CASE WHEN " + kind +
         " < 70 THEN 'hangup' END,"
         " CASE WHEN " +
         kind +
         " >= 90 THEN CASE i % 3 WHEN 0 THEN 'buyer' WHEN 1 THEN 'seller' ELSE 'both' END END,"
         " CASE WHEN " +
         kind + " < 70 THEN 'ready' ELSE 'none' END, CASE WHEN " + kind + " < 70 THEN " + len +
         " END, " + at +
         " FROM n;"
         // Analytics on every ended call.
         "INSERT INTO call_analytics (call_id, transcript_version, duration_ms, talk_ratio_seller, "
         "tone_buyer,"
         " tone_seller, result, computed_at)"
         " SELECT id, 1, recording_duration_ms, ((id * 2654435761) % 1000) / 1000.0,"
         " CASE id % 7 WHEN 0 THEN 'negative' WHEN 1 THEN 'positive' ELSE 'neutral' END,"
         " CASE id % 11 WHEN 0 THEN 'negative' WHEN 1 THEN 'positive' WHEN 2 THEN 'positive' ELSE "
         "'neutral' END,"
         " '{}', updated_at FROM calls WHERE id > " +
         std::to_string(from_i) + " AND id <= " + std::to_string(to_i) +
         " AND state = 'ended' AND no_show IS NULL;";
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t calls = 10'000'000, days = 365;
  int requests = 200;
  fs::path dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--calls")
      calls = std::stoll(next());
    else if (a == "--days")
      days = std::stoll(next());
    else if (a == "--requests")
      requests = std::stoi(next());
    else if (a == "--dir")
      dir = next();
    else if (a == "--keep")
      keep = true;
    else
      Die("unknown argument " + a);
  }
  base::log::Init("warn");
  if (!base::InitCrypto()) Die("libsodium");
  if (dir.empty())
    dir = fs::temp_directory_path() / ("vitrina-dashboard-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db_path = (dir / "vitrina.db").string();

  store::StoreOptions so;
  so.sqlite.path = db_path;
  so.pool_size = 4;
  auto opened = store::sqlite::OpenSqliteStore(so);
  if (!opened) Die(opened.error().message);
  auto& store = **opened;
  if (auto m = store.Migrate(); !m) Die(m.error().message);

  base::SystemClock clock;
  const std::int64_t day_ms = 86'400'000;
  const std::int64_t now = clock.NowMs();
  const std::int64_t today = now / day_ms;
  const std::int64_t start_ms = (today - days + 1) * day_ms;
  const std::int64_t span_ms = now - start_ms;

  // ---- seed ----
  auto seed_started = Clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) Die("open " + db_path);
  Exec(db, "PRAGMA cache_size=-1000000; PRAGMA journal_mode=WAL; BEGIN IMMEDIATE");
  Exec(db,
       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
       " INSERT INTO listings (id, seller_id, title, description, price, vertical, call_hours, "
       "created_at, updated_at)"
       " SELECT i, 100001 + i % 5000, 'item ' || i, '', 1000, CASE i % 4 WHEN 0 THEN 'goods' WHEN "
       "1 THEN 'realty'"
       " WHEN 2 THEN 'auto' ELSE 'jobs' END, '[]', 0, 0 FROM n");
  const std::int64_t chunk = 1'000'000;
  for (std::int64_t i = 0; i < calls; i += chunk) {
    Exec(db, CallsSql(i, std::min(calls, i + chunk), start_ms, span_ms));
    std::cerr << "\rseeded " << std::min(calls, i + chunk) << " calls" << std::flush;
  }
  std::cerr << "\n";
  const char* categories =
      "CASE id % 6 WHEN 0 THEN 'prepayment' WHEN 1 THEN 'contact_exchange' WHEN 2 THEN 'insult'"
      " WHEN 3 THEN 'off_platform_payment' WHEN 4 THEN 'pressure' ELSE 'fake_link' END";
  Exec(db,
       "INSERT INTO analytics_rules (id, category, language, speaker, expression, severity, "
       "action, enabled, live,"
       " builtin, created_at, updated_at) VALUES (100000, 'prepayment', 'ru', 'any', 'x', 'high', "
       "'tag', 0, 0, 0,"
       " 0, 0)");
  Exec(db, std::string("INSERT INTO flags (call_id, transcript_version, rule_id, category, "
                       "severity, speaker, accused_id,"
                       " start_ms, end_ms, text, live, created_at) SELECT id, 1, 100000, ") +
               categories +
               ", 'high', 'seller', seller_id, 1000, 3000, 'pay first to my card', 0, updated_at "
               "FROM calls"
               " WHERE state = 'ended' AND (id * 2654435761) % 100 < 4");
  // Complaints with their cases, 80 % decided.
  Exec(db,
       "INSERT INTO cases (id, kind, accused_id, status, priority, sla_due_at, vertical, language, "
       "complainants,"
       " opened_at, decided_at, updated_at)"
       // An open case per accused: the open ones get an accused of their own.
       " SELECT c.id, 'complaints', CASE WHEN c.id % 5 = 0 THEN 1000000 + c.id ELSE c.seller_id "
       "END, CASE WHEN c.id % 5 = 0 THEN 'open' ELSE 'decided' END, 2,"
       " c.updated_at + 28800000, l.vertical, 'ru', 1, c.updated_at + 600000,"
       " CASE WHEN c.id % 5 = 0 THEN NULL ELSE c.updated_at + 600000 + (c.id % 40) * 900000 END,"
       " c.updated_at FROM calls c JOIN listings l ON l.id = c.listing_id"
       " WHERE c.state = 'ended' AND (c.id * 40503) % 1000 < 7");
  Exec(db,
       "INSERT INTO complaints (call_id, reporter_id, accused_id, case_id, category, text, ranges, "
       "status,"
       " created_at, updated_at) SELECT k.id, c.buyer_id, c.seller_id, k.id, CASE k.id % 3 WHEN 0 "
       "THEN 'fraud'"
       " WHEN 1 THEN 'prepayment_request' ELSE 'rude' END, 'he asked 8 916 123 45 67', '[]',"
       " CASE WHEN k.decided_at IS NULL THEN 'open' ELSE 'upheld' END, k.opened_at, k.opened_at"
       " FROM cases k JOIN calls c ON c.id = k.id");
  Exec(db,
       "INSERT INTO decisions (case_id, moderator_id, action, days, reason, evidence, created_at)"
       " SELECT id, 1, CASE id % 4 WHEN 0 THEN 'dismiss' WHEN 1 THEN 'warn' WHEN 2 THEN 'block' "
       "ELSE 'ban' END,"
       " NULL, 'see the call', '[]', decided_at FROM cases WHERE decided_at IS NOT NULL");
  Exec(db,
       "WITH RECURSIVE s(i) AS (SELECT 100001 UNION ALL SELECT i + 1 FROM s WHERE i < 105000),"
       " d(x) AS (SELECT " +
           std::to_string(today - 29) + " UNION ALL SELECT x + 1 FROM d WHERE x < " +
           std::to_string(today) +
           ")"
           " INSERT INTO service_levels (seller_id, day, level, zone, parameters, reliable, "
           "computed_at)"
           " SELECT i, x, (i * 37 + x) % 100, CASE WHEN (i * 37 + x) % 100 > 41 THEN 'green' ELSE "
           "'red' END, '[]', 0, 0"
           " FROM s, d");
  Exec(db, "COMMIT");
  sqlite3_close(db);
  const double seed_s = Seconds(seed_started);
  const auto db_mb = static_cast<double>(fs::file_size(db_path)) / (1 << 20);

  insights::RollupService rollups(store, clock, nullptr);
  insights::DashboardService dashboard(store, clock);

  // ---- 1. rebuild ----
  auto t = Clock::now();
  auto rebuilt = rollups.Rebuild([](int done, int total) {
    if (done % 20 == 0 || done == total)
      std::cerr << "\rrollups " << done << "/" << total << std::flush;
  });
  std::cerr << "\n";
  if (!rebuilt) Die(rebuilt.error().message);
  const double rebuild_s = Seconds(t);

  // ---- 2. incremental: 1,000 new calls today ----
  sqlite3_open(db_path.c_str(), &db);
  Exec(db, "BEGIN IMMEDIATE");
  Exec(db, CallsSql(calls, calls + 1000, today * day_ms,
                    std::max<std::int64_t>(1, now - today * day_ms)));
  Exec(db, "COMMIT");
  sqlite3_close(db);
  t = Clock::now();
  auto ran = rollups.Run(nullptr);
  if (!ran) Die(ran.error().message);
  const double incremental_s = Seconds(t);
  std::int64_t today_calls = 0;
  {
    auto d = dashboard.Dashboard(now, now, std::nullopt);
    if (!d) Die(d.error().message);
    today_calls = d->at("series").at("calls_per_day").as_array().back().at("n").as_int64();
  }

  // ---- 3. dashboard ----
  struct Case {
    const char* name;
    std::int64_t days;
    std::optional<std::string> vertical;
  };
  const Case cases[] = {{"30 days, all verticals", 30, std::nullopt},
                        {"30 days, one vertical", 30, "auto"},
                        {"90 days, all verticals", 90, std::nullopt},
                        {"365 days, all verticals", 365, std::nullopt},
                        {"365 days, one vertical", 365, "goods"}};
  std::cout << "## Dashboards and exports (" << calls << " calls over " << days << " days)\n\n";
  std::cout << "Seeded in " << seed_s << " s; database " << static_cast<long>(db_mb) << " MiB.\n\n";
  std::cout << "| rollups | time | per 1,000 calls |\n|---|---|---|\n";
  std::cout << "| rebuild, " << *rebuilt << " days | " << rebuild_s << " s | "
            << rebuild_s * 1000.0 * 1000 / calls << " ms |\n";
  std::cout << "| job run after 1,000 new calls today (" << today_calls << " calls today, " << *ran
            << " day(s) recomputed) | " << incremental_s * 1000 << " ms | " << incremental_s * 1000
            << " ms |\n\n";
  std::cout << "| dashboard request | p50 ms | p95 ms | max ms | calls in period "
               "|\n|---|---|---|---|---|\n";
  for (const auto& c : cases) {
    std::vector<double> ms;
    std::int64_t in_period = 0;
    for (int i = 0; i < requests; ++i) {
      t = Clock::now();
      auto d = dashboard.Dashboard(now - (c.days - 1) * day_ms, now, c.vertical);
      ms.push_back(Seconds(t) * 1000);
      if (!d) Die(d.error().message);
      if (i == 0) {
        for (const auto& day : d->at("series").at("calls_per_day").as_array())
          in_period += day.at("n").as_int64();
      }
    }
    std::sort(ms.begin(), ms.end());
    std::cout << "| " << c.name << " | " << ms[ms.size() / 2] << " | " << ms[ms.size() * 95 / 100]
              << " | " << ms.back() << " | " << in_period << " |\n";
  }

  // ---- 4. exports ----
  const speech_analytics::Pseudonymizer pseudonyms(std::string(32, 'k'));
  insights::ExportService exports(store, clock, pseudonyms, dir / "exports");
  store::User analyst;
  analyst.id = 1;
  struct Export {
    const char* name;
    store::ExportKind kind;
    insights::ExportFormat format;
    std::int64_t days;
  };
  const Export runs[] = {
      {"calls, CSV, 7 days", store::ExportKind::kCalls, insights::ExportFormat::kCsv, 7},
      {"flags, JSON Lines, 90 days", store::ExportKind::kFlags, insights::ExportFormat::kJsonl,
       90}};
  std::cout << "\n| export | rows | MiB | rows/s | peak RSS added |\n|---|---|---|---|---|\n";
  for (const auto& e : runs) {
    ResetPeakRss();
    const long rss_before = ProcKb("VmRSS:");
    t = Clock::now();
    auto made = exports.Export(analyst, e.kind, e.format, now - e.days * day_ms, now);
    const double s = Seconds(t);
    if (!made) Die(made.error().message);
    const long peak = ProcKb("VmHWM:");
    std::cout << "| " << e.name << " | " << made->rows << " | "
              << static_cast<double>(made->bytes) / (1 << 20) << " | "
              << static_cast<long>(static_cast<double>(made->rows) / s) << " | "
              << (peak - rss_before) / 1024.0 << " MiB |\n";
    fs::remove(made->path);
  }
  if (!keep) fs::remove_all(dir);
  return 0;
}
