#pragma once
// The video-call lifecycle (docs/calls.md): proposals in a conversation, accept/decline/
// cancel, join grants for the media room, hang-up, no-shows, presence from media-server
// events, and post-processing of the recordings as a durable job. The database is the
// source of truth; the media server is told after the state change commits. Thread-safe;
// called from request workers, the events endpoint, the housekeeping thread and job workers.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "media/janus_events.h"
#include "media/media_server.h"
#include "media/recording_processor.h"
#include "media/recording_storage.h"
#include "store/store.h"

namespace vitrina::calls {

using base::Result;

inline constexpr const char* kPostprocessJob = "recording.postprocess";
// Enqueued when post-processing succeeds; run by transcripts::TranscriptService.
inline constexpr const char* kTranscribeJob = "transcript.transcribe";

// Queues the transcription of `call` in `tx` and marks its transcript pending (the caller
// writes the call). nullopt: one is queued already, and the call keeps its status.
Result<std::optional<store::Id>> EnqueueTranscriptionInTx(store::Tx& tx, store::Call& call,
                                                          const std::optional<std::string>& language,
                                                          base::TimeMs now);

// Told after a change to a call commits (the API pushes it to both participants).
class CallListener {
 public:
  virtual ~CallListener() = default;
  virtual void OnCall(const store::Call& call) = 0;
};

// One media server the service may put calls on.
struct MediaNode {
  media::MediaServer* server = nullptr;
  std::string public_url;  // ws URL for browsers; empty: ws://<request host>:<ws_port>/
  int ws_port = 8188;
};

// Where a new call goes (docs/calls.md "Media nodes"): the node holding the fewest open calls
// among those that answered their last health check; when none did, the least loaded of all
// (joining then fails with media_unavailable if it is really down). Ties: the lower index.
// `load[i]`: open calls on node i; `up[i]`: its last health check.
std::size_t PlaceCall(const std::vector<bool>& up, const std::vector<std::int64_t>& load);

struct CallOptions {
  std::int64_t early_join_ms = 5 * 60'000;      // Join opens this long before the time
  std::int64_t no_show_grace_ms = 10 * 60'000;  // ... and closes this long after it
  std::int64_t leave_grace_ms = 60'000;         // both gone this long: the call ended
  // Where recordings live (media/recording_storage.h); required.
  std::shared_ptr<media::RecordingStorage> recordings;
  int room_bitrate = 512'000;
  std::string ice_servers_json = "[]";  // RTCIceServer[] handed to browsers
};

// What a participant's browser needs to enter the call's room (docs/calls.md).
struct JoinGrant {
  store::Call call;
  std::string janus_url;
  std::int64_t room = 0;
  std::string pin;
  std::string token;
  std::int64_t participant_id = 0;
  std::string display;  // buyer | seller
  int bitrate = 0;
  std::string ice_servers_json;
};

class CallService {
 public:
  CallService(store::Store& store, const base::Clock& clock, std::vector<MediaNode> nodes,
              const media::RecordingProcessor& processor, CallOptions options,
              CallListener* listener);

  Result<store::Call> Propose(const store::User& user, store::Id conversation_id,
                              std::optional<base::TimeMs> scheduled_for);
  Result<store::Call> Accept(const store::User& user, store::Id call_id);
  Result<store::Call> Decline(const store::User& user, store::Id call_id);
  Result<store::Call> Cancel(const store::User& user, store::Id call_id);
  // `request_host`: the Host header, for the default Janus URL.
  Result<JoinGrant> Join(const store::User& user, store::Id call_id, bool consent,
                         const std::string& request_host);
  Result<store::Call> Hangup(const store::User& user, store::Id call_id);
  // Ends every open call of the user (they were blocked): active ones as `ended`, the
  // others `cancelled`, with `reason`; the media rooms are destroyed and both sides told.
  void EndCallsOf(store::Id user_id, const std::string& reason);
  // Participants and moderators.
  Result<store::Call> Get(const store::User& user, store::Id call_id);
  // The call if `user` is its buyer or seller: 404 call_not_found, 403 not_participant.
  Result<store::Call> AsParty(const store::User& user, store::Id call_id);
  Result<std::vector<store::Call>> List(const store::User& user, store::CallFilter filter);
  // The buyer rates the seller after the call ended (once): 403 not_buyer (the seller), 409
  // call_not_ended, 409 already_rated, 400 invalid_stars (1..5) / invalid_comment (<= 1000
  // characters). The caller's route checks they are a party first.
  Result<store::CallRating> Rate(const store::User& user, store::Id call_id, std::int64_t stars,
                                 std::optional<std::string> comment);
  // The call's rating, for its two parties (nullopt: none yet).
  Result<std::optional<store::CallRating>> Rating(const store::User& user, store::Id call_id);
  Result<std::vector<store::RecordingFile>> Files(store::Id call_id);
  // The combined playback file of a call (moderators; the caller checks the role): its bytes,
  // and the stored file's row (path, hash) for the audit entry.
  struct StoredRecording {
    std::shared_ptr<const net::ByteSource> bytes;
    store::RecordingFile file;
  };
  Result<StoredRecording> CombinedRecording(store::Id call_id);

  // Presence from the media server's events.
  void OnMediaEvents(const std::vector<media::MediaEvent>& events);
  // Told when a participant of an active call published their media (after the store commit),
  // with the media server and node index the call is on: the live tap starts forwarding their
  // audio from it (live/). Runs on the thread handling media events; must return quickly. Set
  // before events arrive.
  using PublishedHook = std::function<void(const store::Call& call, bool seller,
                                           media::MediaServer& server, std::size_t node)>;
  void SetPublishedHook(PublishedHook hook) { on_published_ = std::move(hook); }
  // Periodic: no-shows, calls everyone left, presence the events missed.
  void Sweep();
  // The media server restarted: its rooms are gone (browsers rejoin through Join).
  void OnMediaRestart();
  // Each media node and whether it answers now (for /readyz).
  std::vector<std::pair<std::string, bool>> MediaStatus() const;
  // Pings every media node and remembers who answered, for placement (Sweep does it every
  // few seconds; a node that stops answering gets no new calls until it answers again).
  void CheckMediaNodes();
  // The recording.postprocess job: idempotent, retried by the worker pool.
  Result<void> ProcessRecording(const store::Job& job);
  // The recording.postprocess job is given up (its worker died on every attempt): the call's
  // recording and transcript become `failed` with `reason` for staff; raw files stay.
  void RecordingGivenUp(const store::Job& job, const std::string& reason);

  // Runs processing again for an ended call (`vitrina reprocess`): the transcription from the
  // processed audio (as a new transcript version, in `language` or the default), or with
  // `recording` the post-processing from the raw recordings if they are still there (which
  // is followed by a transcription). Returns the job id. Conflict "call_not_ended",
  // "recording_not_ready", "raw_recording_missing", "job_already_queued".
  // Audited (`call.reprocessed` by `actor`, none: the console) with the hashes of the files a
  // recording reprocess will replace, in the transaction that queues the job.
  Result<store::Id> Reprocess(store::Id call_id, bool recording,
                              const std::optional<std::string>& language,
                              std::optional<store::Id> actor = std::nullopt);

  std::filesystem::path RawDir(store::Id call_id) const;
  const media::RecordingStorage& recordings() const { return *options_.recordings; }

 private:
  Result<store::Call> Transition(const store::User& user, store::Id call_id,
                                 const std::string& action);
  // Ends `call` in `tx` (state, times, reason) and enqueues post-processing if anything may
  // have been recorded.
  Result<void> EndInTx(store::Tx& tx, store::Call& call, const std::string& state,
                       const std::string& reason, std::optional<store::Id> by, base::TimeMs now);
  void AfterEnd(const store::Call& call);
  void ReconcilePresence(const store::Call& call, base::TimeMs now);
  void Notify(const store::Call& call);
  const MediaNode& NodeFor(const store::Call& call) const;
  std::size_t NodeIndex(const store::Call& call) const;
  // The node a new call goes to (PlaceCall over the open calls per node in `tx`).
  Result<std::size_t> PickNode(store::Tx& tx);

  store::Store& store_;
  const base::Clock& clock_;
  std::vector<MediaNode> nodes_;
  const media::RecordingProcessor& processor_;
  const CallOptions options_;
  CallListener* listener_;
  PublishedHook on_published_;
  std::atomic<std::chrono::steady_clock::time_point> next_presence_check_{};
  std::atomic<std::chrono::steady_clock::time_point> next_health_check_{};
  std::unique_ptr<std::atomic<bool>[]> node_up_;  // per node: its last health check
};

}  // namespace vitrina::calls
