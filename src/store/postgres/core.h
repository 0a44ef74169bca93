#pragma once
// PostgreSQL repositories for accounts, sessions, listings and chat: the SQLite backend's
// (store/sqlite/sqlite_store.cc) in PostgreSQL's dialect, with the same semantics.

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgUsers final : public UserRepository {
 public:
  explicit PgUsers(Connection& c) : c_(c) {}
  Result<User> Insert(const NewUser& user, TimeMs now) override;
  Result<std::optional<User>> FindById(Id id) override;
  Result<std::optional<User>> FindByEmail(const std::string& email) override;
  Result<void> SetRoles(Id id, const std::vector<std::string>& roles, TimeMs now) override;
  Result<void> SetSkills(Id id, const std::vector<std::string>& skills, TimeMs now) override;
  Result<void> UpdateProfile(Id id, const std::string& display_name, const std::string& timezone, TimeMs now) override;
  Result<void> SetStatus(Id id, const std::string& status, std::optional<TimeMs> blocked_until, TimeMs now) override;
  Result<void> SetPasswordHash(Id id, const std::string& hash, TimeMs now) override;
  Result<std::vector<User>> List(std::optional<Id> before_id, int limit) override;

 private:
  Connection& c_;
};

class PgSessions final : public SessionRepository {
 public:
  explicit PgSessions(Connection& c) : c_(c) {}
  Result<void> Insert(const Session& session) override;
  Result<std::optional<Session>> Find(const std::string& token_hash) override;
  Result<void> Delete(const std::string& token_hash) override;
  Result<void> DeleteForUser(Id user_id) override;
  Result<int> DeleteExpired(TimeMs now) override;

 private:
  Connection& c_;
};

class PgListings final : public ListingRepository {
 public:
  explicit PgListings(Connection& c) : c_(c) {}
  Result<Listing> Insert(const Listing& listing) override;
  Result<void> Update(const Listing& listing) override;
  Result<std::optional<Listing>> FindById(Id id) override;
  Result<std::vector<Listing>> List(const ListingFilter& filter) override;

 private:
  Connection& c_;
};

class PgChat final : public ChatRepository {
 public:
  explicit PgChat(Connection& c) : c_(c) {}
  Result<std::pair<Conversation, bool>> FindOrCreateConversation(Id listing_id, Id buyer_id, Id seller_id, TimeMs now) override;
  Result<std::optional<Conversation>> FindByListingAndBuyer(Id listing_id, Id buyer_id) override;
  Result<std::optional<Conversation>> FindConversation(Id id, Id viewer_id) override;
  Result<std::vector<Conversation>> ListConversations(Id user_id, std::optional<TimeCursor> after, int limit) override;
  Result<Message> InsertMessage(Id conversation_id, Id sender_id, const std::string& text, TimeMs now) override;
  Result<std::vector<Message>> ListMessages(Id conversation_id, std::optional<Id> before_id, int limit) override;
  Result<void> MarkRead(Id conversation_id, Id user_id) override;
  Result<std::int64_t> UnreadTotal(Id user_id) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
