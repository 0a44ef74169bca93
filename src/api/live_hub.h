#pragma once
// Live delivery: the WebSocket connections of each signed-in user, and the chat events
// rendered and pushed to them. Thread-safe (one mutex over the connection map; sends are
// posted to each connection's own strand by net).

#include <cstdint>
#include <functional>
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
#include "store/events.h"

#include <boost/json/object.hpp>

namespace vitrina::api {

// WebSocket close codes the pages act on (docs/api: "Live events").
inline constexpr std::uint16_t kWsSessionEnded = 4001;      // expired, signed out or revoked
inline constexpr std::uint16_t kWsTooManyForUser = 4029;    // the user's cap is reached
inline constexpr std::uint16_t kWsServerFull = 4503;        // the server's cap is reached

struct LiveHubOptions {
  std::size_t max_per_user = 8;       // sockets one user may hold (tabs, devices)
  std::size_t max_total = 20'000;     // sockets this process holds
};

class LiveHub final : public chat::ChatListener, public calls::CallListener {
 public:
  explicit LiveHub(base::Metrics& metrics, LiveHubOptions options = {});

  // Registers an open socket of a session that ends at `expires_at`. False when a cap is
  // reached: the caller closes it with `*refusal` (kWsTooManyForUser or kWsServerFull).
  bool Add(store::Id user_id, const std::string& session_hash, base::TimeMs expires_at,
           std::weak_ptr<net::WsConnection> connection, std::uint16_t* refusal);
  void Remove(store::Id user_id, const net::WsConnection* connection);

  // Several server processes (PostgreSQL): every send and close goes through `bus`, whose
  // subscription (Deliver) carries it to the sockets of every process, this one included.
  // Without a relay (SQLite: one process) they go straight to this process's sockets. Set
  // before the first socket opens; `bus` outlives the hub's use of it.
  void SetRelay(store::EventBus* bus);
  // One event from the relay (a JSON envelope SendToUser/CloseSession/CloseUser published).
  void Deliver(const std::string& envelope);

  void SendToUser(store::Id user_id, const std::string& text);
  std::size_t ConnectionCount() const;
  // Closes the sockets opened with a session (logout) or by a user (block, role change).
  void CloseSession(const std::string& session_hash);
  void CloseUser(store::Id user_id);
  // Closes (kWsSessionEnded) every socket whose session has expired by `now`; how many.
  std::size_t CloseExpired(base::TimeMs now);
  // Closes (kWsSessionEnded) every socket whose session `still_valid` says is gone (revoked,
  // deleted, its user blocked); called periodically, outside the lock.
  std::size_t Revalidate(const std::function<bool(const std::string& session_hash)>& still_valid);

  void OnConversation(const store::Conversation& conversation) override;
  void OnMessage(const store::Conversation& conversation, const store::Message& message) override;
  void OnCall(const store::Call& call) override;

  // Creates the per-connection handler for a signed-in user.
  std::unique_ptr<net::WsHandler> MakeHandler(store::Id user_id, std::string session_hash,
                                              base::TimeMs expires_at);

 private:
  // Open connections of one user (or all) and/or one session, taken under the lock and
  // used outside it.
  std::vector<std::shared_ptr<net::WsConnection>> Live(std::optional<store::Id> user_id,
                                                       const std::string* session_hash) const;

  // Closes the sockets of the sessions `ended` picks (under the lock), outside the lock.
  std::size_t CloseSessionsWhere(const std::function<bool(const std::string&, base::TimeMs)>& ended);

  // Publishes `envelope` on the relay; false (and counted) when there is none or it failed, so
  // the caller delivers in process.
  bool Relay(const boost::json::object& envelope);
  void SendLocal(store::Id user_id, const std::string& text);
  void CloseSessionLocal(const std::string& session_hash);
  void CloseUserLocal(store::Id user_id);

  base::Metrics& metrics_;
  const LiveHubOptions options_;
  store::EventBus* relay_ = nullptr;
  mutable std::mutex mu_;
  struct Entry {
    std::string session_hash;
    base::TimeMs expires_at = 0;
    std::weak_ptr<net::WsConnection> connection;
  };
  std::unordered_map<store::Id, std::vector<Entry>> connections_;
  std::size_t count_ = 0;
};

}  // namespace vitrina::api
