#include "api/live_hub.h"

#include <algorithm>

#include <boost/json.hpp>

#include "api/json_io.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

class UserSocket final : public net::WsHandler {
 public:
  UserSocket(LiveHub& hub, store::Id user_id, std::string session_hash, base::TimeMs expires_at)
      : hub_(hub), user_id_(user_id), session_hash_(std::move(session_hash)), expires_at_(expires_at) {}

  void OnOpen(std::weak_ptr<net::WsConnection> connection) override {
    connection_ = connection;
    auto c = connection.lock();
    if (!c) return;
    raw_ = c.get();
    std::uint16_t refusal = 0;
    if (!hub_.Add(user_id_, session_hash_, expires_at_, connection, &refusal)) {
      c->CloseWith(refusal, refusal == kWsTooManyForUser ? "too many connections for this account"
                                                         : "server is full; try again later");
      return;
    }
    c->Send(json::serialize(json::object{{"type", "hello"}, {"user_id", IdString(user_id_)}}));
  }

  void OnMessage(std::string_view text) override {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    auto c = connection_.lock();
    if (!c) return;
    if (ec || !v.is_object()) {
      c->Send(R"({"type":"error","error":{"code":"invalid_json","message":"Send JSON objects"}})");
      return;
    }
    const auto* type = v.as_object().if_contains("type");
    if (type && type->is_string() && type->as_string() == "ping") {
      c->Send(R"({"type":"pong"})");
    }
  }

  void OnClose() override { hub_.Remove(user_id_, raw_); }

 private:
  LiveHub& hub_;
  store::Id user_id_;
  std::string session_hash_;
  base::TimeMs expires_at_;
  std::weak_ptr<net::WsConnection> connection_;
  const net::WsConnection* raw_ = nullptr;
};

}  // namespace

LiveHub::LiveHub(base::Metrics& metrics, LiveHubOptions options) : metrics_(metrics), options_(options) {
  metrics_.Describe("vitrina_websocket_connections", "gauge", "Open WebSocket connections.");
  metrics_.Describe("vitrina_websocket_closed_total", "counter",
                    "WebSockets the server closed, by reason (session_ended, user_cap, server_cap).");
  metrics_.Set("vitrina_websocket_connections", {}, 0);
}

std::unique_ptr<net::WsHandler> LiveHub::MakeHandler(store::Id user_id, std::string session_hash,
                                                     base::TimeMs expires_at) {
  return std::make_unique<UserSocket>(*this, user_id, std::move(session_hash), expires_at);
}

bool LiveHub::Add(store::Id user_id, const std::string& session_hash, base::TimeMs expires_at,
                  std::weak_ptr<net::WsConnection> connection, std::uint16_t* refusal) {
  std::lock_guard lock(mu_);
  auto& list = connections_[user_id];
  const auto before = list.size();
  std::erase_if(list, [](const Entry& e) { return e.connection.expired(); });
  count_ -= std::min(count_, before - list.size());
  if (list.size() >= options_.max_per_user || count_ >= options_.max_total) {
    *refusal = list.size() >= options_.max_per_user ? kWsTooManyForUser : kWsServerFull;
    metrics_.Add("vitrina_websocket_closed_total",
                 {{"reason", *refusal == kWsTooManyForUser ? "user_cap" : "server_cap"}});
    if (list.empty()) connections_.erase(user_id);
    return false;
  }
  list.push_back(Entry{session_hash, expires_at, std::move(connection)});
  ++count_;
  metrics_.Set("vitrina_websocket_connections", {}, static_cast<double>(count_));
  return true;
}

std::size_t LiveHub::CloseSessionsWhere(const std::function<bool(const std::string&, base::TimeMs)>& ended) {
  std::vector<std::shared_ptr<net::WsConnection>> to_close;
  {
    std::lock_guard lock(mu_);
    for (const auto& [user, entries] : connections_) {
      for (const auto& e : entries) {
        if (!ended(e.session_hash, e.expires_at)) continue;
        if (auto c = e.connection.lock()) to_close.push_back(std::move(c));
      }
    }
  }
  for (auto& c : to_close) c->CloseWith(kWsSessionEnded, "session ended; sign in again");
  if (!to_close.empty()) {
    metrics_.Add("vitrina_websocket_closed_total", {{"reason", "session_ended"}},
                 static_cast<double>(to_close.size()));
  }
  return to_close.size();
}

std::size_t LiveHub::CloseExpired(base::TimeMs now) {
  return CloseSessionsWhere([now](const std::string&, base::TimeMs expires_at) { return expires_at <= now; });
}

std::size_t LiveHub::Revalidate(const std::function<bool(const std::string&)>& still_valid) {
  std::vector<std::string> sessions;
  {
    std::lock_guard lock(mu_);
    for (const auto& [user, entries] : connections_) {
      for (const auto& e : entries) sessions.push_back(e.session_hash);
    }
  }
  std::sort(sessions.begin(), sessions.end());
  sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
  std::vector<std::string> gone;
  for (const auto& s : sessions) {
    if (!still_valid(s)) gone.push_back(s);  // the store is read outside the lock
  }
  if (gone.empty()) return 0;
  return CloseSessionsWhere([&gone](const std::string& hash, base::TimeMs) {
    return std::binary_search(gone.begin(), gone.end(), hash);
  });
}

void LiveHub::Remove(store::Id user_id, const net::WsConnection* connection) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(user_id);
  if (it == connections_.end()) return;
  const auto before = it->second.size();
  std::erase_if(it->second, [&](const Entry& e) {
    auto c = e.connection.lock();
    return !c || c.get() == connection;
  });
  if (it->second.size() < before && count_ > 0) --count_;
  if (it->second.empty()) connections_.erase(it);
  metrics_.Set("vitrina_websocket_connections", {}, static_cast<double>(count_));
}

std::size_t LiveHub::ConnectionCount() const {
  std::lock_guard lock(mu_);
  return count_;
}

std::vector<std::shared_ptr<net::WsConnection>> LiveHub::Live(
    std::optional<store::Id> user_id, const std::string* session_hash) const {
  std::vector<std::shared_ptr<net::WsConnection>> out;
  auto collect = [&](const std::vector<Entry>& entries) {
    for (const auto& e : entries) {
      if (session_hash && e.session_hash != *session_hash) continue;
      if (auto c = e.connection.lock()) out.push_back(std::move(c));
    }
  };
  std::lock_guard lock(mu_);
  if (user_id) {
    if (auto it = connections_.find(*user_id); it != connections_.end()) collect(it->second);
  } else {
    for (const auto& [user, entries] : connections_) collect(entries);
  }
  return out;
}

void LiveHub::SetRelay(store::EventBus* bus) {
  relay_ = bus;
  metrics_.Describe("vitrina_live_relay_total", "counter",
                    "Live events through the database's event bus, by result (several server processes).");
}

bool LiveHub::Relay(const json::object& envelope) {
  if (!relay_) return false;
  if (auto sent = relay_->Publish(json::serialize(envelope)); !sent) {
    metrics_.Add("vitrina_live_relay_total", {{"result", "failed"}}, 1);
    return false;  // this process's sockets still get it
  }
  metrics_.Add("vitrina_live_relay_total", {{"result", "published"}}, 1);
  return true;
}

void LiveHub::Deliver(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return;
  const auto& e = v.as_object();
  auto str = [&](const char* key) -> std::string {
    const auto* f = e.if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  auto id = [&](const char* key) -> std::optional<store::Id> {
    const auto* f = e.if_contains(key);
    if (f && f->is_int64()) return f->as_int64();
    return std::nullopt;
  };
  const std::string op = str("op");
  metrics_.Add("vitrina_live_relay_total", {{"result", "delivered"}}, 1);
  if (op == "send") {
    if (auto user = id("user")) SendLocal(*user, str("text"));
  } else if (op == "close_session") {
    CloseSessionLocal(str("session"));
  } else if (op == "close_user") {
    if (auto user = id("user")) CloseUserLocal(*user);
  }
}

void LiveHub::SendToUser(store::Id user_id, const std::string& text) {
  if (!Relay({{"op", "send"}, {"user", user_id}, {"text", text}})) SendLocal(user_id, text);
}

void LiveHub::CloseSession(const std::string& session_hash) {
  if (!Relay({{"op", "close_session"}, {"session", session_hash}})) CloseSessionLocal(session_hash);
}

void LiveHub::CloseUser(store::Id user_id) {
  if (!Relay({{"op", "close_user"}, {"user", user_id}})) CloseUserLocal(user_id);
}

void LiveHub::SendLocal(store::Id user_id, const std::string& text) {
  for (auto& c : Live(user_id, nullptr)) c->Send(text);
}

void LiveHub::CloseSessionLocal(const std::string& session_hash) {
  for (auto& c : Live(std::nullopt, &session_hash)) c->Close();
}

void LiveHub::CloseUserLocal(store::Id user_id) {
  for (auto& c : Live(user_id, nullptr)) c->Close();
}

void LiveHub::OnConversation(const store::Conversation& conversation) {
  auto body = ConversationJson(conversation);
  body["unread_count"] = 0;
  const std::string text =
      json::serialize(json::object{{"type", "conversation"}, {"conversation", std::move(body)}});
  SendToUser(conversation.buyer_id, text);
  SendToUser(conversation.seller_id, text);
}

void LiveHub::OnMessage(const store::Conversation& conversation, const store::Message& message) {
  const std::string text = json::serialize(json::object{
      {"type", "message"},
      {"conversation_id", IdString(conversation.id)},
      {"message", MessageJson(message)}});
  SendToUser(conversation.buyer_id, text);
  SendToUser(conversation.seller_id, text);
}

void LiveHub::OnCall(const store::Call& call) {
  const std::string text = json::serialize(json::object{{"type", "call"}, {"call", CallJson(call)}});
  SendToUser(call.buyer_id, text);
  SendToUser(call.seller_id, text);
}

}  // namespace vitrina::api
