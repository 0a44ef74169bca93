#pragma once
// Operator actions on the job queue, shared by the admin API and `vitrina jobs`.

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace vitrina::jobs {

// Newest first; `state` (queued|running|done|failed) filters when set (400 otherwise).
base::Result<std::vector<store::Job>> ListJobs(store::Store& store, const std::optional<std::string>& state,
                                               std::optional<store::Id> before_id, int limit);
// Queues a failed job again with its attempts reset. 404 job_not_found; 409 job_not_failed
// (only failed jobs can be retried) or job_already_queued (a live twin holds its key). A
// `job.retried` audit entry by `actor` (none: an operator at the console) in the same
// transaction.
base::Result<store::Job> RetryJob(store::Store& store, store::Id id, base::TimeMs now,
                                  std::optional<store::Id> actor = std::nullopt);

}  // namespace vitrina::jobs
