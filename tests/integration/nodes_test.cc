// Several processes on one PostgreSQL database (docs/postgres.md, issue 14): two `vitrina
// serve` and two `vitrina worker` processes, each its own data directory, one database and
// one shared recordings folder. 1,000 cases taken by 8 moderators who each alternate between
// the two servers: every case assigned exactly once, skills respected, nothing left. And a
// recorded call's transcription queued with the CLI is done once, by one of the two workers.
// The database is the throwaway cluster ctest starts (vitrina_postgres_fixture).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "accounts/account_service.h"
#include "app/config.h"
#include "app/server.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/subprocess.h"
#include "recorded_call.h"
#include "store/open.h"
#include "store/store.h"
#include "store/tests/test_backends.h"
#include "support/http_client.h"
#include "support/free_port.h"

namespace vitrina {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::ClientResponse;
using testing::HttpClient;

using testing::FreePort;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

class NodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(base::InitCrypto());
    dir_ = fs::temp_directory_path() / ("vitrina-nodes-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "recordings");
    options_ = store::test_backends::FreshStoreOptions("postgres", dir_);
    auto store = store::OpenStore(options_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate());
    // What every process shares; each gets its own data directory and port on top.
    config_.db_driver = "postgres";
    config_.db_url = options_.postgres.url;
    config_.recordings_dir = (dir_ / "recordings").string();
    config_.password_opslimit = 1;  // behaviour, not hashing cost, is under test
    config_.password_memlimit_kib = 8;
  }

  void TearDown() override {
    for (auto& [pid, log] : processes_) {
      base::Terminate(pid, 10s);
      if (HasFailure()) {
        std::ifstream in(log);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::cerr << "---- " << log.filename() << " ----\n" << text.substr(text.size() > 8000 ? text.size() - 8000 : 0);
      }
    }
    store_.reset();
    store::test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  // `vitrina serve` (port > 0) or `vitrina worker` (port 0) number `n`.
  void Start(const std::string& name, unsigned short port, int job_workers) {
    const auto data = dir_ / name;
    fs::create_directories(data);
    const auto file = data / "vitrina.toml";
    std::ofstream(file) << "[server]\nport = " << port << "\n"
                        << "[storage]\ndriver = \"postgres\"\nurl = " << Quoted(options_.postgres.url) << "\n"
                        << "[media]\njanus_url = \"http://127.0.0.1:9/janus\"\nadmin_key = \"k\"\n"
                        << "events_secret = \"s\"\nrecordings_dir = " << Quoted(config_.recordings_dir) << "\n"
                        << "[jobs]\nworkers = " << job_workers << "\nretry_base_seconds = 0\n"
                        << "[asr]\npreload = false\n"
                        << "[auth]\npassword_opslimit = 1\npassword_memlimit_kib = 8\n"
                        << "[log]\nlevel = \"info\"\n";
    // --data-dir and --port: flags, so the VITRINA_DATA_DIR and VITRINA_PORT that `make test`
    // exports cannot override them (the environment wins over the file).
    std::vector<std::string> argv = {VITRINA_BIN, port ? "serve" : "worker", "--config", file.string(),
                                     "--data-dir", data.string()};
    if (port) argv.insert(argv.end(), {"--port", std::to_string(port)});
    auto pid = base::SpawnDetached(argv, data / "log");
    ASSERT_TRUE(pid) << pid.error().message;
    processes_.emplace_back(*pid, data / "log");
  }

  static void WaitReady(unsigned short port) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        HttpClient c(port);
        if (c.Send("GET", "/readyz").status == 200) return;
      } catch (const std::exception&) {
        // not listening yet
      }
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "server on port " << port << " not ready within 60 s";
  }

  static ClientResponse Call(HttpClient& c, const std::string& method, const std::string& target,
                             const std::string& token, const json::value& body = nullptr) {
    std::vector<std::pair<std::string, std::string>> headers{{"authorization", "Bearer " + token}};
    if (!body.is_null()) headers.emplace_back("content-type", "application/json");
    return c.Send(method, target, body.is_null() ? "" : json::serialize(body), headers);
  }

  fs::path dir_;
  store::StoreOptions options_;
  app::Config config_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::pair<pid_t, fs::path>> processes_;
};

TEST_F(NodesTest, EightModeratorsOnTwoServersTakeAThousandCasesEachExactlyOnce) {
  const std::array<unsigned short, 2> ports = {FreePort(), FreePort()};
  Start("server-a", ports[0], 0);
  Start("server-b", ports[1], 0);
  const std::vector<std::string> verticals = {"goods", "realty", "auto", "jobs"};
  const auto now = base::SystemClock().NowMs();
  std::map<store::Id, std::string> vertical_of;
  ASSERT_TRUE(store_->Write([&](store::Tx& tx) -> base::Result<void> {
    for (int i = 0; i < 1000; ++i) {
      store::NewUser u{"a" + std::to_string(i) + "@n.test", "A", "x", {"user"}, "UTC"};
      auto accused = TRY(tx.users().Insert(u, now));
      store::Case c;
      c.accused_id = accused.id;
      c.priority = 1 + i % 3;
      c.sla_due_at = now + (i % 7) * 60'000;
      c.vertical = verticals[static_cast<std::size_t>(i) % 4];
      c.language = i % 5 == 0 ? "ru" : "en";
      c.opened_at = now;
      c.updated_at = now;
      auto stored = TRY(tx.cases().InsertCase(c));
      vertical_of[stored.id] = stored.vertical + "/" + stored.language;
    }
    return {};
  }));
  // Moderators 0-3: one vertical each, any language; 4-5: everything in Russian; 6-7: any.
  base::SystemClock clock;
  accounts::AccountService accounts(*store_, clock, app::AuthOptionsFrom(config_));
  std::vector<std::string> skills_of[8];
  for (int i = 0; i < 8; ++i) {
    if (i < 4) skills_of[i] = {"vertical:" + verticals[static_cast<std::size_t>(i)]};
    if (i == 4 || i == 5) skills_of[i] = {"lang:ru"};
    accounts::Registration r{"mod" + std::to_string(i) + "@n.test", "correct horse battery", "Mod", "UTC",
                             {accounts::Role::kUser, accounts::Role::kModerator}};
    auto made = accounts.CreateUser(r, false);
    ASSERT_TRUE(made) << made.error().message;
    ASSERT_TRUE(accounts.SetSkills(made->id, skills_of[i]));
  }
  WaitReady(ports[0]);
  WaitReady(ports[1]);
  if (HasFatalFailure()) return;

  std::mutex mu;
  std::map<store::Id, int> taken;
  std::vector<std::string> violations, errors;
  std::array<std::atomic<int>, 2> served{};
  // Each moderator signs in on one server, then alternates: next on one, decide on the other.
  auto moderator = [&](int index) {
    HttpClient nodes[2] = {HttpClient(ports[0]), HttpClient(ports[1])};
    auto login = nodes[index % 2].Send(
        "POST", "/api/v1/auth/login",
        json::serialize(json::object{{"email", "mod" + std::to_string(index) + "@n.test"},
                                     {"password", "correct horse battery"}}),
        {{"content-type", "application/json"}});
    if (login.status != 200) {
      std::lock_guard lock(mu);
      errors.push_back("login " + std::to_string(login.status) + " " + login.body);
      return;
    }
    const std::string token(login.Json().at("token").as_string());
    for (int turn = index;; ++turn) {
      auto& a = nodes[turn % 2];
      auto& b = nodes[(turn + 1) % 2];
      auto next = Call(a, "POST", "/api/v1/moderation/next", token);
      if (next.status == 204) break;
      if (next.status != 200) {
        std::lock_guard lock(mu);
        errors.push_back("next " + std::to_string(next.status) + " " + next.body);
        break;
      }
      served[static_cast<std::size_t>(turn % 2)]++;
      const std::string id(next.Json().at("case").at("id").as_string());
      {
        std::lock_guard lock(mu);
        const auto case_id = std::stoll(id);
        taken[case_id]++;
        const auto& vl = vertical_of[case_id];
        if (index < 4 && vl.rfind(verticals[static_cast<std::size_t>(index)] + "/", 0) != 0) violations.push_back(vl);
        if ((index == 4 || index == 5) && vl.substr(vl.size() - 2) != "ru") violations.push_back(vl);
      }
      auto decided = Call(b, "POST", "/api/v1/moderation/cases/" + id + "/decision", token,
                          json::object{{"action", "dismiss"}, {"reason", "checked"}});
      if (decided.status != 200) {
        std::lock_guard lock(mu);
        errors.push_back("decision " + std::to_string(decided.status) + " " + decided.body);
        break;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back(moderator, i);
  for (auto& t : threads) t.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, e.g. " << (errors.empty() ? "" : errors[0]);
  EXPECT_TRUE(violations.empty()) << violations.size() << " cases outside a moderator's skills";
  for (const auto& [id, n] : taken) EXPECT_EQ(n, 1) << "case " << id << " assigned " << n << " times";
  EXPECT_EQ(taken.size(), 1000u);
  EXPECT_GT(served[0].load(), 100);  // both servers handed out cases
  EXPECT_GT(served[1].load(), 100);
  auto left = store_->Read([&](store::Tx& tx) {
    store::CaseFilter f;
    f.statuses = {"open", "assigned"};
    f.limit = 1000;
    return tx.cases().ListCases(f);
  });
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->empty()) << left->size() << " cases left undecided";
  // Every decision is on the audit chain, which still verifies.
  auto verified = store::VerifyAuditChain(*store_);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_FALSE(verified->first_broken) << verified->reason;
}

TEST_F(NodesTest, ATranscriptionQueuedOnceIsDoneOnceByOneOfTwoWorkers) {
  const auto now = base::SystemClock().NowMs();
  const auto ids = testing::InsertCallParties(*store_, "nodes", now);
  const auto call = testing::InsertRecordedCall(
      *store_, config_.recordings_dir, ids.listing, ids.buyer, ids.seller,
      {{"buyer", "slt", "can you show the back of the phone", 0, 2, 1, 0},
       {"seller", "rms", "the battery holds a charge for two days", 0, 2, 1, 0}},
      now);
  Start("worker-1", 0, 2);
  Start("worker-2", 0, 2);
  // Queued from the command line, as an operator would; either worker may take it.
  const auto config_file = dir_ / "worker-1" / "vitrina.toml";
  auto queued = base::RunProcess({VITRINA_BIN, "reprocess", "--config", config_file.string(), "--data-dir",
                                  (dir_ / "worker-1").string(), "--call", std::to_string(call)},
                                 60s);
  ASSERT_TRUE(queued) << queued.error().message;
  ASSERT_TRUE(queued->Succeeded()) << queued->Describe() << "\n" << queued->stderr_text;

  const auto deadline = std::chrono::steady_clock::now() + 180s;
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    auto c = store_->Read([&](store::Tx& tx) { return tx.calls().FindById(call); });
    ASSERT_TRUE(c && *c);
    status = (*c)->transcript_status;
    if (status == "ready" || status == "failed") break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(status, "ready");
  auto versions = store_->Read([&](store::Tx& tx) { return tx.transcripts().Versions(call); });
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 1u) << "one job, one transcript version";
  auto jobs = store_->Read([&](store::Tx& tx) { return tx.jobs().List(std::nullopt, std::nullopt, 100); });
  ASSERT_TRUE(jobs);
  int transcribe_jobs = 0;
  for (const auto& j : *jobs) {
    if (j.kind != "transcript.transcribe") continue;
    ++transcribe_jobs;
    EXPECT_EQ(j.state, "done");
    EXPECT_EQ(j.attempts, 1) << "taken once";
  }
  EXPECT_EQ(transcribe_jobs, 1);
}

}  // namespace
}  // namespace vitrina
