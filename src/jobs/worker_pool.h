#pragma once
// The durable job queue's worker runtime. Jobs live in the store (JobRepository), are
// enqueued in the same transaction as the change that causes them, and are run here by
// `threads` worker threads: claim with a lease, heart-beat while running, complete, or fail
// with exponential backoff until max_attempts, after which the job is `failed` with its
// last error visible. A job whose worker died (kill -9, crash) is claimed again once its
// lease runs out. Handlers must therefore be idempotent. A job whose worker died during
// every one of its attempts is claimed once more only to be given up: the kind's GiveUp
// handler (if any) records the failure where users see it (the call's recording status, …),
// then the job is `failed`; if that run dies too, the store fails the job by itself.
//
// Lifetime: Register handlers, Start, then Stop (or destroy). Wake and the heartbeat may be
// called from any thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "store/store.h"

namespace vitrina::jobs {

using base::Result;

// What a running handler may do besides its work.
class JobContext {
 public:
  virtual ~JobContext() = default;
  // Recorded with the next heartbeat (e.g. "transcoding 2/5"); shown to operators.
  virtual void Progress(std::string text) = 0;
  // True once the pool is stopping: long handlers may give up early (the job is retried).
  virtual bool Stopping() const = 0;
};

using Handler = std::function<Result<void>(const store::Job& job, JobContext& ctx)>;
// Settles a job that is being given up after its worker died on every attempt (`reason` is
// the job's final error). Must be quick, idempotent, and must not do the job's work.
using GiveUpHandler = std::function<void(const store::Job& job, const std::string& reason)>;

struct WorkerOptions {
  int threads = 2;
  std::int64_t lease_ms = 60'000;       // a silent worker loses its job after this
  std::int64_t poll_ms = 500;           // idle workers look for due jobs this often
  std::int64_t retry_base_ms = 5'000;   // first retry delay; doubles per attempt
  std::int64_t retry_max_ms = 600'000;  // cap of the retry delay
  std::string owner_prefix = "worker";  // lease owner names: <prefix>-<pid>-<n>
};

// Delay before retry number `attempt` (1-based) under `options`.
std::int64_t RetryDelayMs(const WorkerOptions& options, std::int64_t attempt);

class WorkerPool {
 public:
  WorkerPool(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
             WorkerOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;

  void Register(std::string kind, Handler handler, GiveUpHandler give_up = {});
  void Start();
  // Lets running handlers finish (they see Stopping()), then joins the threads.
  void Stop();
  // Tells idle workers to look now (after enqueueing something due).
  void Wake();

 private:
  struct Running {
    std::string owner;
    std::optional<std::string> progress;
  };
  class Context;

  void WorkLoop(int index);
  void HeartbeatLoop();
  bool RunOne(const std::string& owner);
  void GiveUp(const store::Job& job, const std::string& owner);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  const WorkerOptions options_;
  std::map<std::string, Handler> handlers_;
  std::map<std::string, GiveUpHandler> give_ups_;
  std::vector<std::string> kinds_;
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t wakeups_ = 0;
  std::map<store::Id, Running> running_;  // guarded by mu_
};

}  // namespace vitrina::jobs
