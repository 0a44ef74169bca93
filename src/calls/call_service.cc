#include "calls/call_service.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "accounts/roles.h"
#include "base/log.h"
#include "base/random.h"
#include "listings/call_hours.h"

namespace vitrina::calls {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

bool IsOpen(const std::string& state) {
  return state == "proposed" || state == "accepted" || state == "active";
}

bool IsParticipant(const store::Call& c, store::Id user_id) {
  return c.buyer_id == user_id || c.seller_id == user_id;
}

// A random id Janus and JavaScript both hold exactly (below 2^53).
std::int64_t RandomMediaId() {
  const auto v = static_cast<std::int64_t>(base::RandomU64() & ((std::uint64_t{1} << 52) - 1));
  return v == 0 ? 1 : v;
}

Result<store::Call> LoadCall(store::Tx& tx, store::Id id) {
  auto call = TRY(tx.calls().FindById(id));
  if (!call) return base::NotFound("call_not_found", "No such call");
  return *call;
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
      listener_(listener) {}

fs::path CallService::RawDir(store::Id call_id) const {
  return options_.recordings_dir / std::to_string(call_id) / "raw";
}

fs::path CallService::ProcessedDir(store::Id call_id) const {
  return options_.recordings_dir / std::to_string(call_id) / "processed";
}

const MediaNode& CallService::NodeFor(const store::Call& call) const {
  std::size_t index = 0;
  if (!call.media_node.empty()) index = std::stoul(call.media_node);
  return nodes_.at(index < nodes_.size() ? index : 0);
}

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
      c.media_node = std::to_string(static_cast<std::size_t>(c.id) % nodes_.size());
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

  const auto& node = NodeFor(call);
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
  if (auto ensured = node.server->EnsureRoom(spec); !ensured) {
    base::log::Error("media_room_failed", {{"call_id", call.id}, {"error", ensured.error().message}});
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

Result<fs::path> CallService::CombinedRecording(store::Id call_id) {
  auto files = TRY(store_.Read([&](store::Tx& tx) -> Result<std::vector<store::RecordingFile>> {
    TRY(LoadCall(tx, call_id));
    return tx.calls().Files(call_id);
  }));
  for (const auto& f : files) {
    if (f.kind == "combined") return options_.recordings_dir / f.path;
  }
  return base::NotFound("recording_not_ready", "The recording of this call is not ready");
}

void CallService::OnMediaEvents(const std::vector<media::MediaEvent>& events) {
  for (const auto& e : events) {
    const auto now = clock_.NowMs();
    bool intruder = false;
    auto changed = store_.Write([&](store::Tx& tx) -> Result<std::optional<store::Call>> {
      auto c = TRY(tx.calls().FindByRoom(e.room));
      if (!c) return std::optional<store::Call>();
      store::CallParticipant* p = nullptr;
      if (e.participant == c->buyer.media_id) p = &c->buyer;
      if (e.participant == c->seller.media_id) p = &c->seller;
      // The id must be one the server handed out, entered with that same user's token.
      if (p == nullptr || (!e.token.empty() && e.token != p->room_token)) {
        intruder = c->state == "active";
        return std::optional<store::Call>();
      }
      const auto at = e.at_ms > 0 ? e.at_ms : now;
      if (e.kind == media::MediaEvent::Kind::kLeft) {
        p->left_at = at;
      } else {
        if (!p->joined_at) p->joined_at = at;
        if (p->left_at && *p->left_at <= at) p->left_at.reset();  // back after a drop
      }
      c->updated_at = now;
      TRY(tx.calls().Update(*c));
      return c;
    });
    if (!changed) {
      base::log::Warn("media_event_failed", {{"room", e.room}, {"error", changed.error().message}});
      continue;
    }
    if (intruder) {
      // Not one of the two ids the server handed out: should be impossible (pin + token).
      auto call = store_.Read([&](store::Tx& tx) { return tx.calls().FindByRoom(e.room); });
      if (call && *call) {
        base::log::Warn("media_intruder_kicked", {{"call_id", (*call)->id}, {"participant", e.participant}});
        (void)NodeFor(**call).server->Kick(e.room, (*call)->room_secret, e.participant);
      }
      continue;
    }
    if (*changed) Notify(**changed);
  }
}

void CallService::Sweep() {
  const auto now = clock_.NowMs();
  // 1. Join windows that closed: missed calls and no-shows.
  auto expired = store_.Read([&](store::Tx& tx) { return tx.calls().ListExpired(now, 100); });
  if (!expired) return;
  for (const auto& seen : *expired) {
    if (seen.state == "active" && seen.room != 0) ReconcilePresence(seen, now);
    auto ended = store_.Write([&](store::Tx& tx) -> Result<std::optional<store::Call>> {
      auto c = TRY(LoadCall(tx, seen.id));
      if (!IsOpen(c.state) || c.join_closes_at >= now) return std::optional<store::Call>();
      const bool buyer_in = c.buyer.joined_at.has_value();
      const bool seller_in = c.seller.joined_at.has_value();
      if (buyer_in && seller_in) return std::optional<store::Call>();  // a real call
      if (c.state != "proposed") {
        c.no_show = !buyer_in && !seller_in ? "both" : buyer_in ? "seller" : "buyer";
      }
      TRY(EndInTx(tx, c, "missed", c.state == "proposed" ? "not_answered" : "no_show",
                  std::nullopt, now));
      TRY(tx.calls().Update(c));
      return std::optional<store::Call>(c);
    });
    if (ended && *ended) {
      base::log::Info("call_missed", {{"call_id", (*ended)->id},
                                      {"no_show", (*ended)->no_show.value_or("")}});
      AfterEnd(**ended);
      Notify(**ended);
    }
  }
  // 2. Every so often, check active calls against their rooms: a participant the events
  //    say is in but the room does not have (lost "leaving" events, or both media server
  //    and events gone with a crash) has left now.
  auto active = store_.Read([&](store::Tx& tx) { return tx.calls().ListByState("active", 500); });
  if (!active) return;
  const auto steady_now = std::chrono::steady_clock::now();
  if (steady_now >= next_presence_check_.load()) {
    next_presence_check_ = steady_now + std::chrono::seconds(15);
    for (auto& call : *active) {
      if (call.room == 0) continue;
      const bool buyer_in = call.buyer.joined_at && !call.buyer.left_at;
      const bool seller_in = call.seller.joined_at && !call.seller.left_at;
      if (!buyer_in && !seller_in) continue;
      auto present = NodeFor(call).server->Participants(call.room);
      if (!present) continue;  // media server unreachable: decide nothing
      std::vector<media::MediaEvent> gone;
      auto absent = [&](const store::CallParticipant& p) {
        return std::find(present->begin(), present->end(), p.media_id) == present->end();
      };
      if (buyer_in && absent(call.buyer)) {
        gone.push_back({media::MediaEvent::Kind::kLeft, call.room, call.buyer.media_id, now, ""});
      }
      if (seller_in && absent(call.seller)) {
        gone.push_back({media::MediaEvent::Kind::kLeft, call.room, call.seller.media_id, now, ""});
      }
      if (!gone.empty()) {
        base::log::Info("call_presence_reconciled", {{"call_id", call.id},
                                                     {"left", static_cast<std::int64_t>(gone.size())}});
        OnMediaEvents(gone);
        auto fresh = store_.Read([&](store::Tx& tx) { return tx.calls().FindById(call.id); });
        if (fresh && *fresh) call = **fresh;
      }
    }
  }
  // 3. Active calls both participants left (and did not come back) some time ago.
  for (const auto& seen : *active) {
    auto gone_since = [&](const store::CallParticipant& p) -> std::optional<base::TimeMs> {
      if (!p.joined_at) return std::nullopt;
      return p.left_at;
    };
    const auto b = gone_since(seen.buyer);
    const auto s = gone_since(seen.seller);
    if (!b || !s) continue;
    if (std::max(*b, *s) + options_.leave_grace_ms > now) continue;
    auto ended = store_.Write([&](store::Tx& tx) -> Result<std::optional<store::Call>> {
      auto c = TRY(LoadCall(tx, seen.id));
      if (c.state != "active" || c.updated_at != seen.updated_at) return std::optional<store::Call>();
      TRY(EndInTx(tx, c, "ended", "left", std::nullopt, now));
      TRY(tx.calls().Update(c));
      return std::optional<store::Call>(c);
    });
    if (ended && *ended) {
      base::log::Info("call_ended_everyone_left", {{"call_id", (*ended)->id}});
      AfterEnd(**ended);
      Notify(**ended);
    }
  }
}

void CallService::ReconcilePresence(const store::Call& call, base::TimeMs now) {
  // Events can be lost (the event handler gives up after a few retries): ask the room.
  auto present = NodeFor(call).server->Participants(call.room);
  if (!present) return;
  std::vector<media::MediaEvent> seen;
  for (auto id : *present) {
    seen.push_back({media::MediaEvent::Kind::kJoined, call.room, id, now, ""});
  }
  if (!seen.empty()) OnMediaEvents(seen);
}

std::vector<std::pair<std::string, bool>> CallService::MediaStatus() const {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& node : nodes_) out.emplace_back(node.server->Describe(), node.server->Ping().has_value());
  return out;
}

void CallService::OnMediaRestart() {
  auto active = store_.Read([&](store::Tx& tx) { return tx.calls().ListByState("active", 500); });
  base::log::Warn("media_server_restarted",
                  {{"active_calls", active ? static_cast<std::int64_t>(active->size()) : -1}});
  // Nothing to recreate eagerly: each browser sees its session drop, shows "reconnecting"
  // and calls Join again, which recreates the room. What was recorded stays on disk.
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
  auto result = processor_.Process(RawDir(call_id), ProcessedDir(call_id), roles);
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
  std::vector<store::RecordingFile> files;
  for (const auto& f : result->files) {
    store::RecordingFile r;
    r.call_id = call_id;
    r.participant = f.participant;
    r.kind = std::string(media::FileKindName(f.kind));
    r.path = fs::relative(f.path, options_.recordings_dir, ec).string();
    if (ec || r.path.empty()) r.path = f.path.string();
    r.bytes = static_cast<std::int64_t>(f.bytes);
    r.duration_ms = f.duration_ms;
    r.offset_ms = f.offset_ms;
    r.sha256 = f.sha256;
    r.created_at = now;
    files.push_back(std::move(r));
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
