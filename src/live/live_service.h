#pragma once
// The live path's service side (issue 16, docs/live.md): which stream is whose, captions to
// both parties, live rules on final words, a warning to the party being targeted, the hit
// stored as a live flag, and the rtp_forward requests that start each participant's tap.
//
// A live stream's SSRC names it: (call id << 1) | (1 for the seller, 0 for the buyer), so a
// tap on another machine resolves it from the store alone (calls with ids from 2^31 on get no
// live path). Delivery goes through `deliver(user, json)`: the LiveHub, which relays through
// the store's event bus when several processes serve users. Thread-safe.
//
// The tap's workers never wait on the store or the event bus for captions and rules: their
// callbacks queue the work for the service's event thread (bounded: partial captions are dropped
// first when it falls behind, `vitrina_live_dropped_total`). Only Resolve, once per new stream,
// reads the store on the worker. rtp_forward requests have a thread of their own.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analytics/rules.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "live/live_rules.h"
#include "live/live_tap.h"
#include "media/media_server.h"
#include "store/store.h"

namespace vitrina::live {

// The SSRC of a call participant's live stream, or nullopt when the call id does not fit.
std::optional<std::uint32_t> StreamSsrc(store::Id call_id, bool seller);

struct LiveServiceOptions {
  std::string language = "en";  // the language calls are recognised in (asr.language)
};

class LiveService final : public TapSink {
 public:
  using Deliver = std::function<void(store::Id user_id, const std::string& json)>;
  // The compiled live rules (enabled rules with `live` on), rebuilt when rules change.
  using LiveRules = std::function<base::Result<std::shared_ptr<const analytics::RuleMatcher>>()>;

  LiveService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
              Deliver deliver, LiveRules rules, LiveServiceOptions options = {});
  ~LiveService() override;

  // Where node `node`'s tap listens, as that node's media server sees it; nodes without one
  // get no live path.
  void SetTap(std::size_t node, media::AudioForward address);
  // A participant published: asks the media server (on the service's own thread, so the
  // media event handler never waits) to forward their audio to the node's tap.
  void OnPublished(const store::Call& call, bool seller, media::MediaServer& server,
                   std::size_t node);

  // TapSink
  std::optional<StreamInfo> Resolve(std::uint32_t ssrc) override;
  void OnStarted(const StreamInfo& stream) override;
  void OnRefused(const StreamInfo& stream, const std::string& reason) override;
  void OnPartial(const StreamInfo& stream, std::int64_t utterance, const std::string& text,
                 std::int64_t start_ms) override;
  void OnFinal(const StreamInfo& stream, std::int64_t utterance, const asr::Segment& words) override;
  void OnEnded(const StreamInfo& stream, bool was_live) override;

 private:
  struct CallState {
    store::Id buyer_id = 0;
    store::Id seller_id = 0;
    LiveRuleWatcher watcher;
    int streams = 0;  // resolved streams of the call not ended yet
  };
  // Work for the event thread; `droppable` (partial captions) goes first when it backs up.
  void Post(std::function<void()> task, bool droppable);
  void EventLoop();
  void Final(const StreamInfo& stream, std::int64_t utterance, const asr::Segment& words);
  struct Forward {
    store::Call call;
    bool seller = false;
    media::MediaServer* server = nullptr;
    media::AudioForward to;
  };
  void ForwardLoop();
  void ToBoth(store::Id call_id, const std::string& json);
  void Status(const StreamInfo& stream, const char* state);
  // Stores the hit as a live flag and warns the other party (high severity). False when the
  // flag could not be stored (then no warning either: nothing a moderator could look at).
  void Raise(const StreamInfo& stream, const CallState& parties, const LiveHit& hit);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  Deliver deliver_;
  LiveRules rules_;
  const LiveServiceOptions options_;

  std::mutex mu_;
  std::map<store::Id, CallState> calls_;
  std::map<std::size_t, media::AudioForward> taps_;
  std::deque<Forward> forwards_;
  std::condition_variable forward_wake_;
  std::deque<std::pair<std::function<void()>, bool>> events_;
  std::condition_variable event_wake_;
  bool stopping_ = false;
  std::thread forwarder_;
  std::thread events_thread_;
};

}  // namespace vitrina::live
