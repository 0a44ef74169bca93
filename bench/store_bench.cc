// Store backends benchmark: the same operations on SQLite and on PostgreSQL in one run, each
// figure with the ratio PostgreSQL/SQLite (results in docs/PERFORMANCE.md, "Store backends:
// SQLite and PostgreSQL"; docs/postgres.md for the backend).
//
// Backends, opened through store::OpenStore as the server opens them, with the same pool size
// (--pool, the server's default 8):
// - SQLite: a file in a temporary directory (WAL, synchronous=NORMAL), the WAL checkpointed by
//   a side thread calling Store::Maintain() every second (background_checkpoint), as in the
//   server;
// - PostgreSQL: a throwaway cluster the bench starts itself with scripts/pg-test-cluster in a
//   temporary directory and stops at the end (PostgreSQL 15, Unix socket, fsync=off,
//   synchronous_commit=off: neither backend waits for the disk at commit).
// Both databases get the same data in the same order: 100 sellers, 200 buyers, 5,000
// listings and 2,000 conversations (setup, not timed). PostgreSQL is measured with planner
// statistics, as autovacuum leaves a database within a minute or so of a bulk load: the bench
// runs ANALYZE after each bulk load (the seed, the queued jobs, the indexed transcripts).
// The feed and the searches are also measured before that ANALYZE (--fresh-reads 200,
// --fresh-searches 50 per class): a just-loaded database, e.g. right after
// `vitrina migrate --from`, which analyzes nothing. SQLite is never analyzed (nor is it by
// the server). Each measurement runs on SQLite, then on PostgreSQL:
// 1. single writer: one Store::Write per chat message (ChatRepository::InsertMessage into one
//    conversation), --writes (2,000) timed one by one after 100 untimed;
// 2. concurrent writers: --threads (4) threads, each with a Store object of its own (as
//    separate processes would have), each inserting --thread-writes (500) messages into a
//    conversation of its own, one Write each; wall time from a common start to the last
//    commit, and how often the Write callbacks ran (PostgreSQL runs a callback again after a
//    serialization failure; SQLite's Store objects wait on the file lock instead);
// 3. jobs: --jobs (2,000) queued jobs, --threads workers each with a Store object of its own
//    claiming (Store::WriteClaim + JobRepository::Claim) and completing (WriteClaim +
//    Complete) until none is left; jobs/s, and a check that every job was claimed once and is
//    done after one attempt;
// 4. feed reads: one Store::Read of ListingRepository::List (default filter: active listings
//    of active sellers, newest first, limit 20) over the 5,000 listings, --reads (2,000) timed
//    after 100 untimed;
// 5. search: --calls (2,000) ended calls with a 6-segment transcript each (Russian or English,
//    half and half, from a small vocabulary with Zipf-like word frequencies, a planted phrase
//    and a rare word), indexed one call per Write (TranscriptRepository::Insert, timed as the
//    transcription job does it), then --searches (200) Store::Read searches per query class
//    (search::ParseQuery(...)->root(), limit 20, first page), alternating a Russian and an
//    English query, after 10 untimed; the first page of each query must be the same on both
//    backends.
//
//   vitrina_store_bench [--pool N] [--writes N] [--threads N] [--thread-writes N] [--jobs N]
//                       [--fresh-reads N] [--fresh-searches N]
//                       [--reads N] [--calls N] [--searches N] [--dir PATH]
//
// Plain main printing Markdown (stdout); progress on stderr.

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
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
#include <string>
#include <thread>
#include <vector>

#include "pg_cluster.h"
#include "search/query.h"
#include "store/open.h"
#include "store/store.h"

namespace {

using namespace vitrina;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
using store::Id;
using store::TimeMs;
using store::Tx;

constexpr TimeMs kT0 = 1'767'225'600'000;  // 2026-01-01
constexpr int kSellers = 100;
constexpr int kBuyers = 200;
constexpr int kListings = 5'000;
constexpr int kSegmentsPerCall = 6;
const char* const kVerticals[] = {"goods", "realty", "auto", "jobs"};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(base::Result<T> r, const std::string& what) {
  if (!r) Die(what + ": " + r.error().code + ": " + r.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

double Micros(Steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

void Progress(const char* fmt, const std::string& arg) {
  std::fprintf(stderr, fmt, arg.c_str());
  std::fflush(stderr);
}

// splitmix64: the same data on every machine and in both backends.
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
};

// ---------------------------------------------------------------- statistics

struct Latency {
  std::size_t n = 0;
  double p50 = 0, p95 = 0, mean = 0;  // microseconds
};

Latency Summarise(std::vector<double> v) {
  Latency s;
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
  return s;
}

std::string Ms(double us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, us < 1'000 ? "%.3f ms" : us < 10'000 ? "%.2f ms" : "%.1f ms", us / 1000.0);
  return buf;
}

std::string Num(double x, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  // Thousands separators on the integer part, as docs/PERFORMANCE.md writes them.
  std::string s = buf;
  auto dot = s.find('.');
  std::string head = s.substr(0, dot), tail = dot == std::string::npos ? "" : s.substr(dot);
  std::string out;
  const bool negative = !head.empty() && head[0] == '-';
  if (negative) head.erase(0, 1);
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (i > 0 && (head.size() - i) % 3 == 0) out += ',';
    out += head[i];
  }
  return (negative ? "-" : "") + out + tail;
}

std::string Ratio(double pg, double sqlite) {
  if (sqlite <= 0) return "—";
  char buf[32];
  const double r = pg / sqlite;
  std::snprintf(buf, sizeof buf, r < 10 ? "%.2f×" : "%.1f×", r);
  return buf;
}

// ---------------------------------------------------------------- backends

struct Backend {
  std::string name;   // sqlite | postgres
  std::string label;  // SQLite | PostgreSQL
  store::StoreOptions options;
  std::unique_ptr<store::Store> store;
  std::atomic<bool> stop{false};
  std::thread maintainer;
  // Seeded ids.
  std::vector<Id> sellers, buyers, listings;
};

std::unique_ptr<store::Store> Open(const store::StoreOptions& options) {
  return Must(store::OpenStore(options), "open " + options.driver);
}

void StartMaintainer(Backend& b) {
  b.maintainer = std::thread([&b] {
    while (!b.stop.load()) {
      for (int i = 0; i < 10 && !b.stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (auto r = b.store->Maintain(); !r) std::fprintf(stderr, "maintain: %s\n", r.error().message.c_str());
    }
  });
}

using bench::PgExec;

// PostgreSQL's planner statistics, as autovacuum's ANALYZE leaves them within a minute or so
// of a bulk load (neither backend analyzes by itself; SQLite's planner needs no statistics
// for these queries and is left as the server leaves it).
void Analyze(Backend& b) {
  if (b.name == "postgres") PgExec(b.options.postgres.url, "ANALYZE");
}

// Tables autovacuum had analyzed by now (PostgreSQL), for the "before ANALYZE" figures.
std::string AutoAnalyzed(Backend& b) {
  return PgExec(b.options.postgres.url,
                "SELECT coalesce(string_agg(relname, ', ' ORDER BY relname), 'none') FROM pg_stat_user_tables"
                " WHERE last_autoanalyze IS NOT NULL");
}

// Users, listings and conversations, identical in both databases (setup, not timed).
void Seed(Backend& b) {
  Must(b.store->Write([&](Tx& tx) -> base::Result<void> {
         b.sellers.clear();
         b.buyers.clear();
         for (int i = 0; i < kSellers; ++i) {
           b.sellers.push_back(TRY(tx.users().Insert({"seller" + std::to_string(i) + "@bench",
                                                      "Seller " + std::to_string(i), "x", {"user"}, "UTC"},
                                                     kT0))
                                   .id);
         }
         for (int i = 0; i < kBuyers; ++i) {
           b.buyers.push_back(TRY(tx.users().Insert({"buyer" + std::to_string(i) + "@bench",
                                                     "Buyer " + std::to_string(i), "x", {"user"}, "UTC"},
                                                    kT0))
                                  .id);
         }
         return {};
       }),
       "seed users");
  Rng rng{7};
  for (int batch = 0; batch < kListings; batch += 1000) {
    std::vector<Id> ids;
    Must(b.store->Write([&](Tx& tx) -> base::Result<void> {
           ids.clear();
           Rng local = rng;
           for (int i = batch; i < std::min(kListings, batch + 1000); ++i) {
             store::Listing l;
             l.seller_id = b.sellers[static_cast<std::size_t>(i % kSellers)];
             l.title = "Listing " + std::to_string(i);
             l.description = "A listing for the store benchmark, number " + std::to_string(i) + ".";
             l.price = 1000 + local.Below(100'000);
             l.vertical = kVerticals[local.Below(4)];
             l.video_call_ready = local.Below(2) == 0;
             l.call_hours_json = "{}";
             l.created_at = l.updated_at = kT0 + i * 1000;
             ids.push_back(TRY(tx.listings().Insert(l)).id);
           }
           rng = local;
           return {};
         }),
         "seed listings");
    b.listings.insert(b.listings.end(), ids.begin(), ids.end());
  }
  // 2,000 conversations (10 per buyer), so chat writes meet a table of realistic shape.
  Must(b.store->Write([&](Tx& tx) -> base::Result<void> {
         for (int i = 0; i < 2'000; ++i) {
           const auto l = static_cast<std::size_t>((i * 13 + 100) % kListings);
           TRY(tx.chat().FindOrCreateConversation(b.listings[l], b.buyers[static_cast<std::size_t>(i % kBuyers)],
                                                  b.sellers[l % kSellers], kT0));
         }
         return {};
       }),
       "seed conversations");
}

Id Conversation(store::Store& st, Id listing, Id buyer, Id seller) {
  return Must(st.Write([&](Tx& tx) { return tx.chat().FindOrCreateConversation(listing, buyer, seller, kT0); }),
              "conversation")
      .first.id;
}

// ---------------------------------------------------------------- 1. single writer

Latency SingleWriter(Backend& b, int writes) {
  auto& st = *b.store;
  const Id conv = Conversation(st, b.listings[0], b.buyers[0], b.sellers[0]);
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(writes));
  for (int i = -100; i < writes; ++i) {
    const std::string text = "Hello, is the item still available? Message " + std::to_string(i);
    const auto a = Steady::now();
    Must(st.Write([&](Tx& tx) { return tx.chat().InsertMessage(conv, b.buyers[0], text, kT0 + 1'000'000 + i); }),
         "insert message");
    if (i >= 0) us.push_back(Micros(Steady::now() - a));
  }
  return Summarise(std::move(us));
}

// ---------------------------------------------------------------- 2. concurrent writers

struct Concurrent {
  double wall_s = 0;
  double per_s = 0;
  std::int64_t done = 0, attempts = 0, errors = 0;
  std::string first_error;
  Latency latency;
};

Concurrent ConcurrentWriters(Backend& b, int threads, int per_thread) {
  std::vector<Id> convs;
  for (int t = 0; t < threads; ++t) {
    convs.push_back(Conversation(*b.store, b.listings[static_cast<std::size_t>(1 + t)],
                                 b.buyers[static_cast<std::size_t>(1 + t)],
                                 b.sellers[static_cast<std::size_t>((1 + t) % kSellers)]));
  }
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int t = 0; t < threads; ++t) stores.push_back(Open(b.options));
  // Each store's connections used once, untimed, so the timed run does not open anything.
  for (auto& s : stores) Must(s->Read([](Tx& tx) { return tx.users().FindById(1); }), "warm");

  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<std::int64_t> attempts{0}, errors{0}, done{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::vector<double>> us(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& st = *stores[static_cast<std::size_t>(t)];
      const Id conv = convs[static_cast<std::size_t>(t)];
      const Id sender = b.buyers[static_cast<std::size_t>(1 + t)];
      ready++;
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < per_thread; ++i) {
        const std::string text = "Thread " + std::to_string(t) + " message " + std::to_string(i);
        const auto a = Steady::now();
        auto r = st.Write([&](Tx& tx) {
          attempts++;
          return tx.chat().InsertMessage(conv, sender, text, kT0 + 2'000'000 + i);
        });
        us[static_cast<std::size_t>(t)].push_back(Micros(Steady::now() - a));
        if (r) {
          done++;
        } else {
          errors++;
          std::lock_guard lock(mu);
          if (first_error.empty()) first_error = r.error().code + ": " + r.error().message;
        }
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Steady::now();
  go = true;
  for (auto& w : workers) w.join();
  Concurrent c;
  c.wall_s = Seconds(Steady::now() - start);
  c.done = done.load();
  c.attempts = attempts.load();
  c.errors = errors.load();
  c.first_error = first_error;
  c.per_s = static_cast<double>(c.done) / c.wall_s;
  std::vector<double> all;
  for (auto& v : us) all.insert(all.end(), v.begin(), v.end());
  c.latency = Summarise(std::move(all));
  // Every committed message is there, once.
  for (int t = 0; t < threads; ++t) {
    auto msgs = Must(b.store->Read([&](Tx& tx) {
                       return tx.chat().ListMessages(convs[static_cast<std::size_t>(t)], std::nullopt, per_thread + 100);
                     }),
                     "list messages");
    if (static_cast<std::int64_t>(msgs.size()) != per_thread && c.errors == 0) {
      Die(b.name + ": conversation " + std::to_string(t) + " holds " + std::to_string(msgs.size()) + " messages");
    }
  }
  return c;
}

// ---------------------------------------------------------------- 3. jobs

struct Jobs {
  double wall_s = 0;
  double per_s = 0;
  std::int64_t claim_attempts = 0, complete_attempts = 0;
  bool exactly_once = false;
  std::string problem;
};

Jobs JobThroughput(Backend& b, int jobs, int threads) {
  std::vector<Id> queued;
  for (int batch = 0; batch < jobs; batch += 1000) {
    std::vector<Id> ids;
    Must(b.store->Write([&](Tx& tx) -> base::Result<void> {
           ids.clear();
           for (int i = batch; i < std::min(jobs, batch + 1000); ++i) {
             store::NewJob job{"bench", "{\"n\":" + std::to_string(i) + "}", std::nullopt, 3, 0};
             auto id = TRY(tx.jobs().Insert(job, 100));
             if (id) ids.push_back(*id);
           }
           return {};
         }),
         "queue jobs");
    queued.insert(queued.end(), ids.begin(), ids.end());
  }
  if (static_cast<int>(queued.size()) != jobs) Die(b.name + ": not every job was queued");
  Analyze(b);

  std::vector<std::unique_ptr<store::Store>> stores;
  for (int t = 0; t < threads; ++t) stores.push_back(Open(b.options));
  for (auto& s : stores) Must(s->Read([](Tx& tx) { return tx.users().FindById(1); }), "warm");

  std::mutex mu;
  std::map<Id, int> claims;  // job -> how many times it was leased
  std::vector<std::string> errors;
  std::atomic<std::int64_t> claim_attempts{0}, complete_attempts{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& st = *stores[static_cast<std::size_t>(t)];
      const std::string owner = "worker-" + std::to_string(t);
      ready++;
      while (!go.load()) std::this_thread::yield();
      while (true) {
        // A long lease: nothing expires during the run, so a second claim is a double claim.
        auto job = st.WriteClaim([&](Tx& tx) {
          claim_attempts++;
          return tx.jobs().Claim({"bench"}, owner, 200, 3'600'000);
        });
        if (!job) {
          std::lock_guard lock(mu);
          errors.push_back("claim: " + job.error().code + ": " + job.error().message);
          return;
        }
        if (!*job) return;
        {
          std::lock_guard lock(mu);
          claims[(*job)->id]++;
        }
        auto ok = st.WriteClaim([&](Tx& tx) {
          complete_attempts++;
          return tx.jobs().Complete((*job)->id, owner, 300);
        });
        if (!ok || !*ok) {
          std::lock_guard lock(mu);
          errors.push_back("complete: " + (ok ? std::string("lease lost") : ok.error().message));
          return;
        }
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Steady::now();
  go = true;
  for (auto& w : workers) w.join();
  Jobs r;
  r.wall_s = Seconds(Steady::now() - start);
  r.per_s = static_cast<double>(jobs) / r.wall_s;
  r.claim_attempts = claim_attempts.load();
  r.complete_attempts = complete_attempts.load();

  // Exactly once: every queued job claimed by one worker, done after one attempt.
  std::string problem = errors.empty() ? "" : std::to_string(errors.size()) + " errors, the first: " + errors[0];
  if (problem.empty() && claims.size() != queued.size()) {
    problem = std::to_string(claims.size()) + " of " + std::to_string(queued.size()) + " jobs claimed";
  }
  for (const auto& [id, n] : claims) {
    if (problem.empty() && n != 1) problem = "job " + std::to_string(id) + " claimed " + std::to_string(n) + " times";
  }
  auto listed = Must(b.store->Read([&](Tx& tx) { return tx.jobs().List(std::nullopt, std::nullopt, jobs + 100); }),
                     "list jobs");
  if (problem.empty() && static_cast<int>(listed.size()) != jobs) problem = "jobs table holds " + std::to_string(listed.size());
  for (const auto& j : listed) {
    if (!problem.empty()) break;
    if (j.state != "done" || j.attempts != 1 || !claims.count(j.id)) {
      problem = "job " + std::to_string(j.id) + " is " + j.state + " after " + std::to_string(j.attempts) + " attempts";
    }
  }
  r.exactly_once = problem.empty();
  r.problem = problem;
  return r;
}

// ---------------------------------------------------------------- 4. feed reads

Latency FeedReads(Backend& b, int reads) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(reads));
  store::ListingFilter filter;  // the default: active listings of active sellers, limit 20
  for (int i = -100; i < reads; ++i) {
    const auto a = Steady::now();
    auto page = Must(b.store->Read([&](Tx& tx) { return tx.listings().List(filter); }), "feed");
    if (i >= 0) us.push_back(Micros(Steady::now() - a));
    if (page.size() != 20 || page[0].id != b.listings.back()) Die(b.name + ": unexpected feed page");
  }
  return Summarise(std::move(us));
}

// ---------------------------------------------------------------- 5. search

// Small vocabularies, most frequent first (Zipf-like weights 1/rank).
const std::vector<std::string> kEnglish = {
    "price",   "hello",   "delivery", "card",    "today",    "condition", "phone",    "meeting",
    "address", "photo",   "tomorrow", "discount", "working", "ready",     "call",     "video",
    "seller",  "buyer",   "payment",  "transfer", "week",    "evening",   "morning",  "documents",
    "keys",    "battery", "screen",   "size",     "colour",  "model",     "year",     "mileage",
    "rent",    "deposit", "contract", "original", "receipt", "courier",   "station",  "weekend"};
const std::vector<std::string> kRussian = {
    "цена",     "здравствуйте", "доставка", "карта",    "сегодня",   "состояние", "телефон",
    "встреча",  "адрес",        "фото",     "завтра",   "скидка",    "работает",  "готов",
    "звонок",   "видео",        "продавец", "покупатель", "оплата",  "перевод",   "неделя",
    "вечером",  "утром",        "документы", "ключи",   "аккумулятор", "экран",   "размер",
    "цвет",     "модель",       "год",      "пробег",   "аренда",    "залог",     "договор",
    "оригинал", "чек",          "курьер",   "метро",    "выходные"};

struct Vocabulary {
  const std::vector<std::string>* words;
  std::vector<double> cumulative;  // of 1/rank
  explicit Vocabulary(const std::vector<std::string>& w) : words(&w) {
    double sum = 0;
    for (std::size_t r = 1; r <= w.size(); ++r) cumulative.push_back(sum += 1.0 / static_cast<double>(r));
  }
  const std::string& Pick(Rng& rng) const {
    const double x = rng.Uniform() * cumulative.back();
    const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), x);
    return (*words)[static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - cumulative.begin(),
                                                                      static_cast<std::ptrdiff_t>(words->size()) - 1))];
  }
};

// One call's transcript: 6 segments of 8-15 words; 8 % of segments carry the phrase
// ("оплата картой" / "card payment"), 0.5 % the rare word ("гарантия" / "warranty").
std::vector<store::TranscriptSegment> MakeSegments(Rng& rng, bool russian) {
  static const Vocabulary en(kEnglish), ru(kRussian);
  const Vocabulary& v = russian ? ru : en;
  std::vector<store::TranscriptSegment> out;
  std::int64_t t = 0;
  for (int s = 0; s < kSegmentsPerCall; ++s) {
    std::vector<std::string> words;
    const int n = 8 + rng.Below(8);
    for (int i = 0; i < n; ++i) words.push_back(v.Pick(rng));
    if (rng.Uniform() < 0.08) {
      const auto at = static_cast<std::size_t>(rng.Below(static_cast<int>(words.size())));
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), russian ? "оплата" : "card");
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(at) + 1, russian ? "картой" : "payment");
    }
    if (rng.Uniform() < 0.005) {
      words.insert(words.begin() + rng.Below(static_cast<int>(words.size())), russian ? "гарантия" : "warranty");
    }
    store::TranscriptSegment seg;
    seg.speaker = s % 2 == 0 ? "buyer" : "seller";
    seg.start_ms = t;
    seg.confidence = 0.9;
    for (const auto& w : words) {
      if (!seg.text.empty()) seg.text += ' ';
      seg.text += w;
      seg.words.push_back({w, t, t + 350, 0.9});
      t += 400;
    }
    seg.end_ms = t;
    t += 700;
    out.push_back(std::move(seg));
  }
  return out;
}

struct QueryClass {
  std::string name;
  std::array<std::string, 2> texts;  // Russian, English
};

const std::vector<QueryClass> kQueryClasses = {
    {"common word", {"цена", "price"}},
    {"rare word", {"гарантия", "warranty"}},
    {"phrase", {"\"оплата картой\"", "\"card payment\""}},
    {"prefix", {"достав*", "deliv*"}},
};

struct SearchResult {
  Latency index;  // one call's transcript per Write
  double index_wall_s = 0;
  std::vector<Latency> fresh;  // by kQueryClasses, before ANALYZE
  std::string auto_analyzed;
  std::vector<Latency> classes;                   // by kQueryClasses
  std::vector<std::array<std::size_t, 2>> hits;   // first page sizes (ru, en)
  std::vector<std::array<std::vector<Id>, 2>> pages;  // first page segment ids
};

// `searches` searches alternating the class's Russian and English query, after 10 untimed;
// the last first page of each.
Latency RunQueries(Backend& b, const QueryClass& qc, int searches, std::array<std::size_t, 2>& hits,
                   std::array<std::vector<Id>, 2>& pages) {
  std::array<store::SearchQuery, 2> queries;
  for (std::size_t l = 0; l < 2; ++l) {
    auto parsed = search::ParseQuery(qc.texts[l]);
    if (!parsed) Die("query " + qc.texts[l] + ": " + parsed.error().message);
    queries[l].query = parsed->root();
    queries[l].limit = 20;
  }
  std::vector<double> lat;
  for (int i = -10; i < searches; ++i) {
    const auto l = static_cast<std::size_t>((i + 10) % 2);
    const auto a = Steady::now();
    auto page = Must(b.store->Read([&](Tx& tx) { return tx.transcripts().Search(queries[l]); }), "search " + qc.name);
    if (i >= 0) lat.push_back(Micros(Steady::now() - a));
    hits[l] = page.hits.size();
    pages[l].clear();
    for (const auto& h : page.hits) pages[l].push_back(h.segment_id);
  }
  if (hits[0] == 0 || hits[1] == 0) Die(b.name + ": no hits for " + qc.name);
  return Summarise(std::move(lat));
}

SearchResult Search(Backend& b, int calls, int searches, int fresh_searches) {
  SearchResult r;
  // Ended calls, a minute apart (segment ids derive from the start second), on the seeded
  // listings and buyers; setup, not timed.
  std::vector<Id> call_ids;
  for (int batch = 0; batch < calls; batch += 500) {
    std::vector<Id> ids;
    Must(b.store->Write([&](Tx& tx) -> base::Result<void> {
           ids.clear();
           for (int i = batch; i < std::min(calls, batch + 500); ++i) {
             const Id listing = b.listings[static_cast<std::size_t>((i * 7) % kListings)];
             const Id seller = b.sellers[static_cast<std::size_t>(((i * 7) % kListings) % kSellers)];
             const Id buyer = b.buyers[static_cast<std::size_t>(i % kBuyers)];
             auto conv = TRY(tx.chat().FindOrCreateConversation(listing, buyer, seller, kT0));
             store::Call c;
             c.conversation_id = conv.first.id;
             c.listing_id = listing;
             c.buyer_id = buyer;
             c.seller_id = seller;
             c.proposed_by = buyer;
             c.state = "ended";
             const TimeMs start = kT0 + 86'400'000 + static_cast<TimeMs>(i) * 60'000;
             c.created_at = c.updated_at = c.join_opens_at = start - 60'000;
             c.join_closes_at = start + 600'000;
             c.started_at = start;
             c.ended_at = start + 300'000;
             ids.push_back(TRY(tx.calls().Insert(c)).id);
           }
           return {};
         }),
         "calls");
    call_ids.insert(call_ids.end(), ids.begin(), ids.end());
  }

  Rng rng{42};
  std::vector<double> us;
  const auto t0 = Steady::now();
  for (int i = 0; i < calls; ++i) {
    const bool russian = i % 2 == 0;
    store::NewTranscript t{"bench", "synthetic", russian ? "ru" : "en", MakeSegments(rng, russian)};
    const auto a = Steady::now();
    Must(b.store->Write([&](Tx& tx) { return tx.transcripts().Insert(call_ids[static_cast<std::size_t>(i)], t, kT0); }),
         "transcript");
    us.push_back(Micros(Steady::now() - a));
  }
  r.index_wall_s = Seconds(Steady::now() - t0);
  r.index = Summarise(std::move(us));

  // Just loaded: before ANALYZE (unless autovacuum got there first: reported).
  if (b.name == "postgres") r.auto_analyzed = AutoAnalyzed(b);
  for (const auto& qc : kQueryClasses) {
    std::array<std::size_t, 2> hits{};
    std::array<std::vector<Id>, 2> pages;
    r.fresh.push_back(RunQueries(b, qc, fresh_searches, hits, pages));
  }
  Analyze(b);
  for (const auto& qc : kQueryClasses) {
    std::array<std::size_t, 2> hits{};
    std::array<std::vector<Id>, 2> pages;
    r.classes.push_back(RunQueries(b, qc, searches, hits, pages));
    r.hits.push_back(hits);
    r.pages.push_back(pages);
  }
  return r;
}

// ---------------------------------------------------------------- main

struct Options {
  int pool = 8;
  int writes = 2'000;
  int threads = 4;
  int thread_writes = 500;
  int jobs = 2'000;
  int reads = 2'000;
  int calls = 2'000;
  int searches = 200;
  int fresh_reads = 200;    // feed reads before ANALYZE
  int fresh_searches = 50;  // searches per class before ANALYZE
  std::string dir;
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--pool") o.pool = std::stoi(next());
    else if (a == "--writes") o.writes = std::stoi(next());
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--thread-writes") o.thread_writes = std::stoi(next());
    else if (a == "--jobs") o.jobs = std::stoi(next());
    else if (a == "--reads") o.reads = std::stoi(next());
    else if (a == "--calls") o.calls = std::stoi(next());
    else if (a == "--searches") o.searches = std::stoi(next());
    else if (a == "--fresh-reads") o.fresh_reads = std::stoi(next());
    else if (a == "--fresh-searches") o.fresh_searches = std::stoi(next());
    else if (a == "--dir") o.dir = next();
    else Die("unknown argument " + a + " (see the head of bench/store_bench.cc)");
  }
  if (o.threads < 1 || o.threads > kBuyers - 1) Die("--threads out of range");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = ParseArgs(argc, argv);
  const auto run_start = Steady::now();
  const fs::path dir =
      opt.dir.empty() ? fs::temp_directory_path() / ("vitrina-store-bench-" + std::to_string(::getpid())) : fs::path(opt.dir);
  fs::remove_all(dir);
  fs::create_directories(dir);

  // The PostgreSQL cluster of this run, stopped at exit whatever happens (bench/pg_cluster.h).
  static fs::path work_dir = dir;
  std::atexit([] {  // registered first, so it runs after the cluster's stop
    std::error_code ec;
    fs::remove_all(work_dir, ec);
  });
  const std::string pg_url = bench::StartPgCluster(dir / "pg");

  std::array<Backend, 2> backends;
  backends[0].name = "sqlite";
  backends[0].label = "SQLite";
  backends[1].name = "postgres";
  backends[1].label = "PostgreSQL";
  for (auto& b : backends) {
    b.options.driver = b.name;
    b.options.pool_size = opt.pool;
    b.options.sqlite.path = (dir / "bench.db").string();
    b.options.sqlite.background_checkpoint = true;
    b.options.postgres.url = pg_url;
    b.store = Open(b.options);
    Must(b.store->Migrate(), "migrate " + b.name);
    StartMaintainer(b);
    Progress("store_bench: seeding %s\n", b.label);
    Seed(b);
  }

  // The feed on the just-loaded databases, before PostgreSQL has planner statistics.
  std::array<Latency, 2> feed_fresh;
  const std::string feed_auto_analyzed = AutoAnalyzed(backends[1]);
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: feed reads before ANALYZE, %s\n", backends[i].label);
    feed_fresh[i] = FeedReads(backends[i], opt.fresh_reads);
  }
  for (auto& b : backends) Analyze(b);

  std::array<Latency, 2> single, feed;
  std::array<Concurrent, 2> concurrent;
  std::array<Jobs, 2> jobs;
  std::array<SearchResult, 2> search;
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: single writer, %s\n", backends[i].label);
    single[i] = SingleWriter(backends[i], opt.writes);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: concurrent writers, %s\n", backends[i].label);
    concurrent[i] = ConcurrentWriters(backends[i], opt.threads, opt.thread_writes);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: jobs, %s\n", backends[i].label);
    jobs[i] = JobThroughput(backends[i], opt.jobs, opt.threads);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: feed reads, %s\n", backends[i].label);
    feed[i] = FeedReads(backends[i], opt.reads);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    Progress("store_bench: search, %s\n", backends[i].label);
    search[i] = Search(backends[i], opt.calls, opt.searches, opt.fresh_searches);
  }
  for (auto& b : backends) {
    b.stop = true;
    b.maintainer.join();
    b.store.reset();
  }

  // ---------------------------------------------------------------- report
  const std::string pg_version = bench::PostgresVersion();
  std::printf("# Store backends: SQLite and PostgreSQL\n\n");
  std::printf("%u cores; SQLite %s (file, WAL, synchronous=NORMAL, background checkpoint); %s "
              "(scripts/pg-test-cluster: Unix socket, fsync=off, synchronous_commit=off); "
              "pool %d connections per Store; run took %.0f s.\n\n",
              std::thread::hardware_concurrency(), sqlite3_libversion(), pg_version.c_str(), opt.pool,
              Seconds(Steady::now() - run_start));

  std::printf("| measure | SQLite | PostgreSQL | PostgreSQL/SQLite |\n|---|---|---|---|\n");
  auto latency_rows = [](const std::string& what, const Latency& s, const Latency& p) {
    std::printf("| %s p50 | %s | %s | %s |\n", what.c_str(), Ms(s.p50).c_str(), Ms(p.p50).c_str(),
                Ratio(p.p50, s.p50).c_str());
    std::printf("| %s p95 | %s | %s | %s |\n", what.c_str(), Ms(s.p95).c_str(), Ms(p.p95).c_str(),
                Ratio(p.p95, s.p95).c_str());
  };
  latency_rows("1. single writer: one Write inserting a message (" + Num(opt.writes) + ")", single[0], single[1]);
  {
    const auto& s = concurrent[0];
    const auto& p = concurrent[1];
    const std::string what = "2. concurrent writers: " + std::to_string(opt.threads) + " Stores × " +
                             Num(opt.thread_writes) + " messages";
    std::printf("| %s, writes/s | %s | %s | %s |\n", what.c_str(), Num(s.per_s).c_str(), Num(p.per_s).c_str(),
                Ratio(p.per_s, s.per_s).c_str());
    std::printf("| %s, wall time | %.2f s | %.2f s | %s |\n", what.c_str(), s.wall_s, p.wall_s,
                Ratio(p.wall_s, s.wall_s).c_str());
    std::printf("| %s, per-write p50 / p95 | %s / %s | %s / %s | %s / %s |\n", what.c_str(), Ms(s.latency.p50).c_str(),
                Ms(s.latency.p95).c_str(), Ms(p.latency.p50).c_str(), Ms(p.latency.p95).c_str(),
                Ratio(p.latency.p50, s.latency.p50).c_str(), Ratio(p.latency.p95, s.latency.p95).c_str());
    std::printf("| %s, callback runs per write (failed writes) | %.3f (%s) | %.3f (%s) | — |\n", what.c_str(),
                static_cast<double>(s.attempts) / static_cast<double>(std::max<std::int64_t>(1, s.done + s.errors)),
                Num(static_cast<double>(s.errors)).c_str(),
                static_cast<double>(p.attempts) / static_cast<double>(std::max<std::int64_t>(1, p.done + p.errors)),
                Num(static_cast<double>(p.errors)).c_str());
  }
  {
    const auto& s = jobs[0];
    const auto& p = jobs[1];
    const std::string what = "3. jobs: " + Num(opt.jobs) + " claimed + completed by " + std::to_string(opt.threads) + " Stores";
    std::printf("| %s, jobs/s | %s | %s | %s |\n", what.c_str(), Num(s.per_s).c_str(), Num(p.per_s).c_str(),
                Ratio(p.per_s, s.per_s).c_str());
    std::printf("| %s, each done exactly once | %s | %s | — |\n", what.c_str(),
                s.exactly_once ? "yes" : ("**no**: " + s.problem).c_str(),
                p.exactly_once ? "yes" : ("**no**: " + p.problem).c_str());
    std::printf("| %s, claim / complete callback runs | %s / %s | %s / %s | — |\n", what.c_str(),
                Num(static_cast<double>(s.claim_attempts)).c_str(), Num(static_cast<double>(s.complete_attempts)).c_str(),
                Num(static_cast<double>(p.claim_attempts)).c_str(), Num(static_cast<double>(p.complete_attempts)).c_str());
  }
  latency_rows("4. feed: one Read listing 20 of " + Num(kListings) + " listings (" + Num(opt.reads) + ")", feed[0],
               feed[1]);
  latency_rows("5. transcript insert: one Write per call, 6 segments (" + Num(opt.calls) + ")", search[0].index,
               search[1].index);
  for (std::size_t c = 0; c < kQueryClasses.size(); ++c) {
    const auto& qc = kQueryClasses[c];
    latency_rows("5. search, " + qc.name + " (`" + qc.texts[0] + "` / `" + qc.texts[1] + "`)", search[0].classes[c],
                 search[1].classes[c]);
  }

  std::printf("\nJust loaded, before PostgreSQL's planner statistics exist (no ANALYZE yet; tables "
              "autovacuum had analyzed: %s at the feed, %s at the searches). SQLite as above:\n\n",
              feed_auto_analyzed.c_str(), search[1].auto_analyzed.c_str());
  std::printf("| measure | SQLite | PostgreSQL | PostgreSQL/SQLite |\n|---|---|---|---|\n");
  latency_rows("4. feed, before ANALYZE (" + Num(opt.fresh_reads) + ")", feed_fresh[0], feed_fresh[1]);
  for (std::size_t c = 0; c < kQueryClasses.size(); ++c) {
    latency_rows("5. search, " + kQueryClasses[c].name + ", before ANALYZE (" + Num(opt.fresh_searches) + ")",
                 search[0].fresh[c], search[1].fresh[c]);
  }

  std::printf("\nSearch: %s segments in %s calls; first-page hits (ru / en) and whether both backends "
              "gave the same first page:\n\n",
              Num(static_cast<double>(opt.calls) * kSegmentsPerCall).c_str(), Num(opt.calls).c_str());
  std::printf("| query class | SQLite hits | PostgreSQL hits | same pages |\n|---|---|---|---|\n");
  bool all_same = true;
  for (std::size_t c = 0; c < kQueryClasses.size(); ++c) {
    const bool same = search[0].pages[c] == search[1].pages[c];
    all_same = all_same && same;
    std::printf("| %s | %zu / %zu | %zu / %zu | %s |\n", kQueryClasses[c].name.c_str(), search[0].hits[c][0],
                search[0].hits[c][1], search[1].hits[c][0], search[1].hits[c][1], same ? "yes" : "**no**");
  }
  std::printf("\nTranscript indexing wall time: SQLite %.1f s, PostgreSQL %.1f s.\n", search[0].index_wall_s,
              search[1].index_wall_s);
  for (std::size_t i = 0; i < 2; ++i) {
    if (!concurrent[i].first_error.empty()) {
      std::printf("\n%s concurrent writers, first error: %s\n", backends[i].label.c_str(),
                  concurrent[i].first_error.c_str());
    }
  }
  std::fflush(stdout);
  const bool ok = jobs[0].exactly_once && jobs[1].exactly_once && all_same;
  return ok ? 0 : 1;
}
