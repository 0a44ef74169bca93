#include "moderation/retention.h"

#include <boost/json.hpp>

#include "base/log.h"

namespace vitrina::moderation {

namespace json = boost::json;
namespace fs = std::filesystem;

Retention::Retention(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                     RetentionOptions options)
    : store_(store), clock_(clock), metrics_(metrics), options_(std::move(options)) {
  metrics_.Describe("vitrina_retention_purged_calls_total", "counter",
                    "Calls whose recording and transcript retention deleted");
}

base::Result<std::optional<store::Id>> Retention::Schedule() {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) {
    store::NewJob job;
    job.kind = kRetentionJob;
    job.dedupe_key = "retention";
    job.max_attempts = 3;
    job.run_after = now;
    return tx.jobs().Insert(job, now);
  });
}

base::Result<int> Retention::Purge(jobs::JobContext* ctx) {
  int purged = 0;
  while (!ctx || !ctx->Stopping()) {
    const auto now = clock_.NowMs();
    const auto cutoff = now - options_.retention_ms;
    // Choosing the call and forgetting it in one transaction: a complaint filed meanwhile
    // either holds it or comes after the purge.
    auto done = TRY(store_.Write([&](store::Tx& tx) -> base::Result<std::optional<store::Id>> {
      auto due = TRY(tx.cases().PurgeableCalls(cutoff, now, 1));
      if (due.empty()) return std::optional<store::Id>();
      const auto call_id = due.front();
      json::array files;
      for (const auto& f : TRY(tx.calls().Files(call_id))) {
        files.push_back(json::object{{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
      }
      const auto segments = TRY(tx.transcripts().DeleteForCall(call_id));
      TRY(tx.analytics().PurgeCall(call_id));
      TRY(tx.calls().MarkPurged(call_id, now));
      TRY(tx.audit().Append({std::nullopt, "recording.deleted", "call", std::to_string(call_id),
                             json::serialize(json::object{{"reason", "retention"},
                                                          {"retention_days", options_.retention_ms / 86'400'000},
                                                          {"transcript_rows", segments}}),
                             json::serialize(files)},
                            now));
      return std::optional<store::Id>(call_id);
    }));
    if (!done) break;
    // After the commit: the record says they are gone; now they go. A failure here leaves
    // files nobody can reach through the API; it is logged for the operator.
    if (auto removed = options_.recordings->RemoveCall(*done); !removed) {
      base::log::Error("retention_delete_failed", {{"call_id", *done}, {"error", removed.error().message}});
    }
    base::log::Info("retention_purged", {{"call_id", *done}});
    metrics_.Add("vitrina_retention_purged_calls_total", {});
    ++purged;
    if (ctx) ctx->Progress("purged " + std::to_string(purged) + " calls");
  }
  return purged;
}

}  // namespace vitrina::moderation
