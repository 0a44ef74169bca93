#pragma once
// Live delivery: the WebSocket connections of each signed-in user, and the chat events
// rendered and pushed to them. Thread-safe (one mutex over the connection map; sends are
// posted to each connection's own strand by net).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/metrics.h"
#include "chat/chat_service.h"
#include "calls/call_service.h"
#include "net/http.h"

namespace vitrina::api {

class LiveHub final : public chat::ChatListener, public calls::CallListener {
 public:
  explicit LiveHub(base::Metrics& metrics);

  void Add(store::Id user_id, const std::string& session_hash,
           std::weak_ptr<net::WsConnection> connection);
  void Remove(store::Id user_id, const net::WsConnection* connection);
  void SendToUser(store::Id user_id, const std::string& text);
  std::size_t ConnectionCount() const;
  // Closes the sockets opened with a session (logout) or by a user (block, role change).
  void CloseSession(const std::string& session_hash);
  void CloseUser(store::Id user_id);

  void OnConversation(const store::Conversation& conversation) override;
  void OnMessage(const store::Conversation& conversation, const store::Message& message) override;
  void OnCall(const store::Call& call) override;

  // Creates the per-connection handler for a signed-in user.
  std::unique_ptr<net::WsHandler> MakeHandler(store::Id user_id, std::string session_hash);

 private:
  // Open connections of one user (or all) and/or one session, taken under the lock and
  // used outside it.
  std::vector<std::shared_ptr<net::WsConnection>> Live(std::optional<store::Id> user_id,
                                                       const std::string* session_hash) const;

  base::Metrics& metrics_;
  mutable std::mutex mu_;
  struct Entry {
    std::string session_hash;
    std::weak_ptr<net::WsConnection> connection;
  };
  std::unordered_map<store::Id, std::vector<Entry>> connections_;
  std::size_t count_ = 0;
};

}  // namespace vitrina::api
