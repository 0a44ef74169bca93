// The job queue survives `kill -9`: a `vitrina worker` process is killed in the middle of a
// transcription; a new worker takes the job over once its lease runs out and finishes it, and
// the call ends up with one transcript and no duplicate segments or search hits.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "app/config.h"
#include "app/server.h"
#include "base/subprocess.h"
#include "calls/call_service.h"
#include "media/recording_processor.h"
#include "search/query.h"
#include "store/open.h"
#include "store/store.h"
#include "recorded_call.h"

namespace vitrina {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class JobsKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-kill-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_file_ = dir_ / "vitrina.toml";
    std::ofstream(config_file_) << "[storage]\ndata_dir = \"" << dir_.string() << "\"\n"
                                << "[jobs]\nworkers = 1\nlease_seconds = 5\nretry_base_seconds = 0\n"
                                << "[asr]\npreload = false\n"
                                << "[log]\nlevel = \"info\"\n";
    config_.data_dir = dir_.string();
    auto store = store::OpenStore(app::StoreOptionsFrom(config_));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate());
  }
  void TearDown() override {
    if (worker_ > 0) base::Terminate(worker_, 5s);
    if (HasFailure()) {  // what the workers said, for the failure report
      for (const char* name : {"worker1.log", "worker2.log"}) {
        std::ifstream in(dir_ / name);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::cerr << "---- " << name << " ----\n" << text.substr(text.size() > 20000 ? text.size() - 20000 : 0);
      }
    }
    store_.reset();
    fs::remove_all(dir_);
  }

  void StartWorker(const std::string& log_name) {
    // --data-dir: a flag, so the VITRINA_DATA_DIR that `make test` exports cannot override it.
    auto pid = base::SpawnDetached(
        {VITRINA_BIN, "worker", "--config", config_file_.string(), "--data-dir", dir_.string()}, dir_ / log_name);
    ASSERT_TRUE(pid) << pid.error().message;
    worker_ = *pid;
  }

  store::Job Job(store::Id id) {
    return **store_->Read([&](store::Tx& tx) { return tx.jobs().FindById(id); });
  }

  // A finished call whose two audio files hold ~40 s of speech each (a job of seconds).
  store::Id FinishedCall() {
    const auto now = base::SystemClock().NowMs();
    const auto ids = testing::InsertCallParties(*store_, "kill", now);
    // Twelve sentences each, a second of silence after each: ~40 s.
    return testing::InsertRecordedCall(
        *store_, app::RecordingsDir(config_), ids.listing, ids.buyer, ids.seller,
        {{"buyer", "slt", "can you turn the camera to the back panel please", 0, 12, 1, 0},
         {"seller", "rms", "the battery holds a charge for two days", 0, 12, 1, 0}},
        now);
  }

  fs::path dir_;
  fs::path config_file_;
  app::Config config_;
  std::unique_ptr<store::Store> store_;
  pid_t worker_ = -1;
};

TEST_F(JobsKillTest, KilledWorkersJobIsResumedAfterRestartWithoutDuplicates) {
  const auto call_id = FinishedCall();
  media::RecordingProcessor processor;
  calls::CallOptions options;
  options.recordings = app::OpenRecordingStorage(config_);
  base::SystemClock clock;
  calls::CallService calls(*store_, clock, {}, processor, options, nullptr);
  auto job_id = calls.Reprocess(call_id, false, std::nullopt);
  ASSERT_TRUE(job_id) << job_id.error().message;

  // Worker 1 starts the job; once it reports progress (mid-recognition) it is killed.
  StartWorker("worker1.log");
  bool mid_job = false;
  for (int i = 0; i < 1200 && !mid_job; ++i) {
    const auto job = Job(*job_id);
    ASSERT_NE(job.state, "done") << "the job finished before it could be interrupted";
    ASSERT_EQ(job.attempts <= 1, true) << "the first attempt failed: " << job.last_error.value_or("");
    mid_job = job.state == "running" && job.progress && job.progress->find("transcribing") == 0;
    if (!mid_job) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(mid_job) << "the worker never got into the job: " << Job(*job_id).state;
  ASSERT_EQ(::kill(worker_, SIGKILL), 0);
  base::Terminate(worker_, 1s);  // reaps it
  worker_ = -1;
  auto interrupted = Job(*job_id);
  EXPECT_EQ(interrupted.state, "running");  // as the dead worker left it
  EXPECT_EQ(interrupted.attempts, 1);
  auto versions = *store_->Read([&](store::Tx& tx) { return tx.transcripts().Versions(call_id); });
  EXPECT_TRUE(versions.empty()) << "nothing is stored half-way";

  // Worker 2 takes the job over when the lease (5 s) has run out, and finishes it.
  StartWorker("worker2.log");
  store::Job done;
  for (int i = 0; i < 3000; ++i) {
    done = Job(*job_id);
    if (done.state == "done" || done.state == "failed") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(done.state, "done") << done.last_error.value_or("");
  EXPECT_EQ(done.attempts, 2);

  auto transcript = *store_->Read([&](store::Tx& tx) { return tx.transcripts().Current(call_id); });
  ASSERT_TRUE(transcript);
  EXPECT_EQ(transcript->version, 1);
  versions = *store_->Read([&](store::Tx& tx) { return tx.transcripts().Versions(call_id); });
  EXPECT_EQ(versions.size(), 1u);
  std::set<std::pair<std::string, std::int64_t>> seen;
  int battery = 0;
  for (const auto& s : transcript->segments) {
    EXPECT_TRUE(seen.emplace(s.speaker, s.start_ms).second) << "duplicate segment at " << s.start_ms;
    for (const auto& w : s.words) battery += w.w == "battery";
  }
  EXPECT_GE(battery, 6) << "most of the twelve sentences are recognised";
  // The index holds each segment once.
  store::SearchQuery q;
  q.query = search::ParseQuery("battery")->root();
  q.limit = 100;
  auto page = *store_->Read([&](store::Tx& tx) { return tx.transcripts().Search(q); });
  std::set<store::Id> hits;
  for (const auto& h : page.hits) EXPECT_TRUE(hits.insert(h.segment_id).second);
  int segments_with_battery = 0;
  for (const auto& s : transcript->segments) segments_with_battery += s.text.find("battery") != std::string::npos;
  EXPECT_EQ(static_cast<int>(hits.size()), segments_with_battery);
  auto call = **store_->Read([&](store::Tx& tx) { return tx.calls().FindById(call_id); });
  EXPECT_EQ(call.transcript_status, "ready");
}

}  // namespace
}  // namespace vitrina
