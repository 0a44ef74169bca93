#pragma once
// Retention (docs/moderation.md#retention): recordings and transcripts of calls that ended
// more than `retention_ms` ago are deleted unless a case or an appeal holds them. The server
// queues a `retention.purge` job periodically; the job purges call by call, each in one
// transaction that forgets the files and writes a `recording.deleted` audit entry with
// their SHA-256, before the files leave the disk.

#include <cstdint>
#include <filesystem>
#include <optional>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "jobs/worker_pool.h"
#include "media/recording_storage.h"
#include "store/store.h"

namespace vitrina::moderation {

inline constexpr const char* kRetentionJob = "retention.purge";

struct RetentionOptions {
  std::int64_t retention_ms = 30LL * 24 * 3600'000;
  std::shared_ptr<media::RecordingStorage> recordings;  // a purged call's files are removed there
};

class Retention {
 public:
  Retention(store::Store& store, const base::Clock& clock, base::Metrics& metrics, RetentionOptions options);

  // Queues a purge run unless one is queued or running; the job id when queued.
  base::Result<std::optional<store::Id>> Schedule();
  // The retention.purge job: purges every call that is due; how many.
  base::Result<int> Purge(jobs::JobContext* ctx);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  const RetentionOptions options_;
};

}  // namespace vitrina::moderation
