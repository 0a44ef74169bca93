#include "store/postgres/core.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<User> PgUsers::Insert(const NewUser& /*user*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::Insert")); }
Result<std::optional<User>> PgUsers::FindById(Id /*id*/) { return tl::unexpected(NotPorted("PgUsers::FindById")); }
Result<std::optional<User>> PgUsers::FindByEmail(const std::string& /*email*/) { return tl::unexpected(NotPorted("PgUsers::FindByEmail")); }
Result<void> PgUsers::SetRoles(Id /*id*/, const std::vector<std::string>& /*roles*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::SetRoles")); }
Result<void> PgUsers::SetSkills(Id /*id*/, const std::vector<std::string>& /*skills*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::SetSkills")); }
Result<void> PgUsers::UpdateProfile(Id /*id*/, const std::string& /*display_name*/, const std::string& /*timezone*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::UpdateProfile")); }
Result<void> PgUsers::SetStatus(Id /*id*/, const std::string& /*status*/, std::optional<TimeMs> /*blocked_until*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::SetStatus")); }
Result<void> PgUsers::SetPasswordHash(Id /*id*/, const std::string& /*hash*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgUsers::SetPasswordHash")); }
Result<std::vector<User>> PgUsers::List(std::optional<Id> /*before_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgUsers::List")); }

Result<void> PgSessions::Insert(const Session& /*session*/) { return tl::unexpected(NotPorted("PgSessions::Insert")); }
Result<std::optional<Session>> PgSessions::Find(const std::string& /*token_hash*/) { return tl::unexpected(NotPorted("PgSessions::Find")); }
Result<void> PgSessions::Delete(const std::string& /*token_hash*/) { return tl::unexpected(NotPorted("PgSessions::Delete")); }
Result<void> PgSessions::DeleteForUser(Id /*user_id*/) { return tl::unexpected(NotPorted("PgSessions::DeleteForUser")); }
Result<int> PgSessions::DeleteExpired(TimeMs /*now*/) { return tl::unexpected(NotPorted("PgSessions::DeleteExpired")); }

Result<Listing> PgListings::Insert(const Listing& /*listing*/) { return tl::unexpected(NotPorted("PgListings::Insert")); }
Result<void> PgListings::Update(const Listing& /*listing*/) { return tl::unexpected(NotPorted("PgListings::Update")); }
Result<std::optional<Listing>> PgListings::FindById(Id /*id*/) { return tl::unexpected(NotPorted("PgListings::FindById")); }
Result<std::vector<Listing>> PgListings::List(const ListingFilter& /*filter*/) { return tl::unexpected(NotPorted("PgListings::List")); }

Result<std::pair<Conversation, bool>> PgChat::FindOrCreateConversation(Id /*listing_id*/, Id /*buyer_id*/, Id /*seller_id*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgChat::FindOrCreateConversation")); }
Result<std::optional<Conversation>> PgChat::FindByListingAndBuyer(Id /*listing_id*/, Id /*buyer_id*/) { return tl::unexpected(NotPorted("PgChat::FindByListingAndBuyer")); }
Result<std::optional<Conversation>> PgChat::FindConversation(Id /*id*/, Id /*viewer_id*/) { return tl::unexpected(NotPorted("PgChat::FindConversation")); }
Result<std::vector<Conversation>> PgChat::ListConversations(Id /*user_id*/, std::optional<TimeCursor> /*after*/, int /*limit*/) { return tl::unexpected(NotPorted("PgChat::ListConversations")); }
Result<Message> PgChat::InsertMessage(Id /*conversation_id*/, Id /*sender_id*/, const std::string& /*text*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgChat::InsertMessage")); }
Result<std::vector<Message>> PgChat::ListMessages(Id /*conversation_id*/, std::optional<Id> /*before_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgChat::ListMessages")); }
Result<void> PgChat::MarkRead(Id /*conversation_id*/, Id /*user_id*/) { return tl::unexpected(NotPorted("PgChat::MarkRead")); }
Result<std::int64_t> PgChat::UnreadTotal(Id /*user_id*/) { return tl::unexpected(NotPorted("PgChat::UnreadTotal")); }

}  // namespace vitrina::store::postgres
