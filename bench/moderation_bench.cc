// Moderation queue benchmark: `next` (ModerationService::Next, docs/moderation.md) with
// 100,000 open cases and 50 moderators; goal >= 1,000 assignments/s and p99 <= 20 ms.
// Results in docs/PERFORMANCE.md, "Moderation queue (`next`)".
//
// A fresh SQLite store in a temporary directory, opened like the server opens it (WAL,
// background checkpoint: a side thread calls Store::Maintain() every second; --pool
// connections, the server's default 8), seeded in one raw-SQL transaction with a realistic
// queue:
// - 100,000 open `complaints` cases, one per accused seller; 4 verticals (uniform), language
//   80 % ru / 20 % en, priority 1/2/3 at 15/35/50 %, opened over the last 48 h with the SLA
//   due at opened + 60/480/2880 min (so some are breached, some at risk);
// - 1-3 complaints per case (75/18/7 %) by distinct buyers, each on its own ended call
//   (conversation, recording) on the accused's listing, with ranges on half and a quote on
//   30 % (quote not yet matched: the case view retries the match, as for a transcript that
//   was not ready at filing); every call in case_calls;
// - history for 10 % of the accused: an earlier decided case with a complaint and a decision
//   (dismiss, or warn with a sanction);
// - 500 more cases assigned to a moderator who went idle (lease ended 15 min ago): the first
//   `next` returns them to the queue (the lease release sweep has real work once).
// 50 moderators (roles user + moderator, on shift, capacity 100) with mixed skills: 32 % one
// vertical, 24 % two verticals, 12 % `lang:en` only, 8 % one vertical + `lang:ru`, 24 % none
// (any case).
//
// Runs, each timing every ModerationService::Next call (the whole operation: the
// transaction with the lease sweep, capacity check, eligibility query, assignment, complaints
// to in_review, moderator state, and the case view with history; plus the log line and the
// metric), and Decide where the loop decides:
// 1. single: one moderator (no skills), next then decide, one at a time;
// 2. breakdown: the same single moderator, the parts of Next's transaction timed one by one
//    through the repositories, GetCase (the view in its own transaction) and an empty write
//    transaction;
// 3. next only, closed loop: the 50 moderators as threads, each calling next back to back
//    until it holds `capacity` cases (a round of 50 x 100); between rounds (not timed as
//    next) every moderator decides what it holds; --assignments in all;
// 4. next + decide, closed loop: each of the 50 threads takes a case, decides it (dismiss),
//    takes the next; --cycles in all;
// 5. paced (open loop): next + decide at a fixed total arrival rate (Poisson arrivals per
//    moderator, 1/50 of the rate each) for --paced-seconds; latency is from the scheduled
//    arrival, so falling behind shows as latency (no coordinated omission); --rates, default
//    500 and 1000/s;
// 6. server-like: the same kind of arrivals (one dispatcher thread, Poisson at the total
//    rate, a random moderator each; --server-rates, default 500, 1000, 2000/s), but each
//    request runs on a pool of --workers threads like the server's (boost::asio::thread_pool,
//    default 2 x cores): next, then its decide posted as the next request. Latency from the
//    arrival, the wait for a worker included. This is how the server meets 50 moderators: at
//    most `workers` calls contend for the store at once. (HTTP and the case view's JSON are
//    not included.)
// A closed loop with 50 threads and no think time measures capacity: by Little's law the
// mean call waits for the other 49 on SQLite's single writer, latency ~ 50 / throughput, and
// with 50 threads on the store's writer mutex (not fair) the tail is a few starved threads.
// Latency at the goal's load is what the paced and server-like runs measure.
//
// --backend postgres|both (default sqlite): the same store seeded the same way in SQLite, then
// copied into a throwaway PostgreSQL cluster (scripts/pg-test-cluster, bench/pg_cluster.h) with
// store::CopySqliteToPostgres, as `vitrina migrate --from` does, and ANALYZEd (what autovacuum
// does within a minute of a bulk load); the same runs on a PostgreSQL Store with the same pool.
// `both` runs SQLite, then PostgreSQL, and ends with a table of the two side by side.
//
// At the end: every case id handed out by any run is counted; none may have been handed out
// twice, none outside the moderator's skills, every taken case decided exactly once.
//
//   vitrina_moderation_bench [--cases N] [--moderators N] [--assignments N] [--cycles N]
//       [--single N] [--rates R1,R2,...] [--server-rates R1,R2,...] [--paced-seconds S]
//       [--pool N] [--workers N] [--dir PATH] [--keep] [--log LEVEL] [--backend sqlite|postgres|both]
//
// The service logs each assignment and decision at `info` like the server (stderr; run with
// 2>file). Plain main printing Markdown, like search_bench: the store is seeded once and every
// run measured from it.

#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "calls/call_service.h"
#include "media/recording_processor.h"
#include "moderation/moderation_service.h"
#include "pg_cluster.h"
#include "store/open.h"
#include "store/store.h"
#include "store/transfer.h"

namespace {

using namespace vitrina;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
using store::Id;
using store::TimeMs;

constexpr TimeMs kMinuteMs = 60'000;
constexpr TimeMs kHourMs = 60 * kMinuteMs;
constexpr TimeMs kDayMs = 24 * kHourMs;
const char* const kVerticals[] = {"goods", "realty", "auto", "jobs"};
constexpr Id kSellerBase = 1000;  // seeded users' ids start here (moderators come first)

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "moderation_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(base::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().code + ": " + r.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

double Micros(Steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// splitmix64: deterministic everywhere (std distributions are not specified bit for bit).
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  std::int64_t Int(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
};

// ---------------------------------------------------------------- statistics

struct Stats {
  std::size_t n = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;  // microseconds
};

Stats Summarise(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {  // nearest rank
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.p50 = at(0.50);
  s.p95 = at(0.95);
  s.p99 = at(0.99);
  s.max = v.back();
  return s;
}

std::string Ms(double us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, us < 1'000 ? "%.3f ms" : us < 10'000 ? "%.2f ms" : "%.1f ms", us / 1000.0);
  return buf;
}

// Process CPU and the machine's busy share (/proc/stat), for a shared machine.
struct CpuMark {
  Steady::time_point at;
  double process_cpu_s = 0;
  std::uint64_t busy = 0, total = 0;
};

CpuMark MarkCpu() {
  CpuMark m;
  m.at = Steady::now();
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  m.process_cpu_s = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  std::ifstream in("/proc/stat");
  std::string cpu;
  std::uint64_t v[10] = {};
  in >> cpu;
  for (auto& x : v) in >> x;
  for (int i = 0; i < 8; ++i) m.total += v[i];  // guest time is inside user already
  m.busy = m.total - v[3] - v[4];                // minus idle and iowait
  return m;
}

struct CpuUse {
  double wall_s = 0;
  double process_cores = 0;  // process CPU seconds per wall second
  double machine_busy = 0;   // of all cores, 0..1
};

CpuUse Between(const CpuMark& a, const CpuMark& b) {
  CpuUse u;
  u.wall_s = Seconds(b.at - a.at);
  u.process_cores = u.wall_s > 0 ? (b.process_cpu_s - a.process_cpu_s) / u.wall_s : 0;
  const auto total = static_cast<double>(b.total - a.total);
  u.machine_busy = b.total > a.total ? static_cast<double>(b.busy - a.busy) / total : 0;
  return u;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---------------------------------------------------------------- seeding (raw SQL)

class Sql {
 public:
  Sql(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  ~Sql() { sqlite3_finalize(s_); }
  Sql(const Sql&) = delete;
  Sql& B(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Sql& B(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Sql& B(int i, const char* v) { return B(i, std::string(v)); }
  Sql& Null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  void Run() {
    if (sqlite3_step(s_) != SQLITE_DONE) Die(std::string("step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "?";
    sqlite3_free(err);
    Die("exec " + sql + ": " + m);
  }
}

std::int64_t Scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return v;
}

struct SeedCounts {
  int open_cases = 0;
  int lapsed_cases = 0;
  int prior_cases = 0;
  int complaints = 0;
  int calls = 0;
  int users = 0;
  std::array<int, 3> by_priority{};
  int ru = 0;
  int breached = 0;
};

// Categories by the priority they give (docs/moderation.md).
const char* const kCategories[3][2] = {
    {"fraud", "prepayment_request"}, {"rude", "not_as_described"}, {"no_show", "other"}};
const char* const kTexts[] = {
    "He asked me to prepay to a card before showing the item, then stopped answering.",
    "The seller was rude on the call and refused to show the back of the phone.",
    "The apartment on the call is not the one in the listing photos.",
    "Did not show up for the scheduled call and did not reply afterwards.",
    "Продавец требовал предоплату на карту до осмотра, потом перестал отвечать.",
    "Грубил во время звонка и отказался показать документы на машину.",
    "На звонке показали совсем другую квартиру, не ту, что на фото.",
    "Не пришёл на назначенный звонок и не ответил потом.",
};
const char* const kQuotes[] = {"send a prepayment to my card", "переведите предоплату на карту",
                               "you will not find it cheaper", "это не ваше дело"};

// Seeds `open` open cases (+ `lapsed` assigned to `idle_moderator` with an ended lease) into
// the migrated database at `path`, in one transaction.
SeedCounts Seed(const std::string& path, int open, int lapsed, Id idle_moderator, TimeMs now) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open " + path);
  sqlite3_busy_timeout(db, 10'000);
  // A big page cache for the one large transaction (the server's connections keep SQLite's default).
  Exec(db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-1000000; BEGIN IMMEDIATE");
  Sql user(db,
           "INSERT INTO users (id, email, display_name, password_hash, status, timezone, created_at, updated_at)"
           " VALUES (?1, ?2, ?3, 'x', 'active', 'UTC', ?4, ?4)");
  Sql role(db, "INSERT INTO user_roles (user_id, role) VALUES (?1, 'user')");
  Sql listing(db,
              "INSERT INTO listings (id, seller_id, title, description, price, currency, vertical, status,"
              " video_call_ready, call_hours, created_at, updated_at)"
              " VALUES (?1, ?2, ?3, 'Seeded by the moderation benchmark', ?4, 'RUB', ?5, 'active', 1,"
              " '{\"days\":[1,2,3,4,5],\"from\":\"10:00\",\"to\":\"20:00\"}', ?6, ?6)");
  Sql conversation(db,
                   "INSERT INTO conversations (id, listing_id, buyer_id, seller_id, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  Sql call(db,
           "INSERT INTO calls (id, conversation_id, listing_id, buyer_id, seller_id, proposed_by, state,"
           " join_opens_at, join_closes_at, created_at, accepted_at, started_at, ended_at, end_reason,"
           " ended_by, recording_status, recording_duration_ms, updated_at)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?4, 'ended', ?6, ?7, ?8, ?8, ?6, ?9, 'hangup', ?4, 'ready', ?10, ?9)");
  Sql kase(db,
           "INSERT INTO cases (id, kind, accused_id, status, priority, sla_due_at, vertical, language,"
           " complainants, assignee_id, assigned_at, lease_until, opened_at, decided_at, updated_at)"
           " VALUES (?1, 'complaints', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  Sql case_call(db, "INSERT INTO case_calls (case_id, call_id) VALUES (?1, ?2)");
  Sql complaint(db,
                "INSERT INTO complaints (id, call_id, reporter_id, accused_id, case_id, category, text, ranges,"
                " quote, quote_match, status, created_at, updated_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?11)");
  Sql decision(db,
               "INSERT INTO decisions (id, case_id, moderator_id, action, reason, evidence, created_at)"
               " VALUES (?1, ?2, ?3, ?4, 'Checked the recording', '[]', ?5)");
  Sql sanction(db,
               "INSERT INTO sanctions (user_id, decision_id, case_id, kind, reason, starts_at, status,"
               " appeal_until, created_at) VALUES (?1, ?2, ?3, 'warn', 'Checked the recording', ?4, 'active', ?5, ?4)");

  SeedCounts n;
  Rng rng{20261124};
  const int sellers = open + lapsed;
  const int buyers = std::max(1000, sellers / 2);
  const Id buyer_base = kSellerBase + sellers;
  for (int i = 0; i < sellers + buyers; ++i) {
    const Id id = kSellerBase + i;
    const bool seller = i < sellers;
    user.B(1, id).B(2, (seller ? "s" : "b") + std::to_string(i) + "@bench.test")
        .B(3, (seller ? "Seller " : "Buyer ") + std::to_string(i)).B(4, now - 400 * kDayMs).Run();
    role.B(1, id).Run();
  }
  n.users = sellers + buyers;

  const TimeMs sla[3] = {60 * kMinuteMs, 480 * kMinuteMs, 2880 * kMinuteMs};
  Id next_case = 1, next_call = 1, next_conv = 1, next_complaint = 1, next_decision = 1;
  // A call between `buyer` and the seller on the seller's listing, ended before `before`.
  auto make_call = [&](Id seller, Id buyer, TimeMs before) {
    const TimeMs ended = before - rng.Int(10 * kMinuteMs, 3 * kDayMs);
    const TimeMs length = rng.Int(40'000, 900'000);
    const Id listing_id = seller - kSellerBase + 1;
    conversation.B(1, next_conv).B(2, listing_id).B(3, buyer).B(4, seller).B(5, ended - kDayMs).Run();
    call.B(1, next_call).B(2, next_conv).B(3, listing_id).B(4, buyer).B(5, seller).B(6, ended - length)
        .B(7, ended - length + 15 * kMinuteMs).B(8, ended - 2 * kHourMs).B(9, ended).B(10, length).Run();
    ++next_conv;
    ++n.calls;
    return std::pair<Id, TimeMs>{next_call++, length};
  };
  auto add_complaint = [&](Id case_id, Id call_id, TimeMs length, Id reporter, Id accused, int priority,
                           const char* status, TimeMs at) {
    std::string ranges = "[]";
    if (rng.Uniform() < 0.5) {
      const TimeMs from = rng.Int(0, length - 10'000);
      const TimeMs to = from + rng.Int(2'000, 10'000);
      ranges = "[{\"from_ms\":" + std::to_string(from) + ",\"to_ms\":" + std::to_string(to) + "}]";
    }
    complaint.B(1, next_complaint++).B(2, call_id).B(3, reporter).B(4, accused).B(5, case_id)
        .B(6, kCategories[priority - 1][rng.Next() % 2]).B(7, kTexts[rng.Next() % 8]).B(8, ranges);
    if (rng.Uniform() < 0.3) complaint.B(9, kQuotes[rng.Next() % 4]);
    else complaint.Null(9);
    complaint.B(10, status).B(11, at).Run();
    case_call.B(1, case_id).B(2, call_id).Run();
    ++n.complaints;
  };

  for (int i = 0; i < sellers; ++i) {
    const Id seller = kSellerBase + i;
    const char* vertical = kVerticals[rng.Next() % 4];
    const bool ru = rng.Uniform() < 0.8;
    listing.B(1, i + 1).B(2, seller).B(3, std::string(vertical) + " listing " + std::to_string(i))
        .B(4, rng.Int(1'000, 5'000'000)).B(5, vertical).B(6, now - 300 * kDayMs).Run();
    const double u = rng.Uniform();
    const int complainants = u < 0.75 ? 1 : u < 0.93 ? 2 : 3;
    const bool history = rng.Uniform() < 0.10;
    std::set<Id> reporters;
    while (static_cast<int>(reporters.size()) < complainants + (history ? 1 : 0)) {
      reporters.insert(buyer_base + rng.Int(0, buyers - 1));
    }
    auto reporter = reporters.begin();
    if (history) {
      const TimeMs opened = now - rng.Int(20, 300) * kDayMs;
      const TimeMs decided = opened + rng.Int(1, 48) * kHourMs;
      const bool warn = rng.Uniform() < 0.4;
      const Id case_id = next_case++;
      kase.B(1, case_id).B(2, seller).B(3, "decided").B(4, 3).B(5, opened + sla[2]).B(6, vertical)
          .B(7, ru ? "ru" : "en").B(8, 1).Null(9).Null(10).Null(11).B(12, opened).B(13, decided).B(14, decided).Run();
      const Id by = *reporter++;
      auto [call_id, length] = make_call(seller, by, opened);
      add_complaint(case_id, call_id, length, by, seller, 3, warn ? "upheld" : "dismissed", opened);
      const Id decision_id = next_decision++;
      decision.B(1, decision_id).B(2, case_id).B(3, idle_moderator).B(4, warn ? "warn" : "dismiss").B(5, decided).Run();
      if (warn) sanction.B(1, seller).B(2, decision_id).B(3, case_id).B(4, decided).B(5, decided + 180 * kDayMs).Run();
      ++n.prior_cases;
    }
    const double pu = rng.Uniform();
    const int priority = pu < 0.15 ? 1 : pu < 0.50 ? 2 : 3;
    const TimeMs opened = now - rng.Int(kMinuteMs, 48 * kHourMs);
    const TimeMs due = opened + sla[priority - 1];
    const bool is_lapsed = i >= open;
    const Id case_id = next_case++;
    kase.B(1, case_id).B(2, seller).B(3, is_lapsed ? "assigned" : "open").B(4, priority).B(5, due).B(6, vertical)
        .B(7, ru ? "ru" : "en").B(8, complainants);
    if (is_lapsed) {
      kase.B(9, idle_moderator).B(10, now - 30 * kMinuteMs).B(11, now - 15 * kMinuteMs);
    } else {
      kase.Null(9).Null(10).Null(11);
    }
    kase.B(12, opened).Null(13).B(14, opened).Run();
    for (int k = 0; k < complainants; ++k) {
      const Id by = *reporter++;
      auto [call_id, length] = make_call(seller, by, opened);
      add_complaint(case_id, call_id, length, by, seller, priority, is_lapsed ? "in_review" : "open", opened);
    }
    if (is_lapsed) {
      ++n.lapsed_cases;
    } else {
      ++n.open_cases;
      n.by_priority[static_cast<std::size_t>(priority - 1)]++;
      n.ru += ru;
      n.breached += due < now;
    }
  }
  Exec(db, "COMMIT");
  sqlite3_close_v2(db);  // closes once the statements above are finalized (at return)
  return n;
}

// ---------------------------------------------------------------- moderators

bool Eligible(const std::vector<std::string>& skills, const std::string& vertical, const std::string& language) {
  bool any_vertical = true, any_language = true, vertical_ok = false, language_ok = false;
  for (const auto& s : skills) {
    if (s.starts_with("vertical:")) {
      any_vertical = false;
      vertical_ok |= s.substr(9) == vertical;
    }
    if (s.starts_with("lang:")) {
      any_language = false;
      language_ok |= s.substr(5) == language;
    }
  }
  return (any_vertical || vertical_ok) && (any_language || language_ok);
}

// The skills of moderator i of m: 32 % one vertical, 24 % two, 12 % lang:en only, 8 % one
// vertical + lang:ru, 24 % none.
std::vector<std::string> SkillsOf(int i, int m) {
  const int pct = i * 100 / m;
  const std::string v1 = std::string("vertical:") + kVerticals[i % 4];
  const std::string v2 = std::string("vertical:") + kVerticals[(i + 1) % 4];
  if (pct < 32) return {v1};
  if (pct < 56) return {v1, v2};
  if (pct < 68) return {"lang:en"};
  if (pct < 76) return {v1, "lang:ru"};
  return {};
}

std::string SkillMix(const std::vector<std::vector<std::string>>& all) {
  std::map<std::string, int> kinds;
  for (const auto& s : all) {
    int verticals = 0;
    bool en = false, ru = false;
    for (const auto& x : s) {
      verticals += x.starts_with("vertical:");
      en |= x == "lang:en";
      ru |= x == "lang:ru";
    }
    std::string k = s.empty() ? "no skills (any case)"
                              : verticals == 1 && ru ? "one vertical + lang:ru"
                              : verticals == 1      ? "one vertical"
                              : verticals == 2      ? "two verticals"
                              : en                  ? "lang:en only"
                                                    : "other";
    kinds[k]++;
  }
  std::string out;
  for (const auto& [k, n] : kinds) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + k;
  return out;
}

// ---------------------------------------------------------------- runs

struct Worker {
  store::User user;
  std::vector<double> next_us;     // service time of each Next that returned a case
  std::vector<double> next_sched;  // paced: from the scheduled arrival
  std::vector<double> decide_us;
  std::vector<double> empty_us;    // Next that found nothing
  std::vector<double> wake_late_us;  // paced: how late sleep_until woke the thread (the harness)
  int behind = 0;                    // paced: arrivals while this moderator was still busy
  std::vector<Id> taken;
  std::vector<Id> held;
  int violations = 0;
  std::map<std::string, int> errors;
  void Clear() {
    next_us.clear();
    next_sched.clear();
    decide_us.clear();
    empty_us.clear();
    wake_late_us.clear();
    behind = 0;
    held.clear();
  }
};

class Bench {
 public:
  Bench(moderation::ModerationService& m) : m_(m) {}

  // One Next; the case id when it assigned one.
  std::optional<Id> Take(Worker& w) {
    const auto t0 = Steady::now();
    auto r = m_.queue().Next(w.user);
    const double us = Micros(Steady::now() - t0);
    if (!r) {
      w.errors["next:" + r.error().code]++;
      return std::nullopt;
    }
    if (!*r) {
      w.empty_us.push_back(us);
      return std::nullopt;
    }
    w.next_us.push_back(us);
    const auto& c = (*r)->c;
    w.taken.push_back(c.id);
    if (c.assignee_id != w.user.id || c.status != "assigned" || !Eligible(w.user.skills, c.vertical, c.language)) {
      w.violations++;
    }
    return c.id;
  }

  bool Decide(Worker& w, Id case_id) {
    moderation::DecisionInput in;
    in.action = "dismiss";
    in.reason = "Checked the recording and the transcript: no breach of the rules.";
    const auto t0 = Steady::now();
    auto r = m_.decisions().Decide(w.user, case_id, in);
    w.decide_us.push_back(Micros(Steady::now() - t0));
    if (!r) {
      w.errors["decide:" + r.error().code]++;
      return false;
    }
    return true;
  }

 private:
  moderation::ModerationService& m_;
};

struct RunResult {
  std::string name;
  int threads = 0;
  std::size_t assignments = 0;
  std::size_t empty = 0;
  double wall_s = 0;  // time the measured calls took (for rates)
  Stats next, decide, sched, wake;
  int behind = 0;
  CpuUse cpu;
  std::string load;
};

std::vector<double> Gather(const std::vector<Worker>& ws, std::vector<double> Worker::*field) {
  std::vector<double> all;
  for (const auto& w : ws) all.insert(all.end(), (w.*field).begin(), (w.*field).end());
  return all;
}

std::size_t CountEmpty(const std::vector<Worker>& ws) {
  std::size_t n = 0;
  for (const auto& w : ws) n += w.empty_us.size();
  return n;
}

void PrintRun(const RunResult& r) {
  const double rate = r.wall_s > 0 ? static_cast<double>(r.assignments) / r.wall_s : 0;
  std::printf("| %s | %d | %zu | %.2f | **%.0f** | %s | %s | **%s** | %s | %s | %.2f | %.0f %% | %s |\n", r.name.c_str(),
              r.threads, r.assignments, r.wall_s, rate, Ms(r.next.p50).c_str(), Ms(r.next.p95).c_str(),
              Ms(r.next.p99).c_str(), Ms(r.next.max).c_str(), r.decide.n ? Ms(r.decide.p50).c_str() : "–",
              r.cpu.process_cores, 100 * r.cpu.machine_busy, r.load.c_str());
}

struct Args {
  int cases = 100'000;
  int moderators = 50;
  int assignments = 20'000;
  int cycles = 10'000;
  int single = 1'000;
  int capacity = 100;
  int pool = 8;
  int server_workers = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double paced_seconds = 10;
  std::vector<double> rates = {500, 1000};
  std::vector<double> server_rates = {500, 1000, 2000};
  std::string dir;
  bool keep = false;
  std::string log_level = "info";
  std::string backend = "sqlite";
};

// One backend's whole run: seed, runs 1-6, correctness, report. `results` gets the runs (for
// the side-by-side table of --backend both); returns whether the correctness checks passed.
// PostgreSQL: seeded in SQLite exactly as for the SQLite run, then copied with
// store::CopySqliteToPostgres (what `vitrina migrate --from` does) and ANALYZEd.
bool RunBackend(const Args& args, const std::string& backend, const std::string& pg_url,
                std::vector<RunResult>& results) {
  const int cases = args.cases;
  const int moderators = args.moderators;
  const int assignments = args.assignments;
  const int cycles = args.cycles;
  const int single = args.single;
  const int capacity = args.capacity;
  const int pool = args.pool;
  const int server_workers = args.server_workers;
  const double paced_seconds = args.paced_seconds;
  const std::vector<double>& rates = args.rates;
  const std::vector<double>& server_rates = args.server_rates;
  const std::string& log_level = args.log_level;
  const bool postgres = backend == "postgres";
  const std::string dir = (fs::path(args.dir) / backend).string();
  fs::create_directories(dir);
  const std::string db_path = (fs::path(dir) / "vitrina.db").string();

  std::printf("# Backend: %s\n\n", postgres ? "PostgreSQL" : "SQLite");
  std::printf("Machine: %u hardware threads, load average %s at start; database %s\n\n",
              std::thread::hardware_concurrency(), LoadAverage().c_str(),
              postgres ? "PostgreSQL (scripts/pg-test-cluster; seeded in SQLite, then copied)" : db_path.c_str());

  // --- the store, as the server opens it (PostgreSQL: seeded in SQLite first, then copied)
  store::StoreOptions so;
  so.sqlite.path = db_path;
  so.pool_size = pool;
  so.sqlite.background_checkpoint = true;
  auto store = Must(store::OpenStore(so), "open store");
  Must(store->Migrate(), "migrate");

  base::SystemClock clock;
  base::Metrics metrics;
  media::RecordingProcessor processor;
  std::unique_ptr<calls::CallService> calls(new calls::CallService(*store, clock, {}, processor, {}, nullptr));
  std::unique_ptr<moderation::ModerationService> service(
      new moderation::ModerationService(*store, clock, metrics, *calls, {}));
  const TimeMs now = clock.NowMs();
  // --- moderators first (ids below kSellerBase), through the repositories
  auto make_moderator = [&](const std::string& email, const std::vector<std::string>& skills) {
    auto user = Must(store->Write([&](store::Tx& tx) -> base::Result<store::User> {
      store::NewUser nu{email, email.substr(0, email.find('@')), "x", {"user", "moderator"}, "UTC"};
      auto u = TRY(tx.users().Insert(nu, now));
      TRY(tx.users().SetSkills(u.id, skills, now));
      auto found = TRY(tx.users().FindById(u.id));
      if (!found) return base::Internal("moderator vanished");
      return *found;
    }), "create moderator");
    if (user.id >= kSellerBase) Die("too many moderators for the id layout");
    Must(service->queue().SetModerator(user.id, true, capacity), "set moderator");
    return user;
  };
  const auto idle = make_moderator("idle@mod.test", {});
  const auto solo = make_moderator("solo@mod.test", {});
  std::vector<Worker> workers(static_cast<std::size_t>(moderators));
  std::vector<std::vector<std::string>> all_skills;
  for (int i = 0; i < moderators; ++i) {
    all_skills.push_back(SkillsOf(i, moderators));
    auto& w = workers[static_cast<std::size_t>(i)];
    w.user = make_moderator("m" + std::to_string(i) + "@mod.test", all_skills.back());
  }

  // --- the queue
  const int lapsed = 500;
  const auto seed_t0 = Steady::now();
  const auto seeded = Seed(db_path, cases, lapsed, idle.id, now);
  const double seed_s = Seconds(Steady::now() - seed_t0);
  Must(store->Maintain(), "checkpoint");
  const double sqlite_mb = static_cast<double>(fs::file_size(db_path)) / 1e6;
  double copy_s = 0;
  if (postgres) {
    service.reset();
    calls.reset();
    store.reset();
    const auto c0 = Steady::now();
    auto copied = Must(store::CopySqliteToPostgres(db_path, pg_url, nullptr), "copy to PostgreSQL");
    if (!copied.ok) Die("copy to PostgreSQL: the check failed");
    bench::PgExec(pg_url, "ANALYZE");  // what autovacuum does within a minute of a bulk load
    copy_s = Seconds(Steady::now() - c0);
    so.driver = "postgres";
    so.postgres.url = pg_url;
    store = Must(store::OpenStore(so), "open PostgreSQL store");
    Must(store->Migrate(), "migrate PostgreSQL");
    calls.reset(new calls::CallService(*store, clock, {}, processor, {}, nullptr));
    service.reset(new moderation::ModerationService(*store, clock, metrics, *calls, {}));
    std::printf("Copied to PostgreSQL with store::CopySqliteToPostgres (as `vitrina migrate --from`) and ANALYZEd"
                " in %.1f s; database %s MB.\n\n",
                copy_s, bench::PgExec(pg_url, "SELECT pg_database_size(current_database()) / 1000000").c_str());
  }
  std::atomic<bool> stop{false};
  std::thread maintenance([&] {
    while (!stop.load()) {
      for (int i = 0; i < 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (auto done = store->Maintain(); !done) std::fprintf(stderr, "maintain: %s\n", done.error().message.c_str());
    }
  });
  Bench bench(*service);
  std::printf("Seeded in %.1f s (one transaction): %d open cases (priority 1/2/3: %d/%d/%d; ru %d, en %d; %d past due),"
              " %d cases with an ended lease, %d earlier decided cases (history of 10 %% of the accused), %d complaints"
              " on %d calls, %d users. Database %.0f MB.\n\n",
              seed_s, seeded.open_cases, seeded.by_priority[0], seeded.by_priority[1], seeded.by_priority[2], seeded.ru,
              seeded.open_cases - seeded.ru, seeded.breached, seeded.lapsed_cases, seeded.prior_cases, seeded.complaints,
              seeded.calls, seeded.users, sqlite_mb);
  std::printf("Moderators: %d (%s), on shift, capacity %d; store pool %d connections%s; log level `%s`.\n\n",
              moderators, SkillMix(all_skills).c_str(), capacity, pool,
              postgres ? "" : ", WAL checkpointed by a side thread every second", log_level.c_str());

  std::size_t at_capacity = 0;  // server-like runs: next refused (409 at_capacity)
  std::vector<Id> all_taken;
  int violations = 0;
  std::map<std::string, int> errors;
  auto collect = [&](std::vector<Worker>& ws) {
    for (auto& w : ws) {
      all_taken.insert(all_taken.end(), w.taken.begin(), w.taken.end());
      w.taken.clear();
      violations += w.violations;
      w.violations = 0;
      for (const auto& [k, v] : w.errors) errors[k] += v;
      w.errors.clear();
    }
  };

  // --- 1. single moderator: next, decide, one at a time
  {
    std::vector<Worker> one(1);
    one[0].user = solo;
    for (int i = 0; i < 200; ++i) {  // warm-up: statement caches of every pooled connection
      if (auto id = bench.Take(one[0])) bench.Decide(one[0], *id);
    }
    one[0].Clear();
    const auto a = MarkCpu();
    const auto load = LoadAverage();
    double next_wall = 0;
    for (int i = 0; i < single; ++i) {
      const auto t0 = Steady::now();
      auto id = bench.Take(one[0]);
      next_wall += Seconds(Steady::now() - t0);
      if (id) bench.Decide(one[0], *id);
    }
    RunResult r;
    r.name = "1 moderator, next then decide (rate: next time only)";
    r.threads = 1;
    r.assignments = one[0].next_us.size();
    r.empty = CountEmpty(one);
    r.wall_s = next_wall;
    r.next = Summarise(one[0].next_us);
    r.decide = Summarise(one[0].decide_us);
    r.cpu = Between(a, MarkCpu());
    r.load = load;
    results.push_back(r);
    collect(one);
  }

  // --- 2. breakdown of Next's transaction (single thread)
  std::map<std::string, std::vector<double>> parts;
  {
    Worker w;
    w.user = solo;
    const int k = std::max(100, single / 2);
    for (int i = 0; i < k; ++i) {
      const auto t0 = Steady::now();
      const TimeMs ms = clock.NowMs();
      auto id = store->Write([&](store::Tx& tx) -> base::Result<std::optional<Id>> {
        auto p = Steady::now();
        auto lap = [&](const char* name) {
          const auto q = Steady::now();
          parts[name].push_back(Micros(q - p));
          p = q;
        };
        auto state = TRY(tx.moderators().Moderator(solo.id));
        lap("a. moderator state");
        TRY(tx.cases().ReleaseExpiredLeases(ms));
        lap("b. lease release sweep");
        TRY(tx.cases().CountAssigned(solo.id));
        lap("c. capacity (count assigned)");
        store::CaseEligibility who;
        who.moderator_id = solo.id;
        auto c = TRY(tx.cases().NextEligible(who));
        lap("d. NextEligible (no skills: 4 index walks)");
        if (!c) return std::optional<Id>();
        c->status = "assigned";
        c->assignee_id = solo.id;
        c->assigned_at = ms;
        c->lease_until = ms + service->options().lease_ms;
        c->updated_at = ms;
        TRY(tx.cases().UpdateCase(*c));
        lap("e. UpdateCase");
        TRY(tx.complaints().SetComplaintStatus(c->id, {"open"}, "in_review", ms));
        lap("f. complaints to in_review");
        state.last_seen_at = ms;
        state.updated_at = ms;
        TRY(tx.moderators().PutModerator(state));
        lap("g. PutModerator");
        return std::optional<Id>(c->id);
      });
      parts["h. whole transaction (BEGIN IMMEDIATE .. COMMIT, a–g)"].push_back(Micros(Steady::now() - t0));
      if (!id || !*id) Die("breakdown: no case");
      w.taken.push_back(**id);
      const auto v0 = Steady::now();
      auto view = service->queue().GetCase(solo, **id);
      parts["i. GetCase: the case view in its own transaction (+ FindCase, lease renewal)"].push_back(
          Micros(Steady::now() - v0));
      if (!view) Die("breakdown: GetCase " + view.error().message);
      bench.Decide(w, **id);
      const auto e0 = Steady::now();
      Must(store->Write([](store::Tx&) -> base::Result<void> { return {}; }), "empty tx");
      parts["j. empty write transaction"].push_back(Micros(Steady::now() - e0));
    }
    // The supervisors' reads over the whole queue (the server also refreshes its queue gauge
    // with Summary every 30 s): read transactions, they do not hold the writer.
    for (int i = 0; i < 20; ++i) {
      const auto s0 = Steady::now();
      Must(service->queue().Summary(), "summary");
      parts["k. Summary: counts over every undecided case (read)"].push_back(Micros(Steady::now() - s0));
      const auto q0 = Steady::now();
      Must(service->queue().Queue(std::nullopt, 50), "queue");
      parts["l. Queue: the first page of 50 in urgency order (read)"].push_back(Micros(Steady::now() - q0));
    }
    std::vector<Worker> ws{w};
    collect(ws);
  }

  // --- 3. next only, closed loop, rounds of moderators x capacity
  {
    for (auto& w : workers) w.Clear();
    const int per_round = moderators * capacity;
    const int rounds = std::max(1, (assignments + per_round - 1) / per_round);
    std::barrier sync(moderators + 1);
    std::vector<std::thread> threads;
    for (auto& w : workers) {
      threads.emplace_back([&, wp = &w] {
        for (int r = 0; r < rounds; ++r) {
          sync.arrive_and_wait();  // go
          for (int i = 0; i < capacity; ++i) {
            auto id = bench.Take(*wp);
            if (!id) break;
            wp->held.push_back(*id);
          }
          sync.arrive_and_wait();  // every moderator full
          for (Id id : wp->held) bench.Decide(*wp, id);  // between rounds: not reported
          wp->held.clear();
          sync.arrive_and_wait();  // all decided
        }
      });
    }
    double next_wall = 0;
    CpuUse cpu_sum;
    const auto load = LoadAverage();
    for (int r = 0; r < rounds; ++r) {
      sync.arrive_and_wait();
      const auto a = MarkCpu();
      sync.arrive_and_wait();
      const auto b = MarkCpu();
      const auto u = Between(a, b);
      next_wall += u.wall_s;
      cpu_sum.process_cores += u.process_cores * u.wall_s;
      cpu_sum.machine_busy += u.machine_busy * u.wall_s;
      sync.arrive_and_wait();
    }
    for (auto& t : threads) t.join();
    RunResult r;
    r.name = "next only, closed loop (" + std::to_string(rounds) + " rounds: each moderator takes " +
             std::to_string(capacity) + " back to back)";
    r.threads = moderators;
    r.next = Summarise(Gather(workers, &Worker::next_us));
    r.assignments = r.next.n;
    r.empty = CountEmpty(workers);
    r.wall_s = next_wall;
    r.cpu.wall_s = next_wall;
    r.cpu.process_cores = cpu_sum.process_cores / next_wall;
    r.cpu.machine_busy = cpu_sum.machine_busy / next_wall;
    r.load = load;
    results.push_back(r);
    collect(workers);
  }

  // --- 4. next + decide, closed loop
  {
    for (auto& w : workers) w.Clear();
    std::atomic<int> remaining{cycles};
    std::barrier sync(moderators + 1);
    std::vector<std::thread> threads;
    for (auto& w : workers) {
      threads.emplace_back([&, wp = &w] {
        sync.arrive_and_wait();
        while (remaining.fetch_sub(1) > 0) {
          auto id = bench.Take(*wp);
          if (!id) break;
          bench.Decide(*wp, *id);
        }
      });
    }
    const auto load = LoadAverage();
    sync.arrive_and_wait();
    const auto a = MarkCpu();
    for (auto& t : threads) t.join();
    const auto b = MarkCpu();
    RunResult r;
    r.name = "next + decide, closed loop (rate: cycles/s)";
    r.threads = moderators;
    r.next = Summarise(Gather(workers, &Worker::next_us));
    r.decide = Summarise(Gather(workers, &Worker::decide_us));
    r.assignments = r.next.n;
    r.empty = CountEmpty(workers);
    r.cpu = Between(a, b);
    r.wall_s = r.cpu.wall_s;
    r.load = load;
    results.push_back(r);
    collect(workers);
  }

  // --- 5. paced: next + decide at a fixed arrival rate
  for (double rate : rates) {
    for (auto& w : workers) w.Clear();
    const double per_moderator_gap_s = static_cast<double>(moderators) / rate;
    std::barrier sync(moderators + 1);
    std::vector<std::thread> threads;
    std::vector<Steady::time_point> last_done(workers.size());
    Steady::time_point start;
    for (std::size_t i = 0; i < workers.size(); ++i) {
      threads.emplace_back([&, i] {
        Worker& w = workers[i];
        Rng rng{0xABCDEF + i * 7919 + static_cast<std::uint64_t>(rate)};
        sync.arrive_and_wait();
        const auto begin = start;
        const auto end =
            begin + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(paced_seconds));
        auto at = begin;
        while (true) {
          at += std::chrono::duration_cast<Steady::duration>(
              std::chrono::duration<double>(-std::log(1.0 - rng.Uniform()) * per_moderator_gap_s));
          if (at >= end) break;
          if (Steady::now() < at) {
            std::this_thread::sleep_until(at);
            w.wake_late_us.push_back(Micros(Steady::now() - at));
          } else {
            w.behind++;
          }
          auto id = bench.Take(w);
          if (!id) break;
          w.next_sched.push_back(Micros(Steady::now() - at));
          bench.Decide(w, *id);
        }
        last_done[i] = Steady::now();
      });
    }
    const auto load = LoadAverage();
    start = Steady::now() + std::chrono::milliseconds(20);
    sync.arrive_and_wait();
    const auto a = MarkCpu();
    for (auto& t : threads) t.join();
    const auto b = MarkCpu();
    RunResult r;
    char name[96];
    std::snprintf(name, sizeof name, "paced %.0f/s, next + decide, %.0f s (Poisson arrivals)", rate, paced_seconds);
    r.name = name;
    r.threads = moderators;
    r.next = Summarise(Gather(workers, &Worker::next_us));
    r.sched = Summarise(Gather(workers, &Worker::next_sched));
    r.wake = Summarise(Gather(workers, &Worker::wake_late_us));
    for (const auto& w : workers) r.behind += w.behind;
    r.decide = Summarise(Gather(workers, &Worker::decide_us));
    r.assignments = r.next.n;
    r.empty = CountEmpty(workers);
    r.cpu = Between(a, b);
    r.wall_s = Seconds(*std::max_element(last_done.begin(), last_done.end()) - start);
    r.load = load;
    results.push_back(r);
    collect(workers);
  }

  // --- 6. server-like: the moderators' requests run on a pool of `server_workers` threads
  // (the server's default is 2 x cores), arriving at a fixed rate (Poisson); each next that
  // assigns a case is followed by its decide, posted to the pool as the next request.
  // Latency is from the arrival to the response (queueing for a worker included).
  for (double rate : server_rates) {
    std::mutex mu;
    std::vector<double> lat, svc, decide_lat;
    std::vector<Worker> sink(1);  // ids, violations and errors, under mu
    std::size_t empty = 0;
    boost::asio::thread_pool pool(static_cast<std::size_t>(server_workers));
    Rng rng{0x5EED + static_cast<std::uint64_t>(rate)};
    const auto load = LoadAverage();
    const auto a = MarkCpu();
    const auto start = Steady::now() + std::chrono::milliseconds(20);
    const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(paced_seconds));
    std::atomic<std::int64_t> last_done{0};
    auto done_at = [&] {
      last_done = std::max<std::int64_t>(last_done.load(), (Steady::now() - start).count());
    };
    auto at = start;
    while (true) {
      const double gap_s = -std::log(1.0 - rng.Uniform()) / rate;
      at += std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(gap_s));
      if (at >= end) break;
      std::this_thread::sleep_until(at);
      const store::User* user = &workers[rng.Next() % workers.size()].user;
      boost::asio::post(pool, [&, user, arrival = at] {
        const auto t0 = Steady::now();
        auto r = service->queue().Next(*user);
        const auto t1 = Steady::now();
        std::optional<Id> id;
        {
          std::lock_guard lock(mu);
          if (!r && r.error().code == "at_capacity") {
            at_capacity++;  // a saturated run: that moderator's decides are still queued
          } else if (!r) {
            sink[0].errors["next:" + r.error().code]++;
          } else if (!*r) {
            empty++;
          } else {
            const auto& c = (*r)->c;
            id = c.id;
            lat.push_back(Micros(t1 - arrival));
            svc.push_back(Micros(t1 - t0));
            sink[0].taken.push_back(c.id);
            if (c.assignee_id != user->id || c.status != "assigned" ||
                !Eligible(user->skills, c.vertical, c.language)) {
              sink[0].violations++;
            }
          }
        }
        if (!id) return done_at();
        boost::asio::post(pool, [&, user, id = *id, posted = Steady::now()] {
          moderation::DecisionInput in;
          in.action = "dismiss";
          in.reason = "Checked the recording and the transcript: no breach of the rules.";
          auto d = service->decisions().Decide(*user, id, in);
          std::lock_guard lock(mu);
          decide_lat.push_back(Micros(Steady::now() - posted));
          if (!d) sink[0].errors["decide:" + d.error().code]++;
          done_at();
        });
      });
    }
    pool.join();
    const auto b = MarkCpu();
    RunResult r;
    char name[128];
    std::snprintf(name, sizeof name, "server-like %.0f/s: %d workers, next then decide as requests, %.0f s", rate,
                  server_workers, paced_seconds);
    r.name = name;
    r.threads = server_workers;
    r.next = Summarise(svc);
    r.sched = Summarise(lat);
    r.decide = Summarise(decide_lat);
    r.assignments = svc.size();
    r.empty = empty;
    r.cpu = Between(a, b);
    r.wall_s = std::chrono::duration<double>(Steady::duration(last_done.load())).count();
    r.load = load;
    results.push_back(r);
    collect(sink);
  }

  stop = true;
  maintenance.join();

  // --- correctness
  std::map<Id, int> times;
  for (Id id : all_taken) times[id]++;
  std::size_t twice = 0;
  for (const auto& [id, n] : times) twice += n > 1;
  sqlite3* db = nullptr;
  if (!postgres) sqlite3_open(db_path.c_str(), &db);
  auto count = [&](const std::string& sql) -> std::int64_t {
    return postgres ? std::stoll(bench::PgExec(pg_url, sql)) : Scalar(db, sql);
  };
  const auto decided_twice =
      count("SELECT count(*) FROM (SELECT case_id FROM decisions GROUP BY case_id HAVING count(*) > 1) AS d");
  const auto still_assigned = count("SELECT count(*) FROM cases WHERE status = 'assigned'");
  const auto decided_now = count("SELECT count(*) FROM cases WHERE status = 'decided'") - seeded.prior_cases;
  const auto open_left = count("SELECT count(*) FROM cases WHERE status = 'open'");
  if (db) sqlite3_close(db);

  // --- report
  std::printf("## Runs\n\n");
  std::printf("Latency of ModerationService::Next (the whole call; for paced runs see below). Rate: assignments per second"
              " of the time the measured calls took.\n\n");
  std::printf("| run | threads | assignments | s | assignments/s | next p50 | next p95 | next p99 | next max | decide p50 |"
              " process CPU (cores) | machine busy (all cores) | load avg before |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) PrintRun(r);
  std::printf("\nDecide latency (dismiss; the decision, complaints, notifications, audit entry and the case view in one"
              " transaction; server-like: from posting the request, the wait for a worker included):\n\n| run | decides | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    if (r.decide.n) {
      std::printf("| %s | %zu | %s | %s | %s | %s |\n", r.name.c_str(), r.decide.n, Ms(r.decide.p50).c_str(),
                  Ms(r.decide.p95).c_str(), Ms(r.decide.p99).c_str(), Ms(r.decide.max).c_str());
    }
  }
  std::printf("\nPaced and server-like runs, next latency from the scheduled arrival (includes the harness's late"
              " wake-ups; paced: for an arrival while that moderator thread was still busy with its previous next +"
              " decide, the wait for it; server-like: the wait for a free worker):\n\n| run | achieved assignments/s | p50 | p95 | p99 | max | arrivals while busy | wake-up lateness p50 / p99 |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    if (r.sched.n) {
      const std::string busy = r.wake.n ? std::to_string(r.behind) : "–";
      const std::string wake = r.wake.n ? Ms(r.wake.p50) + " / " + Ms(r.wake.p99) : "–";
      std::printf("| %s | %.0f | %s | %s | **%s** | %s | %s | %s |\n", r.name.c_str(),
                  static_cast<double>(r.assignments) / r.wall_s, Ms(r.sched.p50).c_str(), Ms(r.sched.p95).c_str(),
                  Ms(r.sched.p99).c_str(), Ms(r.sched.max).c_str(), busy.c_str(), wake.c_str());
    }
  }
  std::printf("\n## Where a single `next` spends its time (1 moderator, %zu iterations; k, l: 20 each)\n\n"
              "| part | p50 | p95 | p99 | mean |\n|---|---|---|---|---|\n",
              parts.begin()->second.size());
  for (const auto& [name, v] : parts) {
    const auto s = Summarise(v);
    std::printf("| %s | %s | %s | %s | %s |\n", name.c_str(), Ms(s.p50).c_str(), Ms(s.p95).c_str(), Ms(s.p99).c_str(),
                Ms(s.mean).c_str());
  }
  std::printf("\n## Correctness\n\n");
  std::printf("- cases handed out: %zu, distinct: %zu, handed out twice: **%zu**\n", all_taken.size(), times.size(), twice);
  std::printf("- outside the moderator's skills (or not assigned to them): **%d**\n", violations);
  std::printf("- cases decided more than once: **%lld**; still assigned: %lld; decided by the runs: %lld; open left: %lld\n",
              static_cast<long long>(decided_twice), static_cast<long long>(still_assigned),
              static_cast<long long>(decided_now), static_cast<long long>(open_left));
  std::printf("- errors:");
  if (errors.empty()) std::printf(" none");
  for (const auto& [k, v] : errors) std::printf(" %s × %d;", k.c_str(), v);
  std::size_t empty = 0;
  for (const auto& r : results) empty += r.empty;
  std::printf("\n- next calls that found nothing to take: %zu; refused with at_capacity in server-like runs (the"
              " moderator's decides still queued behind a backlog): %zu\n",
              empty, at_capacity);
  const bool ok = twice == 0 && violations == 0 && decided_twice == 0 && still_assigned == 0 && errors.empty() &&
                  static_cast<std::size_t>(decided_now) == times.size();
  std::printf("\nCorrectness: %s\n", ok ? "OK" : "FAILED");
  std::printf("\nLoad average at the end: %s\n", LoadAverage().c_str());

  service.reset();
  calls.reset();
  store.reset();
  return ok;
}

// The runs of both backends side by side (--backend both).
void PrintSideBySide(const std::vector<RunResult>& s, const std::vector<RunResult>& p) {
  auto p99 = [](const RunResult& r) { return r.sched.n ? r.sched.p99 : r.next.p99; };
  auto rate = [](const RunResult& r) { return r.wall_s > 0 ? static_cast<double>(r.assignments) / r.wall_s : 0; };
  std::printf("# SQLite beside PostgreSQL\n\n"
              "next p99: for the paced and server-like runs from the scheduled arrival (the goal's measure), else"
              " the call itself.\n\n"
              "| run | assignments/s SQLite | PostgreSQL | PostgreSQL/SQLite | next p99 SQLite | PostgreSQL |"
              " PostgreSQL/SQLite | next p50 SQLite | PostgreSQL |\n|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < std::min(s.size(), p.size()); ++i) {
    std::printf("| %s | %.0f | %.0f | %.2f× | %s | %s | %.2f× | %s | %s |\n", s[i].name.c_str(), rate(s[i]), rate(p[i]),
                rate(p[i]) / std::max(rate(s[i]), 1e-9), Ms(p99(s[i])).c_str(), Ms(p99(p[i])).c_str(),
                p99(p[i]) / std::max(p99(s[i]), 1e-9), Ms(s[i].sched.n ? s[i].sched.p50 : s[i].next.p50).c_str(),
                Ms(p[i].sched.n ? p[i].sched.p50 : p[i].next.p50).c_str());
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  int& cases = args.cases;
  int& moderators = args.moderators;
  int& assignments = args.assignments;
  int& cycles = args.cycles;
  int& single = args.single;
  int& pool = args.pool;
  int& server_workers = args.server_workers;
  double& paced_seconds = args.paced_seconds;
  std::vector<double>& rates = args.rates;
  std::vector<double>& server_rates = args.server_rates;
  std::string& dir = args.dir;
  bool& keep = args.keep;
  std::string& log_level = args.log_level;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--cases") cases = std::stoi(value());
    else if (a == "--moderators") moderators = std::stoi(value());
    else if (a == "--assignments") assignments = std::stoi(value());
    else if (a == "--cycles") cycles = std::stoi(value());
    else if (a == "--single") single = std::stoi(value());
    else if (a == "--pool") pool = std::stoi(value());
    else if (a == "--workers") server_workers = std::stoi(value());
    else if (a == "--paced-seconds") paced_seconds = std::stod(value());
    else if (a == "--rates" || a == "--server-rates") {
      auto& list = a == "--rates" ? rates : server_rates;
      list.clear();
      std::stringstream ss(value());
      for (std::string x; std::getline(ss, x, ',');) {
        if (!x.empty()) list.push_back(std::stod(x));
      }
    } else if (a == "--dir") dir = value();
    else if (a == "--keep") keep = true;
    else if (a == "--log") log_level = value();
    else if (a == "--backend") args.backend = value();
    else {
      std::fprintf(stderr,
                   "usage: %s [--cases N] [--moderators N] [--assignments N] [--cycles N] [--single N]\n"
                   "          [--rates R1,R2] [--server-rates R1,R2] [--paced-seconds S] [--pool N] [--workers N]\n"
                   "          [--dir PATH] [--keep] [--log LEVEL] [--backend sqlite|postgres|both]\n",
                   argv[0]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows while it runs
  base::log::Init(log_level);
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "vitrina-moderation-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) Die("mkdtemp");
    dir = tmpl;
  } else {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  static std::string remove_at_exit;
  if (!keep) {  // registered before the cluster's stop, so it runs after it
    remove_at_exit = dir;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(remove_at_exit, ec);
    });
  }

  std::printf("# Moderation queue: `next` (vitrina_moderation_bench)\n\n");
  std::vector<std::string> backends;
  if (args.backend == "both") backends = {"sqlite", "postgres"};
  else if (args.backend == "sqlite" || args.backend == "postgres") backends = {args.backend};
  else Die("--backend sqlite|postgres|both");
  std::string pg_url;
  if (args.backend != "sqlite") {
    pg_url = bench::StartPgCluster(fs::path(dir) / "pg");
    std::printf("%s (scripts/pg-test-cluster: Unix socket, fsync=off, synchronous_commit=off); pool %d connections"
                " per Store, as for SQLite.\n\n", bench::PostgresVersion().c_str(), args.pool);
  }
  std::vector<std::vector<RunResult>> all(backends.size());
  bool ok = true;
  for (std::size_t i = 0; i < backends.size(); ++i) ok = RunBackend(args, backends[i], pg_url, all[i]) && ok;
  if (all.size() == 2) PrintSideBySide(all[0], all[1]);
  return ok ? 0 : 1;
}
