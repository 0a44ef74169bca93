#include "insights/rollups.h"

#include <chrono>
#include <string>

#include "base/log.h"
#include "service_level/service_level.h"

namespace vitrina::insights {

using service_level::DayOf;

RollupService::RollupService(store::Store& store, const base::Clock& clock, base::Metrics* metrics)
    : store_(store), clock_(clock), metrics_(metrics) {
  if (metrics_) {
    metrics_->Describe("vitrina_rollup_days_total", "counter",
                       "Days of dashboard rollups recomputed");
    metrics_->Describe("vitrina_rollup_seconds_total", "counter",
                       "Time spent recomputing rollup days");
    metrics_->Describe("vitrina_rollup_dirty_days", "gauge",
                       "Days whose rollups wait for a recompute");
  }
}

Result<std::optional<store::Id>> RollupService::Schedule() {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) {
    store::NewJob job;
    job.kind = std::string(kRollupJob);
    job.dedupe_key = std::string(kRollupJob);
    job.max_attempts = 3;
    job.run_after = now;
    return tx.jobs().Insert(job, now);
  });
}

Result<int> RollupService::Run(jobs::JobContext* ctx) {
  const auto now = clock_.NowMs();
  const auto today = DayOf(now);
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    // Days between the last run and today were last computed before they ended: close them.
    const auto last = TRY(tx.rollups().ComputedAt());
    const auto from = last ? std::min(DayOf(*last), today) : today;
    return tx.rollups().MarkDays(std::max(from, today - 31), today);
  }));
  return Drain(ctx, {});
}

Result<int> RollupService::Rebuild(const std::function<void(int, int)>& progress) {
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    const auto days = TRY(tx.rollups().DataDays());
    const auto today = DayOf(clock_.NowMs());
    if (!days) return tx.rollups().MarkDays(today, today);
    return tx.rollups().MarkDays(days->first, std::max(days->second, today));
  }));
  return Drain(nullptr, progress);
}

Result<int> RollupService::Drain(jobs::JobContext* ctx,
                                 const std::function<void(int, int)>& progress) {
  const auto total =
      static_cast<int>(TRY(store_.Read([](store::Tx& tx) { return tx.rollups().CountDirty(); })));
  // Activity keeps marking today: stop after the days that were dirty at the start (and a few
  // that came meanwhile); the next run takes the rest.
  const int budget = total + 8;
  int done = 0;
  while (done < budget) {
    auto batch = TRY(store_.Read([](store::Tx& tx) { return tx.rollups().DirtyDays(64); }));
    if (batch.empty()) break;
    for (const auto& d : batch) {
      if (ctx && ctx->Stopping()) return done;
      const auto started = std::chrono::steady_clock::now();
      const auto now = clock_.NowMs();
      const auto rows =
          TRY(store_.Read([&](store::Tx& tx) { return tx.rollups().ComputeDay(d.day, now); }));
      TRY(store_.Write(
          [&](store::Tx& tx) { return tx.rollups().ReplaceDay(d.day, d.gen, rows, now); }));
      ++done;
      if (metrics_) {
        metrics_->Add("vitrina_rollup_days_total", {});
        metrics_->Add(
            "vitrina_rollup_seconds_total", {},
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      if (ctx) ctx->Progress(std::to_string(done) + "/" + std::to_string(total) + " days");
      if (progress) progress(done, total);
      if (done >= budget) break;
    }
  }
  if (metrics_) {
    if (auto left = store_.Read([](store::Tx& tx) { return tx.rollups().CountDirty(); }); left) {
      metrics_->Set("vitrina_rollup_dirty_days", {}, static_cast<double>(*left));
    }
  }
  if (done > 0) base::log::Info("rollups_computed", {{"days", done}});
  return done;
}

}  // namespace vitrina::insights
