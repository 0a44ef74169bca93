#include "calls/call_service.h"

#include <charconv>

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

namespace {

bool IsParticipant(const store::Call& c, store::Id user_id) {
  return c.buyer_id == user_id || c.seller_id == user_id;
}

// A random id Janus and JavaScript both hold exactly (below 2^53).
std::int64_t RandomMediaId() {
  const auto v = static_cast<std::int64_t>(base::RandomU64() & ((std::uint64_t{1} << 52) - 1));
  return v == 0 ? 1 : v;
}

Result<store::Call> LoadAsParticipant(store::Tx& tx, store::Id id, store::Id user_id) {
  auto call = TRY(LoadCall(tx, id));
  if (!IsParticipant(call, user_id)) {
    return base::PermissionDenied("not_participant", "Only the buyer and the seller of this call may do that");
  }
  return call;
}

base::Error Ended(const store::Call& call) {
  return base::Conflict("call_ended", "This call is over (" + call.state + ")").value();
}

// "host:port" / "[v6]:port" / "host" → the host part, for the default Janus URL.
std::string HostOnly(const std::string& host_header) {
  if (host_header.starts_with("[")) {
    const auto end = host_header.find(']');
    return end == std::string::npos ? host_header : host_header.substr(0, end + 1);
  }
  const auto colon = host_header.find(':');
  return colon == std::string::npos ? host_header : host_header.substr(0, colon);
}

}  // namespace

CallService::CallService(store::Store& store, const base::Clock& clock,
                         std::vector<MediaNode> nodes, const media::RecordingProcessor& processor,
                         CallOptions options, CallListener* listener)
    : store_(store),
      clock_(clock),
      nodes_(std::move(nodes)),
      processor_(processor),
      options_(std::move(options)),
      listener_(listener),
      node_up_(std::make_unique<std::atomic<bool>[]>(nodes_.size())) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) node_up_[i] = true;  // until a check says otherwise
}

std::size_t PlaceCall(const std::vector<bool>& up, const std::vector<std::int64_t>& load) {
  std::optional<std::size_t> best;
  for (const bool healthy_only : {true, false}) {
    for (std::size_t i = 0; i < load.size(); ++i) {
      if (healthy_only && !(i < up.size() && up[i])) continue;
      if (!best || load[i] < load[*best]) best = i;
    }
    if (best) return *best;
  }
  return 0;
}

Result<std::size_t> CallService::PickNode(store::Tx& tx) {
  std::vector<std::int64_t> load(nodes_.size(), 0);
  std::vector<bool> up(nodes_.size(), false);
  for (const auto& [node, calls] : TRY(tx.calls().OpenCallsPerNode())) {
    std::size_t index = 0;
    auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), index);
    if (ec == std::errc() && end == node.data() + node.size() && index < load.size()) load[index] += calls;
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) up[i] = node_up_[i].load();
  return PlaceCall(up, load);
}

fs::path CallService::RawDir(store::Id call_id) const { return options_.recordings->RawDir(call_id); }

std::size_t CallService::NodeIndex(const store::Call& call) const {
  std::size_t index = 0;
  if (!call.media_node.empty()) index = std::stoul(call.media_node);
  return index < nodes_.size() ? index : 0;
}

const MediaNode& CallService::NodeFor(const store::Call& call) const { return nodes_.at(NodeIndex(call)); }

void CallService::Notify(const store::Call& call) {
  if (listener_) listener_->OnCall(call);
}

Result<store::Call> CallService::Propose(const store::User& user, store::Id conversation_id,
                                         std::optional<base::TimeMs> scheduled_for) {
  const auto now = clock_.NowMs();
  if (scheduled_for && *scheduled_for < now - 60'000) {
    return base::InvalidArgument("invalid_scheduled_for", "The call time is in the past");
  }
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto conv = TRY(tx.chat().FindConversation(conversation_id, user.id));
    if (!conv || (conv->buyer_id != user.id && conv->seller_id != user.id)) {
      return base::NotFound("conversation_not_found", "No such conversation");
    }
    auto listing = TRY(tx.listings().FindById(conv->listing_id));
    if (!listing || listing->status != "active") {
      return base::Conflict("listing_inactive", "The listing is no longer active");
    }
    const store::Id other_id = conv->buyer_id == user.id ? conv->seller_id : conv->buyer_id;
    if (auto other = TRY(tx.users().FindById(other_id)); other && accounts::IsBlocked(*other, now)) {
      return base::Conflict("counterpart_blocked", "The other party's account is blocked");
    }
    if (!listing->video_call_ready) {
      return base::Conflict("video_calls_disabled", "The seller does not take video calls on this listing");
    }
    auto hours = TRY(listings::ParseCallHours(json::parse(listing->call_hours_json)));
    const auto when = scheduled_for.value_or(now);
    if (!listings::IsWithinCallHours(hours, when)) {
      return base::Conflict("outside_call_hours",
                            scheduled_for ? "That time is outside the seller's call hours"
                                          : "The seller does not take calls right now");
    }
    store::Call c;
    c.conversation_id = conv->id;
    c.listing_id = conv->listing_id;
    c.buyer_id = conv->buyer_id;
    c.seller_id = conv->seller_id;
    c.proposed_by = user.id;
    c.state = "proposed";
    c.scheduled_for = scheduled_for;
    c.join_opens_at = scheduled_for ? *scheduled_for - options_.early_join_ms : now;
    c.join_closes_at = when + options_.no_show_grace_ms;
    c.created_at = c.updated_at = now;
    return tx.calls().Insert(c);
  }));
  base::log::Info("call_proposed", {{"call_id", call.id}, {"by", user.id}});
  Notify(call);
  return call;
}

Result<store::Call> CallService::Transition(const store::User& user, store::Id call_id,
                                            const std::string& action) {
  const auto now = clock_.NowMs();
  bool ended = false;
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadAsParticipant(tx, call_id, user.id));
    if (!IsOpen(c.state)) return tl::unexpected(Ended(c));
    const bool proposer = c.proposed_by == user.id;
    if (action == "accept" || action == "decline") {
      if (c.state != "proposed") {
        return base::Conflict("invalid_state", "Only a proposed call can be " + action + "ed");
      }
      if (proposer) {
        return base::PermissionDenied("not_your_turn", "The other party answers a proposal");
      }
      if (action == "accept") {
        c.state = "accepted";
        c.accepted_at = now;
        if (!c.scheduled_for) c.join_opens_at = now;
      } else {
        TRY(EndInTx(tx, c, "declined", "declined", user.id, now));
        ended = true;
      }
    } else {  // cancel
      const bool nobody_joined = !c.buyer.consent_at && !c.seller.consent_at;
      if (c.state == "active" || !nobody_joined) {
        return base::Conflict("invalid_state", "A call in progress is ended with hang-up");
      }
      if (c.state == "proposed" && !proposer) {
        return base::PermissionDenied("not_your_turn", "Decline the proposal instead");
      }
      TRY(EndInTx(tx, c, "cancelled", "cancelled", user.id, now));
      ended = true;
    }
    c.updated_at = now;
    TRY(tx.calls().Update(c));
    return c;
  }));
  base::log::Info("call_" + action, {{"call_id", call.id}, {"by", user.id}});
  if (ended) AfterEnd(call);
  Notify(call);
  return call;
}

Result<store::Call> CallService::Accept(const store::User& u, store::Id id) { return Transition(u, id, "accept"); }
Result<store::Call> CallService::Decline(const store::User& u, store::Id id) { return Transition(u, id, "decline"); }
Result<store::Call> CallService::Cancel(const store::User& u, store::Id id) { return Transition(u, id, "cancel"); }

Result<JoinGrant> CallService::Join(const store::User& user, store::Id call_id, bool consent,
                                    const std::string& request_host) {
  const auto now = clock_.NowMs();
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadAsParticipant(tx, call_id, user.id));  // who, before what they sent
    if (!consent) {
      return base::InvalidArgument("consent_required",
                                   "Joining needs consent to the call being recorded ({\"consent\": true})");
    }
    if (!IsOpen(c.state)) return tl::unexpected(Ended(c));
    if (c.state == "proposed") {
      return base::Conflict("invalid_state", "The call has not been accepted yet");
    }
    if (now < c.join_opens_at) {
      return base::Conflict("call_not_open", "The call opens a few minutes before its time");
    }
    if (c.state == "accepted" && now > c.join_closes_at) {
      return base::Conflict("call_not_open", "The time for this call has passed");
    }
    if (c.room == 0) {
      c.media_node = std::to_string(TRY(PickNode(tx)));
      c.room = RandomMediaId();
      c.room_pin = base::RandomToken(12);
      c.room_secret = base::RandomToken(24);
      c.buyer.media_id = RandomMediaId();
      c.seller.media_id = RandomMediaId();
      c.buyer.room_token = base::RandomToken(24);
      c.seller.room_token = base::RandomToken(24);
    }
    if (c.state == "accepted") {
      c.state = "active";
      c.started_at = now;
      c.recording_status = "recording";
    }
    auto& me = c.buyer_id == user.id ? c.buyer : c.seller;
    if (!me.consent_at) me.consent_at = now;
    c.updated_at = now;
    TRY(tx.calls().Update(c));
    return c;
  }));

  media::RoomSpec spec;
  spec.room = call.room;
  spec.description = "call " + std::to_string(call.id);
  spec.secret = call.room_secret;
  spec.pin = call.room_pin;
  spec.allowed = {call.buyer.room_token, call.seller.room_token};
  spec.bitrate = options_.room_bitrate;
  std::error_code ec;
  fs::create_directories(RawDir(call.id), ec);
  spec.rec_dir = fs::absolute(RawDir(call.id), ec).string();
  // The call's node, or — while nobody is in the room yet — another one when it does not
  // answer: a node that died since its last health check costs the call nothing.
  Result<void> ensured;
  for (std::size_t tries = 1;; ++tries) {
    ensured = NodeFor(call).server->EnsureRoom(spec);
    if (ensured) break;
    base::log::Error("media_room_failed", {{"call_id", call.id}, {"node", call.media_node},
                                           {"error", ensured.error().message}});
    if (call.buyer.joined_at || call.seller.joined_at || tries >= nodes_.size()) break;
    const std::string failed_node = call.media_node;
    if (const auto i = NodeIndex(call); i < nodes_.size()) node_up_[i] = false;  // until it answers a check
    auto moved = store_.Write([&](store::Tx& tx) -> Result<store::Call> {
      auto c = TRY(LoadCall(tx, call.id));
      if (c.state != "active" || c.buyer.joined_at || c.seller.joined_at) return c;
      if (c.media_node == failed_node) {  // (a concurrent join may have moved it already)
        c.media_node = std::to_string(TRY(PickNode(tx)));
        c.updated_at = clock_.NowMs();
        TRY(tx.calls().Update(c));
      }
      return c;
    });
    if (!moved || moved->media_node == failed_node || moved->state != "active") break;
    base::log::Warn("media_call_moved", {{"call_id", call.id}, {"from", failed_node}, {"to", moved->media_node}});
    call = std::move(*moved);
  }
  if (!ensured) {
    // Nobody is in yet: the call cannot happen. Someone is in (the media server restarted
    // mid-call): keep the call; the browsers retry while they show "reconnecting".
    const bool first = !call.buyer.joined_at && !call.seller.joined_at;
    if (first) {
      auto failed = store_.Write([&](store::Tx& tx) -> Result<store::Call> {
        auto c = TRY(LoadCall(tx, call.id));
        if (c.state != "active" || c.buyer.joined_at || c.seller.joined_at) return c;
        TRY(EndInTx(tx, c, "failed", "media_failed", std::nullopt, clock_.NowMs()));
        TRY(tx.calls().Update(c));
        return c;
      });
      if (failed) Notify(*failed);
    }
    return base::Fail(base::ErrorKind::kUnavailable, "media_unavailable",
                      "The video service is not available right now; please try again shortly");
  }
  const auto& node = NodeFor(call);
  JoinGrant grant;
  const bool buyer = call.buyer_id == user.id;
  grant.janus_url = !node.public_url.empty()
                        ? node.public_url
                        : "ws://" + HostOnly(request_host) + ":" + std::to_string(node.ws_port) + "/";
  grant.room = call.room;
  grant.pin = call.room_pin;
  grant.token = buyer ? call.buyer.room_token : call.seller.room_token;
  grant.participant_id = buyer ? call.buyer.media_id : call.seller.media_id;
  grant.display = buyer ? "buyer" : "seller";
  grant.bitrate = options_.room_bitrate;
  grant.ice_servers_json = options_.ice_servers_json;
  base::log::Info("call_join", {{"call_id", call.id}, {"user_id", user.id}, {"role", grant.display}});
  grant.call = call;
  Notify(call);
  return grant;
}

Result<store::Call> CallService::Hangup(const store::User& user, store::Id call_id) {
  const auto now = clock_.NowMs();
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadAsParticipant(tx, call_id, user.id));
    if (!IsOpen(c.state)) return tl::unexpected(Ended(c));
    if (c.state != "active") {
      return base::Conflict("invalid_state", "The call has not started; cancel or decline it instead");
    }
    auto& me = c.buyer_id == user.id ? c.buyer : c.seller;
    me.left_at = now;
    TRY(EndInTx(tx, c, "ended", "hangup", user.id, now));
    TRY(tx.calls().Update(c));
    return c;
  }));
  base::log::Info("call_hangup", {{"call_id", call.id}, {"by", user.id}});
  AfterEnd(call);
  Notify(call);
  return call;
}

Result<void> CallService::EndInTx(store::Tx& tx, store::Call& c, const std::string& state,
                                  const std::string& reason, std::optional<store::Id> by,
                                  base::TimeMs now) {
  c.state = state;
  c.end_reason = reason;
  c.ended_by = by;
  c.ended_at = now;
  c.updated_at = now;
  for (auto* p : {&c.buyer, &c.seller}) {
    if (p->joined_at && (!p->left_at || *p->left_at < *p->joined_at)) p->left_at = now;
  }
  if (c.room != 0) {
    // Something may have been recorded: process it, whatever the events said.
    c.recording_status = "pending";
    c.transcript_status = "pending";
    store::NewJob job;
    job.kind = kPostprocessJob;
    job.payload = json::serialize(json::object{{"call_id", c.id}});
    job.dedupe_key = "postprocess:" + std::to_string(c.id);
    job.max_attempts = 5;
    job.run_after = now + 1000;  // let the media server close the files after the destroy
    TRY(tx.jobs().Insert(job, now));
  } else {
    c.recording_status = "none";
    c.transcript_status = "none";
  }
  return {};
}

void CallService::AfterEnd(const store::Call& call) {
  if (call.room == 0) return;
  if (auto done = NodeFor(call).server->DestroyRoom(call.room, call.room_secret); !done) {
    // The job destroys it again before processing; Janus also drops rooms when it restarts.
    base::log::Warn("media_room_destroy_failed", {{"call_id", call.id}, {"error", done.error().message}});
  }
}

void CallService::EndCallsOf(store::Id user_id, const std::string& reason) {
  store::CallFilter filter;
  filter.user_id = user_id;
  filter.only_open = true;
  filter.limit = 100;
  auto open = store_.Read([&](store::Tx& tx) { return tx.calls().List(filter); });
  if (!open) {
    base::log::Error("end_calls_failed", {{"user_id", user_id}, {"error", open.error().message}});
    return;
  }
  for (const auto& listed : *open) {
    const auto now = clock_.NowMs();
    auto ended = store_.Write([&](store::Tx& tx) -> Result<std::optional<store::Call>> {
      auto c = TRY(LoadCall(tx, listed.id));
      if (!IsOpen(c.state)) return std::optional<store::Call>();  // ended meanwhile
      TRY(EndInTx(tx, c, c.state == "active" ? "ended" : "cancelled", reason, std::nullopt, now));
      TRY(tx.calls().Update(c));
      return std::optional<store::Call>(c);
    });
    if (!ended) {
      base::log::Error("end_call_failed", {{"call_id", listed.id}, {"error", ended.error().message}});
    } else if (*ended) {
      base::log::Info("call_ended_for_user", {{"call_id", listed.id}, {"user_id", user_id}, {"reason", reason}});
      AfterEnd(**ended);
      Notify(**ended);
    }
  }
}

Result<store::Call> CallService::Get(const store::User& user, store::Id call_id) {
  return store_.Read([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(LoadCall(tx, call_id));
    if (!IsParticipant(c, user.id) && !accounts::HasRole(user, accounts::Role::kModerator)) {
      return base::PermissionDenied("not_participant", "This call is not yours");
    }
    return c;
  });
}

Result<store::Call> CallService::AsParty(const store::User& user, store::Id call_id) {
  return store_.Read([&](store::Tx& tx) { return LoadAsParticipant(tx, call_id, user.id); });
}

Result<std::vector<store::Call>> CallService::List(const store::User& user, store::CallFilter filter) {
  filter.user_id = user.id;
  return store_.Read([&](store::Tx& tx) { return tx.calls().List(filter); });
}

Result<std::vector<store::RecordingFile>> CallService::Files(store::Id call_id) {
  return store_.Read([&](store::Tx& tx) { return tx.calls().Files(call_id); });
}

Result<CallService::StoredRecording> CallService::CombinedRecording(store::Id call_id) {
  auto files = TRY(store_.Read([&](store::Tx& tx) -> Result<std::vector<store::RecordingFile>> {
    TRY(LoadCall(tx, call_id));
    return tx.calls().Files(call_id);
  }));
  for (auto& f : files) {
    if (f.kind == "combined") {
      auto bytes = TRY(options_.recordings->Open(f.path));
      return StoredRecording{std::move(bytes), std::move(f)};
    }
  }
  return base::NotFound("recording_not_ready", "The recording of this call is not ready");
}

}  // namespace vitrina::calls
