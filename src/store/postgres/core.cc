#include "store/postgres/core.h"

#include <boost/algorithm/string/split.hpp>

#include <algorithm>

namespace vitrina::store::postgres {
namespace {

// SQLite's LIMIT takes a negative count as "no limit"; PostgreSQL's takes NULL.
void BindLimit(Stmt& stmt, int i, int limit) {
  if (limit < 0) {
    stmt.BindNull(i);
  } else {
    stmt.Bind(i, limit);
  }
}

// Roles and skills in SQLite's order (its primary key's, byte order: COLLATE "C").
constexpr const char* kUserColumns =
    "u.id, u.email, u.display_name, u.password_hash, u.status, u.blocked_until, u.timezone, "
    "u.created_at, u.updated_at, "
    "(SELECT string_agg(role, ',' ORDER BY role COLLATE \"C\") FROM user_roles r WHERE r.user_id = u.id),"
    "(SELECT string_agg(skill, ',' ORDER BY skill COLLATE \"C\") FROM moderator_skills k"
    " WHERE k.user_id = u.id),"
    "u.verified";

User ReadUser(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.email = s.Text(1);
  u.display_name = s.Text(2);
  u.password_hash = s.Text(3);
  u.status = s.Text(4);
  u.blocked_until = s.OptInt(5);
  u.timezone = s.Text(6);
  u.created_at = s.Int(7);
  u.updated_at = s.Int(8);
  std::string roles = s.Text(9);
  if (!roles.empty()) boost::algorithm::split(u.roles, roles, [](char c) { return c == ','; });
  std::string skills = s.Text(10);
  if (!skills.empty()) boost::algorithm::split(u.skills, skills, [](char c) { return c == ','; });
  u.verified = s.Int(11) != 0;
  return u;
}

}  // namespace

// --- users ---

Result<User> PgUsers::Insert(const NewUser& user, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO users (email, display_name, password_hash, timezone, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"));
  stmt.Bind(1, user.email).Bind(2, user.display_name).Bind(3, user.password_hash)
      .Bind(4, user.timezone).Bind(5, now).Bind(6, now);
  auto stepped = stmt.Step();
  if (!stepped) {
    if (stepped.error().kind == base::ErrorKind::kConflict) {
      return base::Conflict("email_taken", "An account with this email already exists");
    }
    return tl::unexpected(stepped.error());
  }
  if (!*stepped) return base::Internal("INSERT ... RETURNING gave no row");
  const Id id = stmt.Int(0);
  TRY(SetRoles(id, user.roles, now));
  auto found = TRY(FindById(id));
  if (!found) return base::Internal("user vanished after insert");
  return *found;
}

Result<std::optional<User>> PgUsers::FindById(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<User>();
  return std::optional<User>(ReadUser(stmt));
}

Result<std::optional<User>> PgUsers::FindByEmail(const std::string& email) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.email = $1"));
  stmt.Bind(1, email);
  if (!TRY(stmt.Step())) return std::optional<User>();
  return std::optional<User>(ReadUser(stmt));
}

Result<void> PgUsers::SetRoles(Id id, const std::vector<std::string>& roles, TimeMs now) {
  auto del = TRY(c_.Prepare("DELETE FROM user_roles WHERE user_id = $1"));
  TRY(del.Bind(1, id).Exec());
  for (const auto& role : roles) {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
    TRY(ins.Bind(1, id).Bind(2, role).Exec());
  }
  auto upd = TRY(c_.Prepare("UPDATE users SET updated_at = $1 WHERE id = $2"));
  return upd.Bind(1, now).Bind(2, id).Exec();
}

Result<void> PgUsers::SetSkills(Id id, const std::vector<std::string>& skills, TimeMs now) {
  auto del = TRY(c_.Prepare("DELETE FROM moderator_skills WHERE user_id = $1"));
  TRY(del.Bind(1, id).Exec());
  for (const auto& skill : skills) {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO moderator_skills (user_id, skill) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
    TRY(ins.Bind(1, id).Bind(2, skill).Exec());
  }
  auto upd = TRY(c_.Prepare("UPDATE users SET updated_at = $1 WHERE id = $2"));
  return upd.Bind(1, now).Bind(2, id).Exec();
}

Result<void> PgUsers::UpdateProfile(Id id, const std::string& display_name, const std::string& timezone,
                                    TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE users SET display_name = $1, timezone = $2, updated_at = $3 WHERE id = $4"));
  return stmt.Bind(1, display_name).Bind(2, timezone).Bind(3, now).Bind(4, id).Exec();
}

Result<void> PgUsers::SetStatus(Id id, const std::string& status, std::optional<TimeMs> blocked_until,
                                TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE users SET status = $1, blocked_until = $2, updated_at = $3 WHERE id = $4"));
  return stmt.Bind(1, status).Bind(2, blocked_until).Bind(3, now).Bind(4, id).Exec();
}

Result<void> PgUsers::SetPasswordHash(Id id, const std::string& hash, TimeMs now) {
  auto stmt = TRY(c_.Prepare("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3"));
  return stmt.Bind(1, hash).Bind(2, now).Bind(3, id).Exec();
}

Result<std::vector<User>> PgUsers::List(std::optional<Id> before_id, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kUserColumns +
                             " FROM users u WHERE ($1::bigint IS NULL OR u.id < $1)"
                             " ORDER BY u.id DESC LIMIT $2"));
  stmt.Bind(1, before_id);
  BindLimit(stmt, 2, limit);
  std::vector<User> out;
  while (TRY(stmt.Step())) out.push_back(ReadUser(stmt));
  return out;
}

// --- sessions ---

Result<void> PgSessions::Insert(const Session& s) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5)"));
  return stmt.Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, s.csrf_token)
      .Bind(4, s.created_at).Bind(5, s.expires_at).Exec();
}

Result<std::optional<Session>> PgSessions::Find(const std::string& token_hash) {
  auto stmt = TRY(c_.Prepare(
      "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions"
      " WHERE token_hash = $1"));
  stmt.Bind(1, token_hash);
  if (!TRY(stmt.Step())) return std::optional<Session>();
  Session s;
  s.token_hash = stmt.Text(0);
  s.user_id = stmt.Int(1);
  s.csrf_token = stmt.Text(2);
  s.created_at = stmt.Int(3);
  s.expires_at = stmt.Int(4);
  return std::optional<Session>(std::move(s));
}

Result<void> PgSessions::Delete(const std::string& token_hash) {
  auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE token_hash = $1"));
  return stmt.Bind(1, token_hash).Exec();
}

Result<void> PgSessions::DeleteForUser(Id user_id) {
  auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE user_id = $1"));
  return stmt.Bind(1, user_id).Exec();
}

Result<int> PgSessions::DeleteExpired(TimeMs now) {
  auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE expires_at <= $1"));
  TRY(stmt.Bind(1, now).Exec());
  return static_cast<int>(stmt.Affected());
}

// --- listings ---

namespace {

constexpr const char* kListingColumns =
    "l.id, l.seller_id, u.display_name, l.title, l.description, l.price, l.currency, l.vertical,"
    " l.status, l.video_call_ready, l.call_hours, l.created_at, l.updated_at,"
    " u.status, u.blocked_until,"
    " (SELECT coalesce(avg(stars)::double precision, 0) FROM call_ratings r WHERE r.seller_id = l.seller_id),"
    " (SELECT count(*) FROM call_ratings r WHERE r.seller_id = l.seller_id),"
    " u.reliable_seller";

Listing ReadListing(const Stmt& s) {
  Listing l;
  l.id = s.Int(0);
  l.seller_id = s.Int(1);
  l.seller_name = s.Text(2);
  l.title = s.Text(3);
  l.description = s.Text(4);
  l.price = s.Int(5);
  l.currency = s.Text(6);
  l.vertical = s.Text(7);
  l.status = s.Text(8);
  l.video_call_ready = s.Int(9) != 0;
  l.call_hours_json = s.Text(10);
  l.created_at = s.Int(11);
  l.updated_at = s.Int(12);
  l.seller_status = s.Text(13);
  l.seller_blocked_until = s.OptInt(14);
  l.seller_rating = s.Double(15);
  l.seller_ratings = s.Int(16);
  l.seller_reliable = s.Int(17) != 0;
  return l;
}

// A LIKE pattern for `text` anywhere, ASCII letters folded to lower case: with the column
// folded the same way (AsciiLower below) this is SQLite's default LIKE, case-insensitive for
// ASCII letters only (other characters, Cyrillic included, match exactly as there).
std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out += '%';
  return out;
}

std::string AsciiLower(const std::string& column) {
  return "translate(" + column + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
}

}  // namespace

Result<Listing> PgListings::Insert(const Listing& l) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO listings (seller_id, title, description, price, currency, vertical, status,"
      " video_call_ready, call_hours, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"));
  stmt.Bind(1, l.seller_id).Bind(2, l.title).Bind(3, l.description).Bind(4, l.price)
      .Bind(5, l.currency).Bind(6, l.vertical).Bind(7, l.status).Bind(8, l.video_call_ready)
      .Bind(9, l.call_hours_json).Bind(10, l.created_at).Bind(11, l.updated_at);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING gave no row");
  auto found = TRY(FindById(stmt.Int(0)));
  if (!found) return base::Internal("listing vanished after insert");
  return *found;
}

Result<void> PgListings::Update(const Listing& l) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE listings SET title = $1, description = $2, price = $3, currency = $4, vertical = $5,"
      " status = $6, video_call_ready = $7, call_hours = $8, updated_at = $9 WHERE id = $10"));
  stmt.Bind(1, l.title).Bind(2, l.description).Bind(3, l.price).Bind(4, l.currency)
      .Bind(5, l.vertical).Bind(6, l.status).Bind(7, l.video_call_ready)
      .Bind(8, l.call_hours_json).Bind(9, l.updated_at).Bind(10, l.id);
  return stmt.Exec();
}

Result<std::optional<Listing>> PgListings::FindById(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kListingColumns +
                             " FROM listings l JOIN users u ON u.id = l.seller_id WHERE l.id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Listing>();
  return std::optional<Listing>(ReadListing(stmt));
}

Result<std::vector<Listing>> PgListings::List(const ListingFilter& f) {
  // Built from a fixed set of clauses, so the statement cache stays small; all values are
  // bound parameters.
  int n = 0;
  auto param = [&n] { return "$" + std::to_string(++n); };
  std::string sql = std::string("SELECT ") + kListingColumns +
                    " FROM listings l JOIN users u ON u.id = l.seller_id WHERE true";
  const std::vector<std::string>& statuses = f.statuses;
  if (statuses.empty()) {
    sql += " AND false";  // SQLite's `IN ()`
  } else {
    sql += " AND l.status IN (";
    for (std::size_t i = 0; i < statuses.size(); ++i) sql += (i ? ", " : "") + param();
    sql += ")";
  }
  if (f.video_call_ready) sql += " AND l.video_call_ready = " + param();
  if (f.vertical) sql += " AND l.vertical = " + param();
  if (f.seller_id) sql += " AND l.seller_id = " + param();
  if (f.text) {
    const std::string p = param();
    sql += " AND (" + AsciiLower("l.title") + " LIKE " + p + " ESCAPE '\\' OR " +
           AsciiLower("l.description") + " LIKE " + p + " ESCAPE '\\')";
  }
  if (f.only_active_sellers) sql += " AND u.status = 'active'";
  if (f.reliable_seller) sql += *f.reliable_seller ? " AND u.reliable_seller = 1" : " AND u.reliable_seller = 0";
  if (f.before_id) sql += " AND l.id < " + param();
  sql += " ORDER BY l.id DESC LIMIT " + param();
  auto stmt = TRY(c_.Prepare(sql));
  int i = 1;
  for (const auto& s : statuses) stmt.Bind(i++, s);
  if (f.video_call_ready) stmt.Bind(i++, *f.video_call_ready);
  if (f.vertical) stmt.Bind(i++, *f.vertical);
  if (f.seller_id) stmt.Bind(i++, *f.seller_id);
  if (f.text) stmt.Bind(i++, ContainsPattern(*f.text));
  if (f.before_id) stmt.Bind(i++, *f.before_id);
  BindLimit(stmt, i++, f.limit);
  std::vector<Listing> out;
  while (TRY(stmt.Step())) out.push_back(ReadListing(stmt));
  return out;
}

// --- chat ---

namespace {

constexpr const char* kConversationColumns =
    "c.id, c.listing_id, l.title, c.buyer_id, b.display_name, c.seller_id, s.display_name,"
    " c.created_at, c.updated_at,"
    " m.id, m.sender_id, m.text, m.created_at,"
    " CASE WHEN c.buyer_id = $1 THEN c.buyer_unread ELSE c.seller_unread END";
constexpr const char* kConversationJoins =
    " FROM conversations c JOIN listings l ON l.id = c.listing_id"
    " JOIN users b ON b.id = c.buyer_id JOIN users s ON s.id = c.seller_id"
    " LEFT JOIN messages m ON m.id = c.last_message_id";

Conversation ReadConversation(const Stmt& s) {
  Conversation c;
  c.id = s.Int(0);
  c.listing_id = s.Int(1);
  c.listing_title = s.Text(2);
  c.buyer_id = s.Int(3);
  c.buyer_name = s.Text(4);
  c.seller_id = s.Int(5);
  c.seller_name = s.Text(6);
  c.created_at = s.Int(7);
  c.updated_at = s.Int(8);
  if (!s.IsNull(9)) {
    c.last_message = Message{s.Int(9), c.id, s.Int(10), s.Text(11), s.Int(12)};
  }
  c.unread_count = s.Int(13);
  return c;
}

}  // namespace

Result<std::pair<Conversation, bool>> PgChat::FindOrCreateConversation(Id listing_id, Id buyer_id,
                                                                        Id seller_id, TimeMs now) {
  auto ins = TRY(c_.Prepare(
      "INSERT INTO conversations (listing_id, buyer_id, seller_id, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (listing_id, buyer_id) DO NOTHING"));
  TRY(ins.Bind(1, listing_id).Bind(2, buyer_id).Bind(3, seller_id).Bind(4, now).Bind(5, now).Exec());
  const bool created = ins.Affected() > 0;
  auto conv = TRY(FindByListingAndBuyer(listing_id, buyer_id));
  if (!conv) return base::Internal("conversation vanished after insert");
  return std::make_pair(std::move(*conv), created);
}

Result<std::optional<Conversation>> PgChat::FindByListingAndBuyer(Id listing_id, Id buyer_id) {
  auto find = TRY(c_.Prepare("SELECT id FROM conversations WHERE listing_id = $1 AND buyer_id = $2"));
  find.Bind(1, listing_id).Bind(2, buyer_id);
  if (!TRY(find.Step())) return std::optional<Conversation>();
  const Id id = find.Int(0);
  return FindConversation(id, buyer_id);
}

Result<std::optional<Conversation>> PgChat::FindConversation(Id id, Id viewer_id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kConversationColumns + kConversationJoins +
                             " WHERE c.id = $2"));
  stmt.Bind(1, viewer_id).Bind(2, id);
  if (!TRY(stmt.Step())) return std::optional<Conversation>();
  return std::optional<Conversation>(ReadConversation(stmt));
}

Result<std::vector<Conversation>> PgChat::ListConversations(Id user_id, std::optional<TimeCursor> after,
                                                            int limit) {
  // Two index range scans (as buyer, as seller) merged by the ORDER BY.
  auto stmt = TRY(c_.Prepare(
      std::string("SELECT ") + kConversationColumns + kConversationJoins +
      " WHERE c.id IN (SELECT id FROM conversations WHERE buyer_id = $1"
      "                UNION ALL SELECT id FROM conversations WHERE seller_id = $1)"
      " AND ($2::bigint IS NULL OR c.updated_at < $2 OR (c.updated_at = $2 AND c.id < $3::bigint))"
      " ORDER BY c.updated_at DESC, c.id DESC LIMIT $4"));
  stmt.Bind(1, user_id);
  if (after) {
    stmt.Bind(2, after->updated_at).Bind(3, after->id);
  } else {
    stmt.BindNull(2).BindNull(3);
  }
  BindLimit(stmt, 4, limit);
  std::vector<Conversation> out;
  while (TRY(stmt.Step())) out.push_back(ReadConversation(stmt));
  return out;
}

Result<Message> PgChat::InsertMessage(Id conversation_id, Id sender_id, const std::string& text, TimeMs now) {
  auto ins = TRY(c_.Prepare(
      "INSERT INTO messages (conversation_id, sender_id, text, created_at) VALUES ($1, $2, $3, $4)"
      " RETURNING id"));
  ins.Bind(1, conversation_id).Bind(2, sender_id).Bind(3, text).Bind(4, now);
  if (!TRY(ins.Step())) return base::Internal("INSERT ... RETURNING gave no row");
  Message m{ins.Int(0), conversation_id, sender_id, text, now};
  // The sender has read everything up to their own message.
  auto upd = TRY(c_.Prepare(
      "UPDATE conversations SET last_message_id = $1, updated_at = $2,"
      " buyer_last_read_id = CASE WHEN buyer_id = $3 THEN $1 ELSE buyer_last_read_id END,"
      " seller_last_read_id = CASE WHEN seller_id = $3 THEN $1 ELSE seller_last_read_id END,"
      " buyer_unread = CASE WHEN buyer_id = $3 THEN 0 ELSE buyer_unread + 1 END,"
      " seller_unread = CASE WHEN seller_id = $3 THEN 0 ELSE seller_unread + 1 END"
      " WHERE id = $4"));
  TRY(upd.Bind(1, m.id).Bind(2, now).Bind(3, sender_id).Bind(4, conversation_id).Exec());
  return m;
}

Result<std::vector<Message>> PgChat::ListMessages(Id conversation_id, std::optional<Id> before_id, int limit) {
  auto stmt = TRY(c_.Prepare(
      "SELECT id, conversation_id, sender_id, text, created_at FROM messages"
      " WHERE conversation_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"));
  stmt.Bind(1, conversation_id).Bind(2, before_id);
  BindLimit(stmt, 3, limit);
  std::vector<Message> out;
  while (TRY(stmt.Step())) {
    out.push_back(Message{stmt.Int(0), stmt.Int(1), stmt.Int(2), stmt.Text(3), stmt.Int(4)});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<void> PgChat::MarkRead(Id conversation_id, Id user_id) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE conversations SET"
      " buyer_last_read_id = CASE WHEN buyer_id = $2 THEN coalesce(last_message_id, 0)"
      "                      ELSE buyer_last_read_id END,"
      " seller_last_read_id = CASE WHEN seller_id = $2 THEN coalesce(last_message_id, 0)"
      "                       ELSE seller_last_read_id END,"
      " buyer_unread = CASE WHEN buyer_id = $2 THEN 0 ELSE buyer_unread END,"
      " seller_unread = CASE WHEN seller_id = $2 THEN 0 ELSE seller_unread END"
      " WHERE id = $1"));
  return stmt.Bind(1, conversation_id).Bind(2, user_id).Exec();
}

Result<std::int64_t> PgChat::UnreadTotal(Id user_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT ((SELECT coalesce(sum(buyer_unread), 0) FROM conversations WHERE buyer_id = $1)"
      "      + (SELECT coalesce(sum(seller_unread), 0) FROM conversations WHERE seller_id = $1))::bigint"));
  stmt.Bind(1, user_id);
  TRY(stmt.Step());
  return stmt.Int(0);
}

}  // namespace vitrina::store::postgres
