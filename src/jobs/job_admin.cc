#include "jobs/job_admin.h"

namespace vitrina::jobs {

base::Result<std::vector<store::Job>> ListJobs(store::Store& store,
                                               const std::optional<std::string>& state,
                                               std::optional<store::Id> before_id, int limit) {
  if (state && *state != "queued" && *state != "running" && *state != "done" && *state != "failed") {
    return base::InvalidArgument("invalid_state", "state must be queued, running, done or failed");
  }
  return store.Read([&](store::Tx& tx) { return tx.jobs().List(state, before_id, limit); });
}

base::Result<store::Job> RetryJob(store::Store& store, store::Id id, base::TimeMs now,
                                  std::optional<store::Id> actor) {
  return store.Write([&](store::Tx& tx) -> base::Result<store::Job> {
    auto job = TRY(tx.jobs().FindById(id));
    if (!job) return base::NotFound("job_not_found", "No such job");
    if (job->state != "failed") {
      return base::Conflict("job_not_failed", "Only a failed job can be retried (this one is " + job->state + ")");
    }
    if (!TRY(tx.jobs().Retry(id, now))) {
      return base::Conflict("job_already_queued", "Another job for the same work is already queued");
    }
    std::string details = "{\"kind\":\"";
    for (char c : job->kind) {
      if (c != '"' && c != '\\') details += c;  // kinds are plain words; never break the JSON
    }
    details += "\",\"attempts\":" + std::to_string(job->attempts) + "}";
    TRY(tx.audit().Append({actor, "job.retried", "job", std::to_string(id), details, "[]"}, now));
    return *TRY(tx.jobs().FindById(id));
  });
}

}  // namespace vitrina::jobs
