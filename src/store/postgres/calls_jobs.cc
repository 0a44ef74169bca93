#include "store/postgres/calls_jobs.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<Call> PgCalls::Insert(const Call& /*call*/) { return tl::unexpected(NotPorted("PgCalls::Insert")); }
Result<void> PgCalls::Update(const Call& /*call*/) { return tl::unexpected(NotPorted("PgCalls::Update")); }
Result<std::optional<Call>> PgCalls::FindById(Id /*id*/) { return tl::unexpected(NotPorted("PgCalls::FindById")); }
Result<std::optional<Call>> PgCalls::FindByRoom(std::int64_t /*room*/) { return tl::unexpected(NotPorted("PgCalls::FindByRoom")); }
Result<std::vector<Call>> PgCalls::List(const CallFilter& /*filter*/) { return tl::unexpected(NotPorted("PgCalls::List")); }
Result<std::vector<Call>> PgCalls::ListExpired(TimeMs /*now*/, int /*limit*/) { return tl::unexpected(NotPorted("PgCalls::ListExpired")); }
Result<std::vector<Call>> PgCalls::ListByState(const std::string& /*state*/, int /*limit*/) { return tl::unexpected(NotPorted("PgCalls::ListByState")); }
Result<void> PgCalls::ReplaceFiles(Id /*call_id*/, const std::vector<RecordingFile>& /*files*/) { return tl::unexpected(NotPorted("PgCalls::ReplaceFiles")); }
Result<std::vector<RecordingFile>> PgCalls::Files(Id /*call_id*/) { return tl::unexpected(NotPorted("PgCalls::Files")); }
Result<void> PgCalls::MarkPurged(Id /*call_id*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgCalls::MarkPurged")); }
Result<void> PgCalls::InsertRating(const CallRating& /*rating*/) { return tl::unexpected(NotPorted("PgCalls::InsertRating")); }
Result<std::optional<CallRating>> PgCalls::FindRating(Id /*call_id*/) { return tl::unexpected(NotPorted("PgCalls::FindRating")); }

Result<std::optional<Id>> PgJobs::Insert(const NewJob& /*job*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgJobs::Insert")); }
Result<std::optional<Job>> PgJobs::Claim(const std::vector<std::string>& /*kinds*/, const std::string& /*owner*/, TimeMs /*now*/, std::int64_t /*lease_ms*/) { return tl::unexpected(NotPorted("PgJobs::Claim")); }
Result<bool> PgJobs::Heartbeat(Id /*id*/, const std::string& /*owner*/, TimeMs /*lease_until*/, const std::optional<std::string>& /*progress*/) { return tl::unexpected(NotPorted("PgJobs::Heartbeat")); }
Result<bool> PgJobs::Complete(Id /*id*/, const std::string& /*owner*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgJobs::Complete")); }
Result<bool> PgJobs::Fail(Id /*id*/, const std::string& /*owner*/, const std::string& /*error*/, std::optional<TimeMs> /*retry_at*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgJobs::Fail")); }
Result<std::optional<Job>> PgJobs::FindById(Id /*id*/) { return tl::unexpected(NotPorted("PgJobs::FindById")); }
Result<std::vector<Job>> PgJobs::List(const std::optional<std::string>& /*state*/, std::optional<Id> /*before_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgJobs::List")); }
Result<bool> PgJobs::Retry(Id /*id*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgJobs::Retry")); }

}  // namespace vitrina::store::postgres
