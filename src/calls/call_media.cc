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

// ---------------------------------------------------------------- media presence

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
    if (*changed) {
      Notify(**changed);
      const auto& call = **changed;
      if (e.kind == media::MediaEvent::Kind::kPublished && on_published_ && call.state == "active") {
        on_published_(call, e.participant == call.seller.media_id, *NodeFor(call).server,
                      NodeIndex(call));
      }
    }
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
  // 2. Every few seconds, the media nodes' health (placement skips a node that is down).
  if (std::chrono::steady_clock::now() >= next_health_check_.load()) {
    next_health_check_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    CheckMediaNodes();
  }
  // 3. Every so often, check active calls against their rooms: a participant the events
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

void CallService::CheckMediaNodes() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const bool up = nodes_[i].server->Ping().has_value();
    if (node_up_[i].exchange(up) != up) {
      base::log::Warn(up ? "media_node_up" : "media_node_down",
                      {{"node", static_cast<std::int64_t>(i)}, {"describe", nodes_[i].server->Describe()}});
    }
  }
}

void CallService::OnMediaRestart() {
  auto active = store_.Read([&](store::Tx& tx) { return tx.calls().ListByState("active", 500); });
  base::log::Warn("media_server_restarted",
                  {{"active_calls", active ? static_cast<std::int64_t>(active->size()) : -1}});
  // Nothing to recreate eagerly: each browser sees its session drop, shows "reconnecting"
  // and calls Join again, which recreates the room. What was recorded stays on disk.
}

}  // namespace vitrina::calls
