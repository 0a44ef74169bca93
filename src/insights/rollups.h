#pragma once
// Daily rollups for the analysts' dashboards (docs/analytics.md "## Dashboards"). The store
// marks a day dirty in the same transaction as any change it counts; the `analytics.rollup`
// job (queued every analytics.rollup_interval_seconds by the server) recomputes each dirty
// day from that day's rows only, so its cost follows the day's activity, never the history.
// `vitrina analytics rebuild-rollups` recomputes every day. Thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "jobs/worker_pool.h"
#include "store/store.h"

namespace vitrina::insights {

using base::Result;

inline constexpr std::string_view kRollupJob = "analytics.rollup";

class RollupService {
 public:
  // `metrics` may be null (tools).
  RollupService(store::Store& store, const base::Clock& clock, base::Metrics* metrics);

  // Queues the job unless one is queued or running.
  Result<std::optional<store::Id>> Schedule();

  // The job: recomputes today (the queue snapshot moves with time), any day since the last
  // run that was never closed, and every dirty day, oldest first. Returns the days computed.
  // Progress "n/total days"; gives up between days when the pool stops.
  Result<int> Run(jobs::JobContext* ctx);

  // Marks every day with data dirty and recomputes them all; `progress(done, total)` after
  // each day.
  Result<int> Rebuild(const std::function<void(int, int)>& progress);

 private:
  Result<int> Drain(jobs::JobContext* ctx, const std::function<void(int, int)>& progress);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics* metrics_;
};

}  // namespace vitrina::insights
