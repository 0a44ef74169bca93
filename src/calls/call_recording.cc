#include "calls/call_service.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "accounts/roles.h"
#include "base/log.h"
#include "base/random.h"
#include "calls/call_internal.h"
#include "listings/call_hours.h"

namespace vitrina::calls {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

// ---------------------------------------------------------------- recordings and transcription jobs

Result<std::optional<store::Id>> EnqueueTranscriptionInTx(
    store::Tx& tx, store::Call& c, const std::optional<std::string>& language, base::TimeMs now) {
  json::object payload{{"call_id", c.id}};
  if (language) payload["language"] = *language;
  store::NewJob job;
  job.kind = kTranscribeJob;
  job.payload = json::serialize(payload);
  job.dedupe_key = "transcribe:" + std::to_string(c.id);
  job.max_attempts = 5;
  job.run_after = now;
  auto id = TRY(tx.jobs().Insert(job, now));
  if (id) {  // else one is queued already, and the call shows its state
    c.transcript_status = "pending";
    c.transcript_error.reset();
    c.transcript_progress.reset();
  }
  return id;
}

Result<store::Id> CallService::Reprocess(store::Id call_id, bool recording,
                                         const std::optional<std::string>& language,
                                         std::optional<store::Id> actor) {
  const auto now = clock_.NowMs();
  auto [call, job_id] = TRY(store_.Write([&](store::Tx& tx) -> Result<std::pair<store::Call, store::Id>> {
    auto c = TRY(LoadCall(tx, call_id));
    if (c.state == "proposed" || c.state == "accepted" || c.state == "active") {
      return base::Conflict("call_not_ended", "The call has not ended yet");
    }
    std::optional<store::Id> id;
    if (recording) {
      std::error_code ec;
      if (!fs::exists(RawDir(call_id), ec)) {
        return base::Conflict("raw_recording_missing",
                              "The raw recordings of this call are gone (processed or deleted); "
                              "reprocess the transcript only");
      }
      store::NewJob job;
      job.kind = kPostprocessJob;
      json::object payload{{"call_id", c.id}};
      if (language) payload["language"] = *language;  // handed on to the transcription
      job.payload = json::serialize(payload);
      job.dedupe_key = "postprocess:" + std::to_string(c.id);
      job.run_after = now;
      id = TRY(tx.jobs().Insert(job, now));
      if (id) {
        c.recording_status = "pending";
        c.transcript_status = "pending";
      }
    } else {
      if (c.recording_status != "ready") {
        return base::Conflict("recording_not_ready",
                              "The call has no processed recording to transcribe (recording status " +
                                  c.recording_status + ")");
      }
      id = TRY(EnqueueTranscriptionInTx(tx, c, language, now));
    }
    if (!id) return base::Conflict("job_already_queued", "This call is already being processed");
    json::array evidence;  // the files as they are before the job rewrites them
    for (const auto& f : TRY(tx.calls().Files(c.id))) {
      evidence.push_back(json::object{{"path", f.path}, {"sha256", f.sha256}});
    }
    json::object details{{"recording", recording}, {"job_id", std::to_string(*id)}};
    if (language) details["language"] = *language;
    TRY(tx.audit().Append({actor, "call.reprocessed", "call", std::to_string(c.id), json::serialize(details),
                           json::serialize(evidence)},
                          now));
    c.updated_at = now;
    TRY(tx.calls().Update(c));
    return std::make_pair(c, *id);
  }));
  Notify(call);
  return job_id;
}

void CallService::RecordingGivenUp(const store::Job& job, const std::string& reason) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  const auto* id = ec || !payload.is_object() ? nullptr : payload.as_object().if_contains("call_id");
  if (!id || !id->is_number()) return;
  const store::Id call_id = id->to_number<store::Id>();
  auto saved = store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadCall(tx, call_id));
    if (c.recording_status != "pending" && c.recording_status != "processing") return c;  // settled already
    c.recording_status = "failed";
    c.recording_error = reason;
    c.transcript_status = "failed";
    c.transcript_error = "The recording could not be processed";
    c.recording_attempts = job.max_attempts;
    c.updated_at = clock_.NowMs();
    TRY(tx.calls().Update(c));
    return c;
  });
  if (!saved) {
    base::log::Error("recording_give_up_failed", {{"call_id", call_id}, {"error", saved.error().message}});
    return;
  }
  Notify(*saved);
}

Result<void> CallService::ProcessRecording(const store::Job& job) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  if (ec || !payload.is_object() || !payload.as_object().contains("call_id")) {
    return base::InvalidArgument("bad_payload", "recording.postprocess payload: " + job.payload);
  }
  const store::Id call_id = payload.as_object().at("call_id").to_number<store::Id>();
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadCall(tx, call_id));
    c.recording_status = "processing";
    c.recording_attempts = job.attempts;
    c.updated_at = clock_.NowMs();
    TRY(tx.calls().Update(c));
    return c;
  }));
  Notify(call);
  // Make sure the room is gone (its recordings closed) before reading them.
  if (call.room != 0) (void)NodeFor(call).server->DestroyRoom(call.room, call.room_secret);

  std::map<std::uint64_t, std::string> roles = {
      {static_cast<std::uint64_t>(call.buyer.media_id), "buyer"},
      {static_cast<std::uint64_t>(call.seller.media_id), "seller"}};
  auto result = processor_.Process(RawDir(call_id), options_.recordings->StagingDir(call_id), roles);
  const auto now = clock_.NowMs();
  if (!result && result.error().code == "no_recordings") {
    // The room existed but nobody published: there is nothing to keep (not a failure).
    // recording_error keeps the processor's account (which files it skipped and why) for
    // staff; with status `none` the API shows participants only `nothing_recorded`
    // (api::RecordingErrorJson).
    auto saved = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
      auto c = TRY(LoadCall(tx, call_id));
      c.recording_status = "none";
      c.recording_error = result.error().message;
      c.transcript_status = "none";
      c.recording_attempts = job.attempts;
      c.updated_at = now;
      TRY(tx.calls().Update(c));
      return c;
    }));
    Notify(saved);
    return {};
  }
  // The finished files go to storage first; a storage failure is a failed run like any other.
  std::vector<store::RecordingFile> files;
  std::optional<base::Error> not_stored;
  for (const auto& f : result ? result->files : std::vector<media::OutputFile>{}) {
    store::RecordingFile r;
    r.call_id = call_id;
    r.participant = f.participant;
    r.kind = std::string(media::FileKindName(f.kind));
    auto key = options_.recordings->Commit(call_id, f.path);
    if (!key) {
      not_stored = key.error();
      break;
    }
    r.path = std::move(*key);
    r.bytes = static_cast<std::int64_t>(f.bytes);
    r.duration_ms = f.duration_ms;
    r.offset_ms = f.offset_ms;
    r.sha256 = f.sha256;
    r.created_at = now;
    files.push_back(std::move(r));
  }
  if (not_stored) result = tl::unexpected(*not_stored);
  if (!result) {
    const bool last = job.attempts >= job.max_attempts;
    auto error = result.error();
    auto saved = store_.Write([&](store::Tx& tx) -> Result<store::Call> {
      auto c = TRY(LoadCall(tx, call_id));
      c.recording_status = last ? "failed" : "pending";
      // The detail (paths, janus-pp-rec/ffmpeg output) is for staff only: participants see
      // `processing_failed` and a sentence (api::RecordingErrorJson, docs/calls.md).
      c.recording_error = error.message;
      if (last) {
        c.transcript_status = "failed";
        c.transcript_error = "The recording could not be processed";
      }
      c.recording_attempts = job.attempts;
      c.updated_at = now;
      TRY(tx.calls().Update(c));
      return c;
    });
    if (saved) Notify(*saved);
    return tl::unexpected(error);
  }
  auto saved = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadCall(tx, call_id));
    TRY(tx.calls().ReplaceFiles(call_id, files));
    c.recording_status = "ready";
    c.recording_error.reset();
    c.recording_duration_ms = result->duration_ms;
    c.recording_timeline_start_us = result->timeline_start_us;
    c.recording_attempts = job.attempts;
    // Transcription follows in its own job, enqueued with the files it reads.
    std::optional<std::string> language;
    if (const auto* l = payload.as_object().if_contains("language"); l && l->is_string()) {
      language = std::string(l->as_string());
    }
    TRY(EnqueueTranscriptionInTx(tx, c, language, now));
    // Join times the events missed come from the recordings themselves.
    for (const auto& t : result->participants) {
      auto* p = t.participant == "buyer" ? &c.buyer : t.participant == "seller" ? &c.seller : nullptr;
      if (p && !p->joined_at) p->joined_at = result->timeline_start_us / 1000 + t.offset_ms;
    }
    c.updated_at = now;
    TRY(tx.calls().Update(c));
    return c;
  }));
  // Only now, with the results stored, are the raw recordings expendable.
  if (auto removed = processor_.RemoveRaw(RawDir(call_id)); !removed) {
    base::log::Warn("raw_recordings_not_removed", {{"call_id", call_id}, {"error", removed.error().message}});
  }
  base::log::Info("recording_ready", {{"call_id", call_id},
                                      {"duration_ms", saved.recording_duration_ms.value_or(0)},
                                      {"files", static_cast<std::int64_t>(files.size())}});
  Notify(saved);
  return {};
}

}  // namespace vitrina::calls
