#include "jobs/worker_pool.h"

#include <unistd.h>

#include <chrono>

#include "base/log.h"

namespace vitrina::jobs {

std::int64_t RetryDelayMs(const WorkerOptions& options, std::int64_t attempt) {
  std::int64_t delay = options.retry_base_ms;
  for (std::int64_t i = 1; i < attempt && delay < options.retry_max_ms; ++i) delay *= 2;
  return std::min(delay, options.retry_max_ms);
}

class WorkerPool::Context final : public JobContext {
 public:
  Context(WorkerPool& pool, store::Id id) : pool_(pool), id_(id) {}
  void Progress(std::string text) override {
    std::lock_guard lock(pool_.mu_);
    if (auto it = pool_.running_.find(id_); it != pool_.running_.end()) {
      it->second.progress = std::move(text);
    }
  }
  bool Stopping() const override {
    std::lock_guard lock(pool_.mu_);
    return pool_.stopping_;
  }

 private:
  WorkerPool& pool_;
  store::Id id_;
};

WorkerPool::WorkerPool(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                       WorkerOptions options)
    : store_(store), clock_(clock), metrics_(metrics), options_(std::move(options)) {
  metrics_.Describe("vitrina_jobs_total", "counter", "Job runs by kind and outcome");
  metrics_.Describe("vitrina_job_seconds", "histogram", "Job run time by kind");
}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Register(std::string kind, Handler handler, GiveUpHandler give_up) {
  kinds_.push_back(kind);
  if (give_up) give_ups_.emplace(kind, std::move(give_up));
  handlers_.emplace(std::move(kind), std::move(handler));
}

void WorkerPool::Start() {
  if (kinds_.empty() || !threads_.empty()) return;
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([this, i] { WorkLoop(i); });
  }
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  threads_.clear();
}

void WorkerPool::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();
}

void WorkerPool::WorkLoop(int index) {
  const std::string owner = options_.owner_prefix + "-" + std::to_string(::getpid()) + "-" +
                            std::to_string(index);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto seen = wakeups_;
    lock.unlock();
    const bool ran = RunOne(owner);
    lock.lock();
    if (ran) continue;
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || wakeups_ != seen; });
  }
}

void WorkerPool::GiveUp(const store::Job& job, const std::string& owner) {
  // Claimed past its last attempt: every attempt's worker died while running it. Running it
  // again could take this worker down too; settle it instead.
  const std::string reason = "worker_stopped: its worker stopped (crashed or was killed) during each of its " +
                             std::to_string(job.max_attempts) + " attempts" +
                             (job.last_error ? "; last error: " + *job.last_error : "");
  if (auto it = give_ups_.find(job.kind); it != give_ups_.end()) it->second(job, reason);
  auto failed = store_.WriteClaim(
      [&](store::Tx& tx) { return tx.jobs().Fail(job.id, owner, reason, std::nullopt, clock_.NowMs()); });
  const bool settled = failed && *failed;
  base::log::Warn("job_given_up", {{"job_id", job.id}, {"kind", job.kind}, {"attempts", job.max_attempts}});
  metrics_.Add("vitrina_jobs_total", {{"kind", job.kind}, {"outcome", settled ? "given_up" : "lease_lost"}});
}

bool WorkerPool::RunOne(const std::string& owner) {
  // WriteClaim (READ COMMITTED on PostgreSQL): the claim locks the row it takes (FOR UPDATE
  // SKIP LOCKED), so workers in other processes pass over it instead of waiting or failing.
  auto claimed = store_.WriteClaim([&](store::Tx& tx) {
    return tx.jobs().Claim(kinds_, owner, clock_.NowMs(), options_.lease_ms);
  });
  if (!claimed) {
    base::log::Warn("job_claim_failed", {{"error", claimed.error().message}});
    return false;
  }
  if (!*claimed) return false;
  const store::Job job = std::move(**claimed);
  if (job.attempts > job.max_attempts) {
    GiveUp(job, owner);
    return true;
  }
  {
    std::lock_guard lock(mu_);
    running_[job.id] = Running{owner, std::nullopt};
  }
  base::log::Info("job_started",
                  {{"job_id", job.id}, {"kind", job.kind}, {"attempt", job.attempts}});
  const auto started = std::chrono::steady_clock::now();
  Context ctx(*this, job.id);
  Result<void> outcome = handlers_.at(job.kind)(job, ctx);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  bool last_while_stopping = false;
  {
    std::lock_guard lock(mu_);
    running_.erase(job.id);
    last_while_stopping = stopping_ && running_.empty();
  }
  // A stopping pool's heartbeat thread waits for the last running job to end: wake it now
  // rather than at its next round (a third of the lease), so Stop returns at once.
  if (last_while_stopping) wake_.notify_all();
  const auto now = clock_.NowMs();
  std::string result;
  if (outcome) {
    // Complete, Fail and Heartbeat are one UPDATE of the job's row guarded by the lease owner:
    // READ COMMITTED is enough, and finishing workers do not fail serialization over each other.
    auto done = store_.WriteClaim([&](store::Tx& tx) { return tx.jobs().Complete(job.id, owner, now); });
    result = done && *done ? "done" : "lease_lost";
    base::log::Info("job_done", {{"job_id", job.id}, {"kind", job.kind}, {"seconds", seconds}});
  } else {
    const bool last = job.attempts >= job.max_attempts;
    std::optional<base::TimeMs> retry_at;
    if (!last) retry_at = now + RetryDelayMs(options_, job.attempts);
    const std::string error = outcome.error().code + ": " + outcome.error().message;
    auto failed = store_.WriteClaim(
        [&](store::Tx& tx) { return tx.jobs().Fail(job.id, owner, error, retry_at, now); });
    result = !(failed && *failed) ? "lease_lost" : last ? "failed" : "retry";
    base::log::Warn("job_failed", {{"job_id", job.id},
                                   {"kind", job.kind},
                                   {"attempt", job.attempts},
                                   {"final", last},
                                   {"error", error}});
  }
  metrics_.Add("vitrina_jobs_total", {{"kind", job.kind}, {"outcome", result}});
  metrics_.Observe("vitrina_job_seconds", {{"kind", job.kind}}, seconds);
  return true;
}

void WorkerPool::HeartbeatLoop() {
  const auto every = std::chrono::milliseconds(std::max<std::int64_t>(options_.lease_ms / 3, 10));
  std::unique_lock lock(mu_);
  while (!stopping_ || !running_.empty()) {
    wake_.wait_for(lock, every, [this] { return stopping_ && running_.empty(); });
    auto snapshot = running_;
    lock.unlock();
    for (const auto& entry : snapshot) {
      const store::Id id = entry.first;
      const Running& run = entry.second;
      auto held = store_.WriteClaim([&](store::Tx& tx) {
        return tx.jobs().Heartbeat(id, run.owner, clock_.NowMs() + options_.lease_ms,
                                   run.progress);
      });
      if (held && !*held) base::log::Warn("job_lease_lost", {{"job_id", id}});
    }
    lock.lock();
  }
}

}  // namespace vitrina::jobs
