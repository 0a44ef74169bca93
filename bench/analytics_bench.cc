// Speech-analytics benchmark (issue 12; results in docs/PERFORMANCE.md, "Speech analytics").
//
// 1. Analysis cost per second of call: synthetic two-party calls of --call-seconds each, made
//    of the labelled utterances of tests/data/analytics/utterances.tsv (real marketplace
//    sentences, ru and en), words 400 ms apart, turns alternating with 0.3–2.5 s gaps and an
//    occasional overlap, a loudness per segment. Each call goes through AnalyzeTranscript
//    (metrics, loudness, tone, the shipped phrase rules, negative stretches) and AnalysisJson,
//    timed in CPU time. Compared with the recogniser's cost measured by vitrina_asr_bench
//    (docs/PERFORMANCE.md "Speech recognition": 0.059 CPU-s per second of audio, two tracks
//    per call second → 0.118 CPU-s per second of call): the goal is under 2 % of it.
// 2. Backfill rate: a fresh SQLite store with --calls calls, each with a current transcript of
//    --segments segments of the same utterances, then AnalyticsService::Backfill over all of
//    them (the job's whole work: list, read, analyse, write row + flags + automatic cases, one
//    transaction per call), timed in wall and CPU time.
//
//   vitrina_analytics_bench [--calls N] [--segments N] [--call-seconds S] [--analysis-calls N]
//                           [--data PATH] [--dir PATH]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analytics/default_rules.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "speech_analytics/analytics_service.h"
#include "speech_analytics/call_analysis.h"
#include "store/open.h"
#include "store/store.h"

namespace fs = std::filesystem;
using namespace vitrina;  // NOLINT(google-build-using-namespace): a benchmark's main

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Sentence {
  std::string language, speaker, text;
};

std::vector<Sentence> LoadSentences(const fs::path& tsv) {
  std::ifstream in(tsv);
  std::vector<Sentence> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() >= 4) out.push_back({cols[1], cols[2], cols[3]});
  }
  return out;
}

// A two-party transcript of about `seconds`, in one language.
store::Transcript MakeCall(const std::vector<Sentence>& all, const std::string& language, std::int64_t seconds,
                           std::mt19937& rng) {
  std::vector<const Sentence*> pool;
  for (const auto& s : all) {
    if (s.language == language) pool.push_back(&s);
  }
  store::Transcript t;
  t.language = language;
  t.version = 1;
  std::int64_t at = 500;
  store::Id id = 1;
  bool seller = false;
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  std::uniform_int_distribution<int> gap(300, 2500);
  std::uniform_real_distribution<double> level(-32, -18);
  while (at < seconds * 1000) {
    const auto& s = *pool[pick(rng)];
    store::TranscriptSegment seg;
    seg.id = id++;
    seg.speaker = seller ? "seller" : "buyer";
    seg.start_ms = at;
    seg.text = s.text;
    std::stringstream words(s.text);
    std::string w;
    std::int64_t wt = at;
    while (words >> w) {
      seg.words.push_back({w, wt, wt + 350, 0.9});
      wt += 400;
    }
    seg.end_ms = wt - 50;
    seg.loudness_dbfs = level(rng);
    t.segments.push_back(std::move(seg));
    const int g = gap(rng);
    at = wt + (g < 500 ? -800 : g);  // now and then the other starts before this one ends
    seller = !seller;
  }
  return t;
}

struct NoJobContext final : jobs::JobContext {
  void Progress(std::string text) override { last = std::move(text); }
  bool Stopping() const override { return false; }
  std::string last;
};

}  // namespace

int main(int argc, char** argv) {
  int calls = 100'000, segments = 8, analysis_calls = 200;
  std::int64_t call_seconds = 300;
  fs::path data = fs::path(VITRINA_SOURCE_DIR) / "tests/data/analytics/utterances.tsv";
  fs::path dir = fs::temp_directory_path() / ("vitrina-analytics-bench-" + std::to_string(::getpid()));
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--calls") calls = std::stoi(v);
    else if (k == "--segments") segments = std::stoi(v);
    else if (k == "--call-seconds") call_seconds = std::stoll(v);
    else if (k == "--analysis-calls") analysis_calls = std::stoi(v);
    else if (k == "--data") data = v;
    else if (k == "--dir") dir = v;
  }
  base::log::Init("error");
  const auto sentences = LoadSentences(data);
  if (sentences.empty()) {
    std::cerr << "no sentences in " << data << "\n";
    return 1;
  }
  std::mt19937 rng(12);
  std::vector<analytics::Rule> rules = analytics::DefaultRules();
  auto matcher = analytics::RuleMatcher::Build(rules);
  if (!matcher) {
    std::cerr << matcher.error().message << "\n";
    return 1;
  }

  // --- 1. analysis per second of call ---
  std::printf("## Speech analytics\n\n");
  std::printf("### Analysis cost per second of call\n\n");
  std::printf("| language | calls | call s | segments/call | CPU ms per call | CPU ms per call-second | share of recognition (0.118 CPU-s/s) | hits/call |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const std::string language : {"ru", "en"}) {
    std::vector<store::Transcript> made;
    for (int i = 0; i < analysis_calls; ++i) made.push_back(MakeCall(sentences, language, call_seconds, rng));
    std::size_t segs = 0, hits = 0, bytes = 0;
    const double c0 = CpuSeconds();
    for (std::size_t i = 0; i < made.size(); ++i) {
      const auto a = speech_analytics::AnalyzeTranscript(made[i], call_seconds * 1000, *matcher);
      bytes += boost::json::serialize(speech_analytics::AnalysisJson(a, static_cast<store::Id>(i), 1)).size();
      segs += made[i].segments.size();
      hits += a.hits.size();
    }
    const double cpu = CpuSeconds() - c0;
    const double per_call_ms = cpu * 1000 / static_cast<double>(made.size());
    const double per_second_ms = per_call_ms / static_cast<double>(call_seconds);
    std::printf("| %s | %zu | %lld | %.0f | %.2f | %.4f | %.3f %% | %.1f |\n", language.c_str(), made.size(),
                static_cast<long long>(call_seconds), static_cast<double>(segs) / static_cast<double>(made.size()),
                per_call_ms, per_second_ms, per_second_ms / 118.0 * 100, static_cast<double>(hits) / static_cast<double>(made.size()));
    (void)bytes;
  }

  // --- 2. backfill over stored transcripts ---
  fs::remove_all(dir);
  fs::create_directories(dir);
  store::StoreOptions so;
  so.sqlite.path = (dir / "bench.db").string();
  so.sqlite.background_checkpoint = false;
  auto store = store::OpenStore(so);
  if (!store || !(*store)->Migrate()) {
    std::cerr << "store\n";
    return 1;
  }
  auto& st = **store;
  base::SystemClock clock;
  base::Metrics metrics;
  const auto now = clock.NowMs();
  const double seed0 = CpuSeconds();
  const auto seed_wall = std::chrono::steady_clock::now();
  // 500 sellers with a listing each and a buyer each: a call's seller is call i % 500, so the
  // automatic cases spread as they would (a few flags per accused, not all on one).
  constexpr int kSellers = 500;
  struct Party {
    store::Id buyer = 0, seller = 0, listing = 0;
  };
  std::vector<Party> parties(kSellers);
  auto seeded = st.Write([&](store::Tx& tx) -> base::Result<void> {
    for (int i = 0; i < kSellers; ++i) {
      auto& p = parties[static_cast<std::size_t>(i)];
      p.buyer = TRY(tx.users().Insert({"b" + std::to_string(i) + "@bench.test", "B", "x", {"user"}, "UTC"}, now)).id;
      p.seller = TRY(tx.users().Insert({"s" + std::to_string(i) + "@bench.test", "S", "x", {"user"}, "UTC"}, now)).id;
      store::Listing l;
      l.seller_id = p.seller;
      l.title = "bench";
      l.description = "d";
      l.price = 1;
      l.vertical = "goods";
      l.call_hours_json = "{}";
      l.created_at = l.updated_at = now;
      p.listing = TRY(tx.listings().Insert(l)).id;
    }
    for (const auto& r : rules) {
      store::AnalyticsRule sr;
      sr.category = r.category;
      sr.language = r.language;
      sr.speaker = r.speaker;
      sr.expression = r.expression;
      sr.severity = std::string(analytics::SeverityName(r.severity));
      sr.action = std::string(analytics::RuleActionName(r.action));
      sr.created_at = sr.updated_at = now;
      TRY(tx.analytics().InsertRule(sr));
    }
    return {};
  });
  if (!seeded) {
    std::cerr << seeded.error().message << "\n";
    return 1;
  }
  constexpr int kBatch = 1000;
  for (int done = 0; done < calls; done += kBatch) {
    auto ok = st.Write([&](store::Tx& tx) -> base::Result<void> {
      for (int i = done; i < std::min(calls, done + kBatch); ++i) {
        const auto& p = parties[static_cast<std::size_t>(i % kSellers)];
        store::Call c;
        auto conv = TRY(tx.chat().FindOrCreateConversation(p.listing, p.buyer, p.seller, now));
        c.conversation_id = conv.first.id;
        c.listing_id = p.listing;
        c.buyer_id = p.buyer;
        c.seller_id = p.seller;
        c.proposed_by = p.buyer;
        c.state = "ended";
        c.created_at = c.updated_at = now - 100'000'000 + i * 1000LL;
        c.join_opens_at = c.created_at;
        c.join_closes_at = c.created_at + 1000;
        c.started_at = c.created_at + 1000;
        c.ended_at = c.created_at + 60'000;
        c.recording_duration_ms = 59'000;
        auto call = TRY(tx.calls().Insert(c));
        store::NewTranscript nt;
        nt.engine = "bench";
        nt.model = "m";
        nt.language = i % 2 ? "en" : "ru";
        while (static_cast<int>(nt.segments.size()) < segments) {
          auto more = MakeCall(sentences, nt.language, 20, rng);
          for (auto& s : more.segments) {
            if (static_cast<int>(nt.segments.size()) < segments) nt.segments.push_back(std::move(s));
          }
        }
        TRY(tx.transcripts().Insert(call.id, nt, now));
      }
      return {};
    });
    if (!ok) {
      std::cerr << ok.error().message << "\n";
      return 1;
    }
  }
  const double seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_wall).count();
  std::fprintf(stderr, "seeded %d calls in %.1f s (%.1f CPU-s)\n", calls, seed_s, CpuSeconds() - seed0);

  speech_analytics::AnalyticsService service(st, clock, metrics, {}, {});
  store::Job job;
  job.kind = speech_analytics::kBackfillJob;
  job.payload = R"({"from": 0, "to": )" + std::to_string(now) + "}";
  NoJobContext ctx;
  const double c0 = CpuSeconds();
  const auto w0 = std::chrono::steady_clock::now();
  auto done = service.Backfill(job, ctx);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double cpu = CpuSeconds() - c0;
  if (!done) {
    std::cerr << done.error().message << "\n";
    return 1;
  }
  auto flags = st.Read([](store::Tx& tx) -> base::Result<std::int64_t> {
    store::FlagFilter f;
    f.limit = 10'000'000;
    return static_cast<std::int64_t>(TRY(tx.analytics().ListFlags(f)).size());
  });
  std::printf("\n### Backfill over stored transcripts\n\n");
  std::printf("| calls | segments/call | rules | wall s | calls/s | CPU-s | CPU ms per call | flags stored | progress |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %d | %d | %zu | %.1f | %.0f | %.1f | %.2f | %lld | %s |\n", calls, segments, rules.size(), wall,
              calls / wall, cpu, cpu * 1000 / calls, static_cast<long long>(flags ? *flags : -1), ctx.last.c_str());
  store->reset();
  fs::remove_all(dir);
  return 0;
}
