#include "live/live_service.h"

#include <boost/json.hpp>

#include "base/log.h"

namespace vitrina::live {

namespace json = boost::json;

namespace {

std::string Str(std::int64_t id) { return std::to_string(id); }

const char* Role(bool seller) { return seller ? "seller" : "buyer"; }

}  // namespace

std::optional<std::uint32_t> StreamSsrc(store::Id call_id, bool seller) {
  if (call_id <= 0 || call_id >= (std::int64_t{1} << 31)) return std::nullopt;
  return static_cast<std::uint32_t>((call_id << 1) | (seller ? 1 : 0));
}

LiveService::LiveService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                         Deliver deliver, LiveRules rules, LiveServiceOptions options)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      deliver_(std::move(deliver)),
      rules_(std::move(rules)),
      options_(std::move(options)) {
  metrics_.Describe("vitrina_live_forwards_total", "counter",
                    "rtp_forward requests for the live tap, by result (ok, failed, no_tap, too_big).");
  metrics_.Describe("vitrina_live_captions_total", "counter",
                    "Captions pushed to call participants, by kind (partial, final).");
  metrics_.Describe("vitrina_live_warnings_total", "counter",
                    "Live warnings shown to the party being targeted, by category.");
  metrics_.Describe("vitrina_live_flags_total", "counter",
                    "Live rule hits stored as flags (live: true), by severity.");
  metrics_.Describe("vitrina_live_dropped_total", "counter",
                    "Live events dropped because the service fell behind, by kind (partial, event).");
  forwarder_ = std::thread([this] { ForwardLoop(); });
  events_thread_ = std::thread([this] { EventLoop(); });
}

LiveService::~LiveService() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  forward_wake_.notify_all();
  event_wake_.notify_all();
  if (forwarder_.joinable()) forwarder_.join();
  if (events_thread_.joinable()) events_thread_.join();  // what was queued is delivered first
}

namespace {
constexpr std::size_t kDropPartialsAbove = 500;  // queued events: partial captions wait no longer
constexpr std::size_t kMaxEvents = 20'000;
}  // namespace

void LiveService::Post(std::function<void()> task, bool droppable) {
  {
    std::lock_guard lock(mu_);
    const std::size_t limit = droppable ? kDropPartialsAbove : kMaxEvents;
    if (events_.size() >= limit) {
      metrics_.Add("vitrina_live_dropped_total", {{"kind", droppable ? "partial" : "event"}});
      return;
    }
    events_.emplace_back(std::move(task), droppable);
  }
  event_wake_.notify_one();
}

void LiveService::EventLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    event_wake_.wait(lock, [&] { return stopping_ || !events_.empty(); });
    if (events_.empty()) return;  // stopping, and everything queued is done
    auto task = std::move(events_.front().first);
    events_.pop_front();
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {  // a live event never takes the process down
      base::log::Warn("live_event_failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

void LiveService::SetTap(std::size_t node, media::AudioForward address) {
  std::lock_guard lock(mu_);
  taps_[node] = std::move(address);
}

void LiveService::OnPublished(const store::Call& call, bool seller, media::MediaServer& server,
                              std::size_t node) {
  const auto ssrc = StreamSsrc(call.id, seller);
  std::lock_guard lock(mu_);
  auto tap = taps_.find(node);
  if (tap == taps_.end() || !ssrc) {
    metrics_.Add("vitrina_live_forwards_total", {{"result", !ssrc ? "too_big" : "no_tap"}});
    return;
  }
  Forward f{call, seller, &server, tap->second};
  f.to.ssrc = *ssrc;
  forwards_.push_back(std::move(f));
  forward_wake_.notify_one();
}

void LiveService::ForwardLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    forward_wake_.wait(lock, [&] { return stopping_ || !forwards_.empty(); });
    if (stopping_) return;
    Forward f = std::move(forwards_.front());
    forwards_.pop_front();
    lock.unlock();
    const auto& party = f.seller ? f.call.seller : f.call.buyer;
    // A call that ended while this waited needs no forwarder.
    auto now_call = store_.Read([&](store::Tx& tx) { return tx.calls().FindById(f.call.id); });
    if (now_call && (!*now_call || (*now_call)->state != "active")) {
      lock.lock();
      continue;
    }
    base::Result<std::int64_t> done = base::Internal("not sent");
    try {
      done = f.server->ForwardAudio(f.call.room, f.call.room_secret, party.media_id, f.to);
    } catch (const std::exception& e) {  // an odd reply from the media server
      done = base::Internal(std::string("rtp_forward: ") + e.what());
    }
    if (done) {
      metrics_.Add("vitrina_live_forwards_total", {{"result", "ok"}});
      base::log::Info("live_forward_started", {{"call_id", f.call.id},
                                               {"speaker", Role(f.seller)},
                                               {"port", static_cast<std::int64_t>(f.to.port)},
                                               {"ssrc", static_cast<std::int64_t>(f.to.ssrc)}});
    } else {
      // The call goes on without captions for this participant.
      metrics_.Add("vitrina_live_forwards_total", {{"result", "failed"}});
      base::log::Warn("live_forward_failed", {{"call_id", f.call.id},
                                              {"speaker", Role(f.seller)},
                                              {"error", done.error().message}});
    }
    lock.lock();
  }
}

std::optional<StreamInfo> LiveService::Resolve(std::uint32_t ssrc) {
  const store::Id call_id = ssrc >> 1;
  const bool seller = (ssrc & 1) != 0;
  auto call = store_.Read([&](store::Tx& tx) { return tx.calls().FindById(call_id); });
  if (!call || !*call || (*call)->state != "active") return std::nullopt;
  StreamInfo s;
  s.ssrc = ssrc;
  s.call_id = call_id;
  s.seller = seller;
  s.language = options_.language;
  const auto now = clock_.NowMs();
  if ((*call)->started_at) s.timeline_offset_ms = std::max<std::int64_t>(0, now - *(*call)->started_at);
  bool fresh = false;
  {
    std::lock_guard lock(mu_);
    fresh = !calls_.contains(call_id);
  }
  // A call's state goes when its streams end (e.g. both reconnect after a media-server
  // restart): the rules that fired before stay fired, from the call's stored live flags.
  std::vector<store::Flag> fired;
  if (fresh) {
    store::FlagFilter filter;
    filter.call_id = call_id;
    auto flags = store_.Read([&](store::Tx& tx) { return tx.analytics().ListFlags(filter); });
    if (flags) {
      for (auto& f : *flags) {
        if (f.live) fired.push_back(std::move(f));
      }
    }
  }
  {
    std::lock_guard lock(mu_);
    auto& state = calls_[call_id];
    state.buyer_id = (*call)->buyer_id;
    state.seller_id = (*call)->seller_id;
    for (const auto& f : fired) {
      state.watcher.MarkFired(f.speaker == "seller" ? analytics::Role::kSeller : analytics::Role::kBuyer,
                              f.rule_id);
    }
    ++state.streams;
  }
  return s;
}

void LiveService::ToBoth(store::Id call_id, const std::string& text) {
  store::Id buyer = 0, seller = 0;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    buyer = it->second.buyer_id;
    seller = it->second.seller_id;
  }
  deliver_(buyer, text);
  deliver_(seller, text);
}

void LiveService::Status(const StreamInfo& stream, const char* state) {
  ToBoth(stream.call_id, json::serialize(json::object{{"type", "live_status"},
                                                      {"call_id", Str(stream.call_id)},
                                                      {"speaker", Role(stream.seller)},
                                                      {"state", state}}));
}

void LiveService::OnStarted(const StreamInfo& stream) {
  Post([this, stream] { Status(stream, "on"); }, false);
}

void LiveService::OnRefused(const StreamInfo& stream, const std::string& reason) {
  base::log::Warn("live_stream_refused", {{"call_id", stream.call_id},
                                          {"speaker", Role(stream.seller)},
                                          {"reason", reason}});
  Post([this, stream] { Status(stream, "unavailable"); }, false);
}

void LiveService::OnEnded(const StreamInfo& stream, bool was_live) {
  // Queued, so the status goes out (the call's parties still known) before the state goes.
  Post([this, stream, was_live] {
    if (was_live) Status(stream, "off");
    std::lock_guard lock(mu_);
    auto it = calls_.find(stream.call_id);
    if (it != calls_.end() && --it->second.streams <= 0) calls_.erase(it);
  }, false);
}

void LiveService::OnPartial(const StreamInfo& stream, std::int64_t utterance,
                            const std::string& text, std::int64_t start_ms) {
  Post([this, stream, utterance, text, start_ms] {
  metrics_.Add("vitrina_live_captions_total", {{"kind", "partial"}});
  ToBoth(stream.call_id,
         json::serialize(json::object{{"type", "caption"},
                                      {"call_id", Str(stream.call_id)},
                                      {"speaker", Role(stream.seller)},
                                      {"utterance", Str(utterance)},
                                      {"final", false},
                                      {"text", text},
                                      {"start_ms", start_ms},
                                      {"end_ms", start_ms},
                                      {"language", stream.language}}));
  }, /*droppable=*/true);
}

void LiveService::OnFinal(const StreamInfo& stream, std::int64_t utterance,
                          const asr::Segment& words) {
  Post([this, stream, utterance, words] { Final(stream, utterance, words); }, false);
}

void LiveService::Final(const StreamInfo& stream, std::int64_t utterance, const asr::Segment& words) {
  metrics_.Add("vitrina_live_captions_total", {{"kind", "final"}});
  ToBoth(stream.call_id,
         json::serialize(json::object{{"type", "caption"},
                                      {"call_id", Str(stream.call_id)},
                                      {"speaker", Role(stream.seller)},
                                      {"utterance", Str(utterance)},
                                      {"final", true},
                                      {"text", words.text},
                                      {"start_ms", words.start_ms},
                                      {"end_ms", words.end_ms},
                                      {"language", stream.language}}));
  if (words.words.empty()) return;
  auto matcher = rules_();
  if (!matcher) {
    // The words still join the speaker's window: a phrase they start is found with the next.
    base::log::Warn("live_rules_unavailable", {{"error", matcher.error().message}});
  }
  std::vector<LiveWord> live_words;
  for (const auto& w : words.words) live_words.push_back({w.text, w.start_ms, w.end_ms});
  std::vector<LiveHit> hits;
  CallState parties;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(stream.call_id);
    if (it == calls_.end()) return;
    hits = it->second.watcher.Add(matcher ? matcher->get() : nullptr,
                                  stream.seller ? analytics::Role::kSeller : analytics::Role::kBuyer,
                                  stream.language, live_words);
    parties.buyer_id = it->second.buyer_id;
    parties.seller_id = it->second.seller_id;
  }
  for (const auto& hit : hits) Raise(stream, parties, hit);
}

void LiveService::Raise(const StreamInfo& stream, const CallState& parties, const LiveHit& hit) {
  const std::string severity(analytics::SeverityName(hit.hit.severity));
  store::Flag f;
  f.call_id = stream.call_id;
  f.transcript_version = 0;  // raised live
  f.rule_id = hit.hit.rule_id;
  f.category = hit.hit.category;
  f.severity = severity;
  f.speaker = Role(stream.seller);
  f.accused_id = stream.seller ? parties.seller_id : parties.buyer_id;
  f.start_ms = hit.start_ms;
  f.end_ms = hit.end_ms;
  f.text = hit.text;
  f.live = true;
  f.created_at = clock_.NowMs();
  auto stored = store_.Write([&](store::Tx& tx) { return tx.analytics().InsertFlag(f); });
  if (!stored) {
    base::log::Warn("live_flag_failed", {{"call_id", stream.call_id}, {"error", stored.error().message}});
    return;
  }
  metrics_.Add("vitrina_live_flags_total", {{"severity", severity}});
  base::log::Info("live_rule_hit", {{"call_id", stream.call_id},
                                    {"flag_id", stored->first.id},
                                    {"rule_id", hit.hit.rule_id},
                                    {"category", hit.hit.category},
                                    {"speaker", Role(stream.seller)}});
  if (hit.hit.severity != analytics::Severity::kHigh || !stored->second) return;
  // The party being targeted is the other one; the speaker is not told.
  const store::Id target = stream.seller ? parties.buyer_id : parties.seller_id;
  metrics_.Add("vitrina_live_warnings_total", {{"category", hit.hit.category}});
  deliver_(target, json::serialize(json::object{
                       {"type", "live_warning"},
                       {"call_id", Str(stream.call_id)},
                       {"warning", json::object{{"id", Str(stored->first.id)},
                                                {"category", hit.hit.category},
                                                {"severity", severity}}},
                       {"at_ms", hit.end_ms}}));
}

}  // namespace vitrina::live
