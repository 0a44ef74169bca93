// End-to-end API benchmarks: the real server in-process (release build), real SQLite on
// disk, requests over loopback keep-alive connections. Figures go to docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "accounts/password.h"
#include "app/server.h"
#include "base/log.h"
#include "base/random.h"
#include "support/http_client.h"

namespace {

using namespace vitrina;
namespace json = boost::json;
namespace fs = std::filesystem;

// One server for the whole run, seeded with a seller, a buyer, 2,000 listings and a
// conversation.
struct Fixture {
  Fixture() {
    base::InitCrypto();
    base::log::Init("off");
    dir = fs::temp_directory_path() / ("vitrina-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    app::Config config;
    config.port = 0;
    config.data_dir = dir.string();
    config.log_level = "off";
    config.password_opslimit = 1;
    config.password_memlimit_kib = 8;
    server = std::make_unique<app::Server>(config);
    if (!server->Start()) std::abort();
    testing::HttpClient c(server->port());
    seller = Register(c, "seller@bench.test");
    buyer = Register(c, "buyer@bench.test");
    for (int i = 0; i < 2000; ++i) {
      c.Send("POST", "/api/v1/listings",
             json::serialize(json::object{{"title", "Item " + std::to_string(i)},
                                          {"description", "Bench listing"},
                                          {"price", i},
                                          {"vertical", i % 2 ? "goods" : "auto"},
                                          {"video_call_ready", i % 3 == 0}}),
             {{"Authorization", "Bearer " + seller}});
    }
    auto feed = c.Send("GET", "/api/v1/listings?limit=1");
    const std::string listing(feed.Json().at("items").as_array()[0].at("id").as_string());
    auto conv = c.Send("POST", "/api/v1/listings/" + listing + "/conversations", "",
                       {{"Authorization", "Bearer " + buyer}});
    conversation = std::string(conv.Json().at("id").as_string());
  }
  ~Fixture() {
    server.reset();
    fs::remove_all(dir);
  }
  static std::string Register(testing::HttpClient& c, const std::string& email) {
    auto r = c.Send("POST", "/api/v1/auth/register",
                    json::serialize(json::object{{"email", email}, {"password", "password123"},
                                                 {"display_name", "Bench"}}));
    return std::string(r.Json().at("token").as_string());
  }

  fs::path dir;
  std::unique_ptr<app::Server> server;
  std::string seller, buyer, conversation;
};

Fixture& F() {
  static Fixture fixture;
  return fixture;
}

void Run(benchmark::State& state, const std::string& method, const std::string& target,
         const std::string& body, const std::string& token, unsigned expect) {
  testing::HttpClient client(F().server->port());
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  std::vector<double> micros;
  micros.reserve(100'000);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto r = client.Send(method, target, body, headers);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (r.status != expect) state.SkipWithError(("unexpected status " + std::to_string(r.status)).c_str());
  }
  state.SetItemsProcessed(state.iterations());
  // Per-thread latency percentiles (microseconds), averaged over threads by the library.
  if (!micros.empty()) {
    std::sort(micros.begin(), micros.end());
    auto at = [&](double q) { return micros[static_cast<std::size_t>(q * (micros.size() - 1))]; };
    state.counters["p50_us"] = benchmark::Counter(at(0.50), benchmark::Counter::kAvgThreads);
    state.counters["p99_us"] = benchmark::Counter(at(0.99), benchmark::Counter::kAvgThreads);
  }
}

void BM_Healthz(benchmark::State& s) { Run(s, "GET", "/healthz", "", "", 200); }
void BM_Me(benchmark::State& s) { Run(s, "GET", "/api/v1/me", "", F().buyer, 200); }
void BM_FeedPage(benchmark::State& s) { Run(s, "GET", "/api/v1/listings?limit=20", "", "", 200); }
void BM_FeedVideoFilter(benchmark::State& s) {
  Run(s, "GET", "/api/v1/listings?limit=20&video_call_ready=true&vertical=auto", "", "", 200);
}
void BM_PostMessage(benchmark::State& s) {
  Run(s, "POST", "/api/v1/conversations/" + F().conversation + "/messages",
      R"({"text":"Is it still available?"})", F().buyer, 201);
}
void BM_ConversationList(benchmark::State& s) { Run(s, "GET", "/api/v1/conversations", "", F().seller, 200); }

// Login cost is dominated by Argon2id at the default (INTERACTIVE) limits.
void BM_PasswordHashDefault(benchmark::State& state) {
  base::InitCrypto();
  accounts::PasswordHasher hasher({2, 64ull << 20});
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Hash("correct horse battery"));
}

BENCHMARK(BM_Healthz)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_Me)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_FeedPage)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_FeedVideoFilter)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_PostMessage)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_ConversationList)->UseRealTime()->Threads(1);
BENCHMARK(BM_PasswordHashDefault)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace

BENCHMARK_MAIN();
