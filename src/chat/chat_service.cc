#include "chat/chat_service.h"

#include <algorithm>

#include "accounts/roles.h"

namespace vitrina::chat {

namespace {

constexpr std::size_t kMaxMessageCodePoints = 4000;

bool IsParticipant(const store::Conversation& c, store::Id user_id) {
  return c.buyer_id == user_id || c.seller_id == user_id;
}

Result<store::Conversation> LoadAs(store::Tx& tx, store::Id id, store::Id user_id) {
  auto conv = TRY(tx.chat().FindConversation(id, user_id));
  if (!conv || !IsParticipant(*conv, user_id)) {
    return base::NotFound("conversation_not_found", "No such conversation");
  }
  return *conv;
}

}  // namespace

Result<std::pair<store::Conversation, bool>> ChatService::Open(const store::User& buyer,
                                                               store::Id listing_id) {
  const auto now = clock_.NowMs();
  auto opened = TRY(store_.Write([&](store::Tx& tx) -> Result<std::pair<store::Conversation, bool>> {
    auto listing = TRY(tx.listings().FindById(listing_id));
    if (!listing) return base::NotFound("listing_not_found", "No such listing");
    if (listing->seller_id == buyer.id) {
      return base::Conflict("own_listing", "You cannot start a conversation on your own listing");
    }
    if (accounts::IsBlocked(listing->seller_status, listing->seller_blocked_until, now)) {
      return base::NotFound("listing_not_found", "No such listing");
    }
    if (listing->status != "active") {
      // An existing conversation stays reachable; a new one needs an active listing.
      auto existing = TRY(tx.chat().FindByListingAndBuyer(listing_id, buyer.id));
      if (existing) return std::make_pair(std::move(*existing), false);
      return base::Conflict("listing_archived", "This listing is no longer active");
    }
    return tx.chat().FindOrCreateConversation(listing_id, buyer.id, listing->seller_id, now);
  }));
  if (opened.second && listener_) listener_->OnConversation(opened.first);
  return opened;
}

Result<store::Conversation> ChatService::Get(const store::User& user, store::Id id) {
  return store_.Read([&](store::Tx& tx) { return LoadAs(tx, id, user.id); });
}

Result<std::vector<store::Conversation>> ChatService::List(const store::User& user,
                                                           std::optional<store::TimeCursor> after,
                                                           int limit) {
  return store_.Read([&](store::Tx& tx) {
    return tx.chat().ListConversations(user.id, after, std::clamp(limit, 1, kMaxConversationRows));
  });
}

Result<store::Message> ChatService::Post(const store::User& sender, store::Id conversation_id,
                                         const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto code_points = std::count_if(text.begin(), text.end(),
                                         [](unsigned char c) { return (c & 0xC0) != 0x80; });
  if (first == std::string::npos ||
      static_cast<std::size_t>(code_points) > kMaxMessageCodePoints) {
    return base::InvalidArgument("invalid_text", "Message must be 1 to 4000 characters");
  }
  const auto now = clock_.NowMs();
  store::Conversation conv;
  auto message = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Message> {
    conv = TRY(LoadAs(tx, conversation_id, sender.id));
    return tx.chat().InsertMessage(conversation_id, sender.id, text, now);
  }));
  conv.last_message = message;
  conv.updated_at = now;
  if (listener_) listener_->OnMessage(conv, message);
  return message;
}

Result<std::vector<store::Message>> ChatService::Messages(const store::User& user,
                                                          store::Id conversation_id,
                                                          std::optional<store::Id> before_id,
                                                          int limit) {
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<store::Message>> {
    TRY(LoadAs(tx, conversation_id, user.id));
    return tx.chat().ListMessages(conversation_id, before_id, std::clamp(limit, 1, kMaxMessageRows));
  });
}

Result<void> ChatService::MarkRead(const store::User& user, store::Id conversation_id) {
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    TRY(LoadAs(tx, conversation_id, user.id));
    return tx.chat().MarkRead(conversation_id, user.id);
  });
}

Result<std::int64_t> ChatService::UnreadTotal(const store::User& user) {
  return store_.Read([&](store::Tx& tx) { return tx.chat().UnreadTotal(user.id); });
}

}  // namespace vitrina::chat
