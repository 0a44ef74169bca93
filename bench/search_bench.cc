// Transcript search benchmark (docs/search.md, results in docs/PERFORMANCE.md "Search").
//
// Builds a deterministic synthetic corpus of call transcripts (default 1,000,000 segments of
// 5–25 words, ~70 % English / 30 % Russian calls, Zipf-like vocabulary of real inflected word
// forms with a long synthetic tail, 180 days, ~50k users, 4 verticals), indexes it through
// TranscriptRepository::Insert one call per transaction into a file database, then measures
// query latency (first page, top 20) for several query classes with and without filters
// (speaker + vertical + 30-day window). Side by side: a plain FTS5 `unicode61` table over the
// same segments, queried the way a straightforward implementation would (bm25 over all
// matches, filters in SQL on the joined rows, FTS table first).
//
//   vitrina_search_bench [--segments N] [--dir PATH] [--tier K] [--queries N] [--reuse]
//                        [--fts-config automerge=8,...] [--index-only]
//                        [--backend sqlite|postgres|both]
//
// --backend postgres|both (default sqlite): the same corpus indexed the same way (one call per
// Write through TranscriptRepository::Insert) into a throwaway PostgreSQL cluster
// (scripts/pg-test-cluster, bench/pg_cluster.h), ANALYZEd after indexing (what autovacuum does
// within a minute of a bulk load), and the same queries; the plain FTS5 baseline, --reuse and
// --fts-config are SQLite's only. `both` runs SQLite, then PostgreSQL, and ends with the p50 and
// p99 of every query class side by side.
//
// As in the server, the WAL is checkpointed by a maintenance thread (Store::Maintain every
// second), not inside committing transactions.

#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "search/fts5_tokenizer.h"
#include "search/highlight.h"
#include "search/query.h"
#include "pg_cluster.h"
#include "store/open.h"
#include "store/store.h"

namespace {

using namespace vitrina;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr store::TimeMs kDayMs = 86'400'000;
constexpr store::TimeMs kStart = 1'767'225'600'000;  // 2026-01-01
constexpr int kDays = 180;
constexpr int kUsers = 50'000;
constexpr int kSellers = 10'000;  // the first kSellers users have one listing each
const char* const kVerticals[] = {"goods", "realty", "auto", "jobs"};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU seconds of the calling thread: the machine is shared, so wall time alone overstates
// what indexing costs when other processes compete for the two cores.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

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
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<std::uint64_t>(hi - lo + 1)); }
};

// Real word forms, most frequent first (rank order of the Zipf head).
const char* const kEnglish[] = {
    "the", "i", "you", "it", "a", "is", "and", "to", "yes", "that", "of", "in", "we", "can",
    "do", "no", "for", "on", "this", "what", "have", "my", "your", "okay", "so", "how", "not",
    "be", "with", "there", "will", "price", "just", "when", "phone", "car", "is", "good",
    "would", "like", "one", "well", "about", "delivery", "pay", "card", "cash", "work", "works",
    "working", "worked", "new", "condition", "still", "available", "tomorrow", "today", "meet",
    "meeting", "apartment", "room", "rooms", "rent", "battery", "batteries", "charge",
    "charging", "charged", "charger", "screen", "screens", "scratch", "scratches", "sell",
    "selling", "sold", "buy", "buying", "bought", "deliver", "delivered", "delivering", "paid",
    "paying", "payment", "payments", "cards", "week", "weeks", "month", "months", "kitchen",
    "floor", "engine", "engines", "mileage", "tire", "tires", "wheel", "wheels", "drive",
    "driving", "drove", "driven", "job", "jobs", "salary", "interview", "interviews",
    "experience", "schedule", "scheduled", "shift", "shifts", "photo", "photos", "warranty",
    "box", "original", "discount", "discounts", "cheap", "cheaper", "cheapest", "expensive",
    "negotiable", "negotiate", "address", "metro", "station", "parking", "owner", "owners",
    "document", "documents", "repair", "repaired", "repairs", "color", "colors", "size", "sizes",
    "shoes", "jacket", "jackets", "sofa", "table", "tables", "chair", "chairs", "laptop",
    "laptops", "camera", "cameras", "bike", "bikes", "keys", "deposit", "contract", "contracts",
    "landlord", "neighbors", "heating", "balcony", "furniture", "furnished", "insurance",
    "accident", "accidents", "gearbox", "automatic", "manual", "diesel", "petrol", "hours",
    "weekend", "evening", "morning", "courier", "pickup", "shipping", "shipped", "refund",
    "refunds", "broken", "cracked", "memory", "storage", "receipt", "receipts", "manager",
    "position", "remote", "office", "trial", "bonus", "bonuses", "uniform", "tenant", "tenants",
};
const char* const kRussian[] = {
    "и", "я", "да", "не", "в", "это", "что", "на", "вы", "нет", "а", "так", "можно", "ну",
    "как", "с", "у", "но", "по", "есть", "мне", "там", "хорошо", "цена", "цену", "цены",
    "ценой", "телефон", "телефона", "телефоны", "телефоном", "машина", "машину", "машины",
    "машиной", "квартира", "квартиру", "квартиры", "квартире", "доставка", "доставку",
    "доставки", "доставкой", "оплата", "оплату", "оплаты", "оплатить", "оплачу", "карта",
    "карту", "карты", "картой", "наличные", "наличными", "батарея", "батарею", "батареи",
    "зарядка", "зарядку", "зарядки", "экран", "экрана", "экраном", "состояние", "состоянии",
    "новый", "новая", "новое", "новые", "работает", "работать", "работу", "работа", "продаю",
    "продать", "продам", "купить", "куплю", "купил", "встретиться", "встреча", "встречу",
    "завтра", "сегодня", "неделю", "недели", "месяц", "месяца", "аренда", "аренду", "аренды",
    "комната", "комнату", "комнаты", "кухня", "кухне", "кухни", "этаж", "этаже", "двигатель",
    "двигателя", "пробег", "пробега", "шины", "шин", "колёса", "колеса", "колесо", "водитель",
    "водителя", "зарплата", "зарплату", "зарплаты", "собеседование", "собеседования", "опыт",
    "опыта", "график", "графика", "смена", "смену", "смены", "фото", "фотографии", "гарантия",
    "гарантию", "гарантии", "коробка", "коробку", "коробки", "скидка", "скидку", "скидки",
    "дешевле", "дорого", "торг", "адрес", "адреса", "метро", "парковка", "парковки",
    "владелец", "владельца", "документы", "документов", "ремонт", "ремонта", "царапины",
    "царапин", "цвет", "цвета", "размер", "размера", "ёлка", "ёлку", "ёлки", "елка", "диван",
    "дивана", "стол", "стола", "стулья", "ноутбук", "ноутбука", "камера", "камеру",
    "велосипед", "велосипеда", "ключи", "залог", "договор", "договора", "хозяин", "соседи",
    "отопление", "балкон", "мебель", "мебелью", "страховка", "авария", "коробкой", "автомат",
    "механика", "дизель", "бензин", "часов", "выходные", "вечером", "утром", "курьер",
    "самовывоз", "отправка", "возврат", "сломан", "трещина", "память", "чек", "менеджер",
};

std::vector<std::string> Vocabulary(bool russian, Rng& rng, int tail) {
  std::vector<std::string> v;
  if (russian) {
    for (const char* w : kRussian) v.emplace_back(w);
  } else {
    for (const char* w : kEnglish) v.emplace_back(w);
  }
  static const char* const kLatin[] = {"ka", "lo", "mer", "tin", "vo", "zel", "pra", "sto", "ne",
                                       "gri", "bal", "dor", "fen", "hu", "jas", "kur", "mil",
                                       "nor", "pel", "quo", "ras", "sil", "tor", "ul", "wen"};
  static const char* const kCyr[] = {"ка", "ло", "мер", "тин", "во", "зел", "пра", "сто", "не",
                                     "гри", "бал", "дор", "фен", "ху", "яс", "кур", "мил",
                                     "нор", "пел", "рас", "сил", "тор", "ул", "вен", "жу"};
  static const char* const kRuEndings[] = {"а", "у", "ой", "ы", "е", "ом", "ами", "ов", ""};
  static const char* const kEnSuffix[] = {"", "s", "ing", "ed", "er", ""};
  for (int i = 0; i < tail; ++i) {
    std::string w;
    const int syllables = rng.Int(2, 4);
    for (int s = 0; s < syllables; ++s) w += russian ? kCyr[rng.Next() % 25] : kLatin[rng.Next() % 25];
    if (russian) {
      w += kRuEndings[rng.Next() % 9];
    } else if (rng.Next() % 10 == 0) {
      w += std::to_string(rng.Int(1, 999));  // model numbers: x240, a52
    } else {
      w += kEnSuffix[rng.Next() % 6];
    }
    v.push_back(std::move(w));
  }
  return v;
}

// Zipf–Mandelbrot sampler over ranks 0..n-1.
struct Zipf {
  std::vector<double> cdf;
  Zipf(std::size_t n, double s, double q) {
    cdf.resize(n);
    double sum = 0;
    for (std::size_t r = 0; r < n; ++r) cdf[r] = (sum += 1.0 / std::pow(static_cast<double>(r) + q, s));
    for (auto& c : cdf) c /= sum;
  }
  std::size_t Sample(Rng& rng) const {
    return static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), rng.Uniform()) - cdf.begin());
  }
};

struct Corpus {
  std::vector<std::string> en, ru;
  Zipf en_zipf{1, 1, 1}, ru_zipf{1, 1, 1};
};

struct CallSpec {
  store::Id id = 0;
  bool russian = false;
  int segments = 0;
  std::uint64_t seed = 0;
};

std::vector<store::TranscriptSegment> MakeSegments(const Corpus& c, const CallSpec& spec) {
  Rng rng{spec.seed};
  const auto& vocab = spec.russian ? c.ru : c.en;
  const Zipf& zipf = spec.russian ? c.ru_zipf : c.en_zipf;
  std::vector<store::TranscriptSegment> out;
  std::int64_t t = 0;
  for (int i = 0; i < spec.segments; ++i) {
    store::TranscriptSegment s;
    s.speaker = (i % 2 == 0) == (rng.Next() % 5 != 0) ? "buyer" : "seller";
    s.start_ms = t;
    const int words = rng.Int(5, 25);
    for (int w = 0; w < words; ++w) {
      const std::string& word = vocab[zipf.Sample(rng)];
      if (!s.text.empty()) s.text += ' ';
      std::string shown = word;
      if (w == 0 && static_cast<unsigned char>(shown[0]) < 0x80) shown[0] = static_cast<char>(std::toupper(shown[0]));
      s.text += shown;
      s.words.push_back({shown, t, t + 300, 0.6 + 0.4 * rng.Uniform()});
      t += 350;
    }
    s.text += rng.Next() % 3 == 0 ? "?" : ".";
    s.end_ms = t;
    s.confidence = 0.7 + 0.3 * rng.Uniform();
    t += 500;
    out.push_back(std::move(s));
  }
  return out;
}

template <typename T>
T Must(base::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sql: %s: %s\n", sql.c_str(), err ? err : "?");
    std::exit(1);
  }
}

std::int64_t Scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sql: %s: %s\n", sql.c_str(), sqlite3_errmsg(db));
    std::exit(1);
  }
  std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return v;
}

struct QueryCase {
  std::string cls;
  std::string text;
};

struct Stats {
  std::vector<double> ms;
  std::int64_t hits = 0;  // total hits on first pages
  double Pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    const std::size_t i = std::min(ms.size() - 1, static_cast<std::size_t>(std::ceil(p * ms.size())) - 1);
    return ms[i];
  }
};

struct Args {
  std::int64_t total_segments = 1'000'000;
  std::string dir = "/tmp/vitrina-search-bench";
  int tier = 10'000;
  int per_class = 50;
  bool reuse = false;
  bool index_only = false;
  std::string fts_config;
  std::string backend = "sqlite";
};

// What --backend both puts side by side: per query class, [filtered] p50 and p99 (ms).
struct Summary {
  std::vector<std::string> order;
  std::map<std::string, std::array<std::pair<double, double>, 2>> ms;
  double index_per_s = 0;
  double all_p50 = 0, all_p99 = 0, all_max = 0;
};

int RunBackend(const Args& args, const std::string& backend, const std::string& pg_url, Summary& summary) {
  const std::int64_t total_segments = args.total_segments;
  const int tier = args.tier;
  const int per_class = args.per_class;
  const bool reuse = args.reuse;
  const bool index_only = args.index_only;
  const std::string& fts_config = args.fts_config;
  const bool postgres = backend == "postgres";
  const std::string dir = args.dir + (postgres ? "-postgres" : "");
  std::printf("\n## Backend: %s\n\n", postgres ? "PostgreSQL" : "SQLite");
  const std::string db_path = dir + "/search.db";
  const bool fresh = postgres || !(reuse && fs::exists(db_path));
  if (fresh) fs::remove_all(dir);
  fs::create_directories(dir);

  Rng rng{20260101};
  Corpus corpus;
  corpus.en = Vocabulary(false, rng, 40'000);
  corpus.ru = Vocabulary(true, rng, 40'000);
  corpus.en_zipf = Zipf(corpus.en.size(), 1.05, 2.7);
  corpus.ru_zipf = Zipf(corpus.ru.size(), 1.05, 2.7);

  store::StoreOptions options;
  options.sqlite.path = db_path;
  options.pool_size = 2;
  options.search_tier_size = tier;
  options.sqlite.background_checkpoint = true;
  if (postgres) {
    options.driver = "postgres";
    options.postgres.url = pg_url;
  }
  auto st = Must(store::OpenStore(options), "open");
  Must(st->Migrate(), "migrate");

  // The server's housekeeping: Maintain() (a passive WAL checkpoint) every second.
  std::mutex maintain_mu;
  std::condition_variable maintain_cv;
  bool maintain_stop = false;
  std::thread maintainer([&] {
    std::unique_lock lock(maintain_mu);
    while (!maintain_cv.wait_for(lock, std::chrono::seconds(1), [&] { return maintain_stop; })) {
      lock.unlock();
      (void)st->Maintain();
      lock.lock();
    }
  });
  struct StopMaintainer {
    std::function<void()> fn;
    ~StopMaintainer() { fn(); }
  } stop_maintainer{[&] {
    {
      std::lock_guard lock(maintain_mu);
      maintain_stop = true;
    }
    maintain_cv.notify_all();
    maintainer.join();
  }};

  // Experiments with FTS5 merge settings ("automerge=8,crisismerge=32"), stored in the index.
  if (!fts_config.empty() && !postgres) {
    sqlite3* cfg = nullptr;
    sqlite3_open(db_path.c_str(), &cfg);
    Must(search::RegisterFts5Tokenizer(cfg), "tokenizer");
    std::size_t at = 0;
    while (at < fts_config.size()) {
      std::size_t comma = fts_config.find(',', at);
      if (comma == std::string::npos) comma = fts_config.size();
      const std::string kv = fts_config.substr(at, comma - at);
      const std::size_t eq = kv.find('=');
      const std::string sql = "INSERT INTO segments_fts(segments_fts, rank) VALUES ('" +
                              kv.substr(0, eq) + "', " + kv.substr(eq + 1) + ")";
      char* err = nullptr;
      if (sqlite3_exec(cfg, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::fprintf(stderr, "%s: %s\n", sql.c_str(), err ? err : "?");
        return 1;
      }
      at = comma + 1;
    }
    sqlite3_close(cfg);
    std::printf("fts5 config: %s\n", fts_config.c_str());
  }

  // Calls: ~30 segments each, spread over kDays, 70 % English.
  std::vector<CallSpec> calls;
  std::vector<int> call_vertical;
  std::vector<store::TimeMs> call_start;
  {
    Rng crng{7};
    std::int64_t left = total_segments;
    while (left > 0) {
      CallSpec c;
      c.segments = static_cast<int>(std::min<std::int64_t>(left, crng.Int(20, 40)));
      c.russian = crng.Next() % 10 < 3;
      c.seed = crng.Next();
      left -= c.segments;
      calls.push_back(c);
    }
  }
  std::printf("corpus: %" PRId64 " segments in %zu calls, tier K = %d\n", total_segments,
              calls.size(), tier);

  if (fresh) {
    const auto t0 = Clock::now();
    // Users, one listing per seller, a conversation and an ended call per call.
    for (int batch = 0; batch < kUsers; batch += 5000) {
      Must(st->Write([&](store::Tx& tx) -> base::Result<void> {
             for (int u = batch; u < std::min(kUsers, batch + 5000); ++u) {
               TRY(tx.users().Insert({"u" + std::to_string(u) + "@bench", "User", "x", {"user"}, "UTC"}, kStart));
             }
             return {};
           }),
           "users");
    }
    Must(st->Write([&](store::Tx& tx) -> base::Result<void> {
           Rng lrng{11};
           for (int s = 1; s <= kSellers; ++s) {
             store::Listing l;
             l.seller_id = s;
             l.title = "listing";
             l.description = "d";
             l.vertical = kVerticals[lrng.Next() % 4];
             l.call_hours_json = "{}";
             l.created_at = l.updated_at = kStart;
             TRY(tx.listings().Insert(l));
           }
           return {};
         }),
         "listings");
    Rng prng{13};
    for (std::size_t batch = 0; batch < calls.size(); batch += 2000) {
      Must(st->Write([&](store::Tx& tx) -> base::Result<void> {
             for (std::size_t i = batch; i < std::min(calls.size(), batch + 2000); ++i) {
               const store::Id listing = prng.Int(1, kSellers);
               const store::Id seller = listing;  // listing i belongs to user i
               const store::Id buyer = prng.Int(kSellers + 1, kUsers);
               auto conv = TRY(tx.chat().FindOrCreateConversation(listing, buyer, seller, kStart));
               store::Call c;
               c.conversation_id = conv.first.id;
               c.listing_id = listing;
               c.buyer_id = buyer;
               c.seller_id = seller;
               c.proposed_by = buyer;
               c.state = "ended";
               // Calls in time order, like production (ids and start times ascend together).
               const store::TimeMs start =
                   kStart + static_cast<store::TimeMs>(i) * (kDays * kDayMs) / static_cast<store::TimeMs>(calls.size()) +
                   prng.Int(0, 59'000);
               c.created_at = c.updated_at = c.join_opens_at = start - 60'000;
               c.join_closes_at = start + 600'000;
               c.started_at = start;
               c.ended_at = start + 600'000;
               calls[i].id = TRY(tx.calls().Insert(c)).id;
             }
             return {};
           }),
           "calls");
    }
    std::printf("setup (users, listings, calls): %.1f s\n", Seconds(Clock::now() - t0));

    // Indexing: one call's transcript per transaction, as the transcription job does.
    const auto t1 = Clock::now();
    std::int64_t done = 0;
    Clock::duration in_tx{};
    double cpu = 0;
    for (const auto& c : calls) {
      store::NewTranscript t{"bench", "synthetic", c.russian ? "ru" : "en", MakeSegments(corpus, c)};
      const auto a = Clock::now();
      const double cpu0 = ThreadCpuSeconds();
      Must(st->Write([&](store::Tx& tx) { return tx.transcripts().Insert(c.id, t, kStart); }), "insert");
      cpu += ThreadCpuSeconds() - cpu0;
      in_tx += Clock::now() - a;
      done += c.segments;
      if (done % 100'000 < static_cast<std::int64_t>(c.segments)) {
        std::printf("  indexed %" PRId64 " (%.0f segments/s so far)\n", done, done / Seconds(in_tx));
        std::fflush(stdout);
      }
    }
    const double wall = Seconds(Clock::now() - t1);
    double load[1] = {0};
    getloadavg(load, 1);
    std::printf("INDEX ours: %" PRId64 " segments, %.1f s in Insert transactions -> %.0f segments/s"
                " wall (%.0f/s including corpus generation); %.0f segments per CPU-second of the"
                " inserting thread; load average %.1f\n",
                done, Seconds(in_tx), done / Seconds(in_tx), done / wall, done / cpu, load[0]);
    summary.index_per_s = done / Seconds(in_tx);
    if (postgres) {
      const auto a0 = Clock::now();
      bench::PgExec(pg_url, "ANALYZE");
      std::printf("ANALYZE (PostgreSQL): %.1f s\n", Seconds(Clock::now() - a0));
    }
  } else {
    // Same deterministic corpus: recover call ids in order.
    for (std::size_t i = 0; i < calls.size(); ++i) calls[i].id = static_cast<store::Id>(i + 1);
  }

  if (index_only) return 0;

  // The plain FTS5 baseline in the same file (a second connection, outside the store).
  sqlite3* db = nullptr;
  if (postgres) {
    std::printf("SIZE transcript_segments %.1f MB with its indexes, of which the lexeme index (GIN) %.1f MB"
                " and the tag index (GIN) %.1f MB; database %.1f MB\n",
                std::stod(bench::PgExec(pg_url, "SELECT pg_total_relation_size('transcript_segments')")) / 1e6,
                std::stod(bench::PgExec(pg_url, "SELECT pg_relation_size('transcript_segments_lexemes')")) / 1e6,
                std::stod(bench::PgExec(pg_url, "SELECT pg_relation_size('transcript_segments_tags')")) / 1e6,
                std::stod(bench::PgExec(pg_url, "SELECT pg_database_size(current_database())")) / 1e6);
  } else {
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 5000);
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  if (fresh) {
    Exec(db,
         "CREATE VIRTUAL TABLE plain_fts USING fts5(text, content='transcript_segments',"
         " content_rowid='id', tokenize='unicode61')");
    const auto t2 = Clock::now();
    sqlite3_stmt* sel = nullptr;
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "SELECT id, text FROM transcript_segments WHERE call_id = ?1", -1, &sel, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO plain_fts(rowid, text) VALUES (?1, ?2)", -1, &ins, nullptr);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    Clock::duration in_tx{};
    double cpu = 0;
    std::int64_t done = 0;
    for (const auto& c : calls) {
      rows.clear();
      sqlite3_bind_int64(sel, 1, c.id);
      while (sqlite3_step(sel) == SQLITE_ROW) {
        rows.emplace_back(sqlite3_column_int64(sel, 0),
                          reinterpret_cast<const char*>(sqlite3_column_text(sel, 1)));
      }
      sqlite3_reset(sel);
      const auto a = Clock::now();
      const double cpu0 = ThreadCpuSeconds();
      Exec(db, "BEGIN IMMEDIATE");
      for (const auto& [id, text] : rows) {
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_text(ins, 2, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) return 1;
        sqlite3_reset(ins);
      }
      Exec(db, "COMMIT");
      cpu += ThreadCpuSeconds() - cpu0;
      in_tx += Clock::now() - a;
      done += static_cast<std::int64_t>(rows.size());
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    std::printf("INDEX plain unicode61 (FTS rows only, same batches): %.0f segments/s wall,"
                " %.0f per CPU-second (%.1f s)\n",
                done / Seconds(in_tx), done / cpu, Seconds(Clock::now() - t2));
  }
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  const auto size_of = [&](const std::string& like) {
    return Scalar(db, "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE '" + like + "'");
  };
  std::printf("SIZE segments_fts %.1f MB, plain_fts %.1f MB, transcript_segments %.1f MB, "
              "file %.1f MB\n",
              size_of("segments_fts%") / 1e6, size_of("plain_fts%") / 1e6,
              size_of("transcript_segments") / 1e6,
              static_cast<double>(fs::file_size(db_path)) / 1e6);
  }  // SQLite

  // Query classes, by frequency rank of the words in the corpus.
  Rng qrng{99};
  const auto pick = [&](bool russian, std::size_t lo, std::size_t hi) {
    const auto& v = russian ? corpus.ru : corpus.en;
    return v[lo + qrng.Next() % (hi - lo)];
  };
  const std::size_t head_en = std::size(kEnglish), head_ru = std::size(kRussian);
  std::vector<QueryCase> cases;
  for (int i = 0; i < per_class; ++i) {
    const bool ru = i % 10 < 3;
    const std::size_t head = ru ? head_ru : head_en;
    cases.push_back({"1 word, stop-like (rank 1-5)", pick(ru, 0, 5)});
    cases.push_back({"1 word, common (rank 20-150)", pick(ru, 20, 150)});
    cases.push_back({"1 word, rare (tail)", pick(ru, head + 2000, head + 30000)});
    cases.push_back({"2 words, common", pick(ru, 20, 150) + " " + pick(ru, 20, 150)});
    cases.push_back({"2 words, common + rare", pick(ru, 20, 150) + " " + pick(ru, head + 2000, head + 30000)});
    cases.push_back({"3 words, common", pick(ru, 10, 150) + " " + pick(ru, 20, 150) + " " + pick(ru, 20, 150)});
    cases.push_back({"phrase, 2 common", "\"" + pick(ru, 20, 100) + " " + pick(ru, 0, 20) + "\""});
    const auto prefix = [&](std::size_t chars) {
      std::string w = pick(ru, 20, 150);
      std::size_t at = 0;
      for (std::size_t c = 0; c < chars && at < w.size(); ++c) {
        at += (static_cast<unsigned char>(w[at]) >= 0xC0) ? 2 : 1;  // Cyrillic is 2 bytes
      }
      return w.substr(0, at) + "*";
    };
    cases.push_back({"prefix, 3 letters", prefix(3)});
    cases.push_back({"prefix, 2 letters (the minimum)", prefix(2)});
  }

  sqlite3_stmt* plain = nullptr;
  if (!postgres && sqlite3_prepare_v2(
          db,
          "SELECT s.id, s.call_id, s.speaker, s.start_ms, s.end_ms, s.text, bm25(plain_fts) AS r"
          " FROM plain_fts CROSS JOIN transcript_segments s ON s.id = plain_fts.rowid"
          " CROSS JOIN calls c ON c.id = s.call_id CROSS JOIN listings l ON l.id = c.listing_id"
          " WHERE plain_fts MATCH ?1 AND (?2 IS NULL OR s.speaker = ?2)"
          " AND (?3 IS NULL OR l.vertical = ?3) AND (?4 IS NULL OR c.started_at >= ?4)"
          " AND (?5 IS NULL OR c.started_at <= ?5) ORDER BY r LIMIT 20",
          -1, &plain, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
    return 1;
  }

  struct Row {
    Stats ours, ours_page2, base;
    double snippet_us = 0;
    int snippet_pages = 0;
  };
  std::map<std::string, Row> results[2];  // [filtered]
  std::vector<std::string> order;
  for (int pass = 0; pass < 2; ++pass) {  // pass 0 warms the cache, pass 1 measures
    for (const auto& qc : cases) {
      if (pass == 1 && std::find(order.begin(), order.end(), qc.cls) == order.end()) order.push_back(qc.cls);
      auto parsed = search::ParseQuery(qc.text);
      if (!parsed) {
        std::fprintf(stderr, "query %s: %s\n", qc.text.c_str(), parsed.error().message.c_str());
        return 1;
      }
      for (int filtered = 0; filtered < 2; ++filtered) {
        store::SearchQuery q;
        q.query = parsed->root();
        const std::string fts = parsed->ToFts();
        q.limit = 20;
        std::optional<std::string> speaker, vertical;
        std::optional<store::TimeMs> from, to;
        if (filtered) {
          const int day = static_cast<int>(qrng.Next() % (kDays - 30));
          speaker = "buyer";
          vertical = kVerticals[qrng.Next() % 4];
          from = kStart + day * kDayMs;
          to = *from + 30 * kDayMs;
          q.speaker = speaker;
          q.vertical = vertical;
          q.from = from;
          q.to = to;
        }
        auto a = Clock::now();
        auto page = Must(st->Read([&](store::Tx& tx) { return tx.transcripts().Search(q); }), "search");
        const double ours_ms = Ms(Clock::now() - a);
        a = Clock::now();
        for (const auto& h : page.hits) (void)search::Snippet(h.text, parsed->terms());
        const double snippet_us = Ms(Clock::now() - a) * 1000;
        double page2_ms = -1;
        if (page.next) {
          q.after = page.next;
          a = Clock::now();
          Must(st->Read([&](store::Tx& tx) { return tx.transcripts().Search(q); }), "search page 2");
          page2_ms = Ms(Clock::now() - a);
        }

        a = Clock::now();
        int base_hits = 0;
        if (plain) {
        sqlite3_bind_text(plain, 1, fts.c_str(), -1, SQLITE_TRANSIENT);
        speaker ? (void)sqlite3_bind_text(plain, 2, speaker->c_str(), -1, SQLITE_TRANSIENT) : (void)sqlite3_bind_null(plain, 2);
        vertical ? (void)sqlite3_bind_text(plain, 3, vertical->c_str(), -1, SQLITE_TRANSIENT) : (void)sqlite3_bind_null(plain, 3);
        from ? (void)sqlite3_bind_int64(plain, 4, *from) : (void)sqlite3_bind_null(plain, 4);
        to ? (void)sqlite3_bind_int64(plain, 5, *to) : (void)sqlite3_bind_null(plain, 5);
        int rc;
        while ((rc = sqlite3_step(plain)) == SQLITE_ROW) ++base_hits;
        if (rc != SQLITE_DONE) {
          std::fprintf(stderr, "baseline %s: %s\n", fts.c_str(), sqlite3_errmsg(db));
          return 1;
        }
        sqlite3_reset(plain);
        }  // plain (SQLite)
        const double base_ms = Ms(Clock::now() - a);
        if (pass == 0) continue;
        Row& r = results[filtered][qc.cls];
        r.ours.ms.push_back(ours_ms);
        r.ours.hits += static_cast<std::int64_t>(page.hits.size());
        if (page2_ms >= 0) r.ours_page2.ms.push_back(page2_ms);
        if (plain) {
          r.base.ms.push_back(base_ms);
          r.base.hits += base_hits;
        }
        r.snippet_us += snippet_us;
        ++r.snippet_pages;
      }
    }
  }
  if (plain) sqlite3_finalize(plain);

  // How many rows the classes match (unfiltered), for context.
  std::printf("\n| query class | filter | ours p50 | ours p99 | page 2 p50 | plain p50 | plain p99 |"
              " p50 ratio | p99 ratio | hits/page ours / plain |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& cls : order) {
    for (int filtered = 0; filtered < 2; ++filtered) {
      Row& r = results[filtered][cls];
      const double o50 = r.ours.Pct(0.5), o99 = r.ours.Pct(0.99);
      if (filtered == 0) summary.order.push_back(cls);
      summary.ms[cls][filtered] = {o50, o99};
      const double b50 = r.base.Pct(0.5), b99 = r.base.Pct(0.99);
      std::printf("| %s | %s | %.2f ms | %.2f ms | %s | %.2f ms | %.2f ms | %.1f× | %.1f× | %.1f / %.1f |\n",
                  cls.c_str(), filtered ? "speaker+vertical+30 d" : "none", o50, o99,
                  r.ours_page2.ms.empty() ? "–" : (std::to_string(r.ours_page2.Pct(0.5)).substr(0, 5) + " ms").c_str(),
                  b50, b99, b50 / std::max(o50, 1e-3), b99 / std::max(o99, 1e-3),
                  static_cast<double>(r.ours.hits) / r.ours.ms.size(),
                  static_cast<double>(r.base.hits) / std::max<std::size_t>(1, r.base.ms.size()));
    }
  }
  Stats all_ours, all_base;
  double snippet_us = 0;
  int pages = 0;
  for (auto& res : results) {
    for (auto& [cls, r] : res) {
      all_ours.ms.insert(all_ours.ms.end(), r.ours.ms.begin(), r.ours.ms.end());
      all_base.ms.insert(all_base.ms.end(), r.base.ms.begin(), r.base.ms.end());
      snippet_us += r.snippet_us;
      pages += r.snippet_pages;
    }
  }
  std::printf("\nALL %zu queries: ours p50 %.2f ms p99 %.2f ms max %.2f ms; plain p50 %.2f ms p99 %.2f ms"
              " max %.2f ms; snippets %.0f µs per page of 20\n",
              all_ours.ms.size(), all_ours.Pct(0.5), all_ours.Pct(0.99), all_ours.Pct(1.0),
              all_base.Pct(0.5), all_base.Pct(0.99), all_base.Pct(1.0), snippet_us / std::max(pages, 1));
  summary.all_p50 = all_ours.Pct(0.5);
  summary.all_p99 = all_ours.Pct(0.99);
  summary.all_max = all_ours.Pct(1.0);
  if (db) sqlite3_close(db);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::int64_t& total_segments = args.total_segments;
  std::string& dir = args.dir;
  int& tier = args.tier;
  int& per_class = args.per_class;
  bool& reuse = args.reuse;
  bool& index_only = args.index_only;
  std::string& fts_config = args.fts_config;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--segments") total_segments = std::stoll(value());
    else if (a == "--dir") dir = value();
    else if (a == "--tier") tier = std::stoi(value());
    else if (a == "--queries") per_class = std::stoi(value());
    else if (a == "--reuse") reuse = true;
    else if (a == "--index-only") index_only = true;
    else if (a == "--fts-config") fts_config = value();
    else if (a == "--backend") args.backend = value();
    else {
      std::fprintf(stderr,
                   "usage: %s [--segments N] [--dir PATH] [--tier K] [--queries N] [--reuse]\n"
                   "          [--fts-config K=V,...] [--index-only] [--backend sqlite|postgres|both]\n",
                   argv[0]);
      return 2;
    }
  }
  std::vector<std::string> backends;
  if (args.backend == "both") backends = {"sqlite", "postgres"};
  else if (args.backend == "sqlite" || args.backend == "postgres") backends = {args.backend};
  else {
    std::fprintf(stderr, "--backend sqlite|postgres|both\n");
    return 2;
  }
  std::string pg_url;
  if (args.backend != "sqlite") {
    fs::create_directories(dir + "-pg");
    pg_url = bench::StartPgCluster(dir + "-pg");
    std::printf("%s (scripts/pg-test-cluster: Unix socket, fsync=off, synchronous_commit=off)\n",
                bench::PostgresVersion().c_str());
  }
  std::vector<Summary> summaries(backends.size());
  for (std::size_t i = 0; i < backends.size(); ++i) {
    if (const int rc = RunBackend(args, backends[i], pg_url, summaries[i]); rc != 0) return rc;
  }
  if (summaries.size() == 2 && !index_only) {
    const Summary& s = summaries[0];
    const Summary& p = summaries[1];
    std::printf("\n## SQLite beside PostgreSQL (%" PRId64 " segments, first page of 20, %d queries per class and"
                " filter)\n\n| query class | filter | SQLite p50 | SQLite p99 | PostgreSQL p50 | PostgreSQL p99 |"
                " PostgreSQL/SQLite p99 | p99 <= 50 ms (SQLite / PostgreSQL) |\n|---|---|---|---|---|---|---|---|\n",
                total_segments, per_class);
    for (const auto& cls : s.order) {
      for (int f = 0; f < 2; ++f) {
        const auto [s50, s99] = s.ms.at(cls)[f];
        const auto [p50, p99] = p.ms.at(cls)[f];
        std::printf("| %s | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f× | %s / %s |\n", cls.c_str(),
                    f ? "speaker+vertical+30 d" : "none", s50, s99, p50, p99, p99 / std::max(s99, 1e-3),
                    s99 <= 50 ? "yes" : "**no**", p99 <= 50 ? "yes" : "**no**");
      }
    }
    std::printf("| all classes | both | %.2f ms | %.2f ms (max %.2f) | %.2f ms | %.2f ms (max %.2f) | %.1f× | |\n",
                s.all_p50, s.all_p99, s.all_max, p.all_p50, p.all_p99, p.all_max,
                p.all_p99 / std::max(s.all_p99, 1e-3));
    std::printf("\nIndexing (one call per Write): SQLite %.0f segments/s, PostgreSQL %.0f segments/s\n",
                s.index_per_s, p.index_per_s);
  }
  return 0;
}
