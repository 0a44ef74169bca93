#pragma once
// Buyer–seller conversations on a listing: opening one, messages, history, read marks.
// After a change commits, the listener is told (the API pushes it over WebSockets).
// Thread-safe; no per-request state.

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace vitrina::chat {

using base::Result;

// Told about committed changes, on the thread that made them. Must not block for long.
class ChatListener {
 public:
  virtual ~ChatListener() = default;
  virtual void OnConversation(const store::Conversation& conversation) = 0;
  virtual void OnMessage(const store::Conversation& conversation, const store::Message& message) = 0;
};

class ChatService {
 public:
  ChatService(store::Store& store, const base::Clock& clock, ChatListener* listener)
      : store_(store), clock_(clock), listener_(listener) {}

  // The buyer's conversation on a listing, created if needed; .second = created.
  Result<std::pair<store::Conversation, bool>> Open(const store::User& buyer, store::Id listing_id);
  // 404 conversation_not_found unless `user` is its buyer or seller.
  Result<store::Conversation> Get(const store::User& user, store::Id id);
  // At most this many rows per call: a page of the API's largest size (100 conversations, 200
  // messages) plus the one more row that tells the route there is a next page.
  static constexpr int kMaxConversationRows = 101;
  static constexpr int kMaxMessageRows = 201;
  Result<std::vector<store::Conversation>> List(const store::User& user,
                                                std::optional<store::TimeCursor> after, int limit);
  Result<store::Message> Post(const store::User& sender, store::Id conversation_id,
                              const std::string& text);
  Result<std::vector<store::Message>> Messages(const store::User& user, store::Id conversation_id,
                                               std::optional<store::Id> before_id, int limit);
  Result<void> MarkRead(const store::User& user, store::Id conversation_id);
  Result<std::int64_t> UnreadTotal(const store::User& user);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  ChatListener* listener_;
};

}  // namespace vitrina::chat
