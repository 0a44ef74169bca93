#include "store/sqlite/sqlite_store.h"

#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/split.hpp>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "search/fts5_tokenizer.h"
#include "store/sqlite/analytics.h"
#include "store/sqlite/audit.h"
#include "store/sqlite/calls_jobs.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/moderation.h"
#include "store/sqlite/detection.h"
#include "store/sqlite/insights.h"
#include "store/sqlite/limits.h"
#include "store/sqlite/sellers.h"
#include "store/sqlite/transcripts.h"
#include "store/quality_sql.h"

namespace vitrina::store::sqlite {
namespace {

constexpr const char* kUserColumns =
    "u.id, u.email, u.display_name, u.password_hash, u.status, u.blocked_until, u.timezone, "
    "u.created_at, u.updated_at, "
    "(SELECT group_concat(role, ',') FROM user_roles r WHERE r.user_id = u.id),"
    "(SELECT group_concat(skill, ',') FROM moderator_skills k WHERE k.user_id = u.id),"
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

class SqliteUsers final : public UserRepository {
 public:
  explicit SqliteUsers(Connection& c) : c_(c) {}

  Result<User> Insert(const NewUser& user, TimeMs now) override {
    auto stmt = TRY(c_.Prepare(
        "INSERT INTO users (email, display_name, password_hash, timezone, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, user.email).Bind(2, user.display_name).Bind(3, user.password_hash)
        .Bind(4, user.timezone).Bind(5, now).Bind(6, now);
    if (auto r = stmt.Exec(); !r) {
      if (r.error().kind == base::ErrorKind::kConflict) {
        return base::Conflict("email_taken", "An account with this email already exists");
      }
      return tl::unexpected(r.error());
    }
    const Id id = c_.LastInsertId();
    TRY(SetRoles(id, user.roles, now));
    auto found = TRY(FindById(id));
    return *found;
  }

  Result<std::optional<User>> FindById(Id id) override {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.id = ?"));
    stmt.Bind(1, id);
    if (!TRY(stmt.Step())) return std::optional<User>();
    return std::optional<User>(ReadUser(stmt));
  }

  Result<std::optional<User>> FindByEmail(const std::string& email) override {
    auto stmt =
        TRY(c_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.email = ?"));
    stmt.Bind(1, email);
    if (!TRY(stmt.Step())) return std::optional<User>();
    return std::optional<User>(ReadUser(stmt));
  }

  Result<void> SetRoles(Id id, const std::vector<std::string>& roles, TimeMs now) override {
    auto del = TRY(c_.Prepare("DELETE FROM user_roles WHERE user_id = ?"));
    TRY(del.Bind(1, id).Exec());
    for (const auto& role : roles) {
      auto ins = TRY(c_.Prepare("INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?, ?)"));
      TRY(ins.Bind(1, id).Bind(2, role).Exec());
    }
    auto upd = TRY(c_.Prepare("UPDATE users SET updated_at = ? WHERE id = ?"));
    return upd.Bind(1, now).Bind(2, id).Exec();
  }

  Result<void> SetSkills(Id id, const std::vector<std::string>& skills, TimeMs now) override {
    auto del = TRY(c_.Prepare("DELETE FROM moderator_skills WHERE user_id = ?"));
    TRY(del.Bind(1, id).Exec());
    for (const auto& skill : skills) {
      auto ins = TRY(c_.Prepare("INSERT OR IGNORE INTO moderator_skills (user_id, skill) VALUES (?, ?)"));
      TRY(ins.Bind(1, id).Bind(2, skill).Exec());
    }
    auto upd = TRY(c_.Prepare("UPDATE users SET updated_at = ? WHERE id = ?"));
    return upd.Bind(1, now).Bind(2, id).Exec();
  }

  Result<void> UpdateProfile(Id id, const std::string& display_name, const std::string& timezone,
                             TimeMs now) override {
    auto stmt = TRY(c_.Prepare(
        "UPDATE users SET display_name = ?, timezone = ?, updated_at = ? WHERE id = ?"));
    return stmt.Bind(1, display_name).Bind(2, timezone).Bind(3, now).Bind(4, id).Exec();
  }

  Result<void> SetStatus(Id id, const std::string& status, std::optional<TimeMs> blocked_until,
                         TimeMs now) override {
    auto stmt = TRY(c_.Prepare(
        "UPDATE users SET status = ?, blocked_until = ?, updated_at = ? WHERE id = ?"));
    return stmt.Bind(1, status).Bind(2, blocked_until).Bind(3, now).Bind(4, id).Exec();
  }

  Result<void> SetPasswordHash(Id id, const std::string& hash, TimeMs now) override {
    auto stmt = TRY(c_.Prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"));
    return stmt.Bind(1, hash).Bind(2, now).Bind(3, id).Exec();
  }

  Result<std::vector<User>> List(std::optional<Id> before_id, int limit) override {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kUserColumns +
                               " FROM users u WHERE (?1 IS NULL OR u.id < ?1)"
                               " ORDER BY u.id DESC LIMIT ?2"));
    stmt.Bind(1, before_id).Bind(2, limit);
    std::vector<User> out;
    while (TRY(stmt.Step())) out.push_back(ReadUser(stmt));
    return out;
  }

 private:
  Connection& c_;
};

class SqliteSessions final : public SessionRepository {
 public:
  explicit SqliteSessions(Connection& c) : c_(c) {}

  Result<void> Insert(const Session& s) override {
    auto stmt = TRY(c_.Prepare(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)"));
    return stmt.Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, s.csrf_token)
        .Bind(4, s.created_at).Bind(5, s.expires_at).Exec();
  }

  Result<std::optional<Session>> Find(const std::string& token_hash) override {
    auto stmt = TRY(c_.Prepare(
        "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions"
        " WHERE token_hash = ?"));
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

  Result<void> Delete(const std::string& token_hash) override {
    auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    return stmt.Bind(1, token_hash).Exec();
  }

  Result<void> DeleteForUser(Id user_id) override {
    auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE user_id = ?"));
    return stmt.Bind(1, user_id).Exec();
  }

  Result<int> DeleteExpired(TimeMs now) override {
    auto stmt = TRY(c_.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    TRY(stmt.Bind(1, now).Exec());
    return c_.Changes();
  }

 private:
  Connection& c_;
};

constexpr const char* kListingColumns =
    "l.id, l.seller_id, u.display_name, l.title, l.description, l.price, l.currency, l.vertical,"
    " l.status, l.video_call_ready, l.call_hours, l.created_at, l.updated_at,"
    " u.status, u.blocked_until,"
    " (SELECT coalesce(avg(stars), 0) FROM call_ratings r WHERE r.seller_id = l.seller_id),"
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

std::string EscapeLike(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

class SqliteListings final : public ListingRepository {
 public:
  explicit SqliteListings(Connection& c) : c_(c) {}

  Result<Listing> Insert(const Listing& l) override {
    auto stmt = TRY(c_.Prepare(
        "INSERT INTO listings (seller_id, title, description, price, currency, vertical, status,"
        " video_call_ready, call_hours, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, l.seller_id).Bind(2, l.title).Bind(3, l.description).Bind(4, l.price)
        .Bind(5, l.currency).Bind(6, l.vertical).Bind(7, l.status).Bind(8, l.video_call_ready)
        .Bind(9, l.call_hours_json).Bind(10, l.created_at).Bind(11, l.updated_at);
    TRY(stmt.Exec());
    auto found = TRY(FindById(c_.LastInsertId()));
    return *found;
  }

  Result<void> Update(const Listing& l) override {
    auto stmt = TRY(c_.Prepare(
        "UPDATE listings SET title = ?, description = ?, price = ?, currency = ?, vertical = ?,"
        " status = ?, video_call_ready = ?, call_hours = ?, updated_at = ? WHERE id = ?"));
    stmt.Bind(1, l.title).Bind(2, l.description).Bind(3, l.price).Bind(4, l.currency)
        .Bind(5, l.vertical).Bind(6, l.status).Bind(7, l.video_call_ready)
        .Bind(8, l.call_hours_json).Bind(9, l.updated_at).Bind(10, l.id);
    return stmt.Exec();
  }

  Result<std::optional<Listing>> FindById(Id id) override {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kListingColumns +
                               " FROM listings l JOIN users u ON u.id = l.seller_id WHERE l.id = ?"));
    stmt.Bind(1, id);
    if (!TRY(stmt.Step())) return std::optional<Listing>();
    return std::optional<Listing>(ReadListing(stmt));
  }

  Result<std::vector<Listing>> List(const ListingFilter& f) override {
    // Built from a fixed set of clauses, so the statement cache stays small; all values
    // are bound parameters.
    std::string sql = std::string("SELECT ") + kListingColumns +
                      " FROM listings l JOIN users u ON u.id = l.seller_id WHERE 1";
    std::vector<std::string> statuses = f.statuses;
    sql += " AND l.status IN (";
    for (std::size_t i = 0; i < statuses.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
    if (f.video_call_ready) sql += " AND l.video_call_ready = ?";
    if (f.vertical) sql += " AND l.vertical = ?";
    if (f.seller_id) sql += " AND l.seller_id = ?";
    if (f.text) sql += " AND (l.title LIKE ? ESCAPE '\\' OR l.description LIKE ? ESCAPE '\\')";
    if (f.only_active_sellers) sql += " AND u.status = 'active'";
    if (f.reliable_seller) sql += *f.reliable_seller ? " AND u.reliable_seller = 1" : " AND u.reliable_seller = 0";
    if (f.before_id) sql += " AND l.id < ?";
    sql += " ORDER BY l.id DESC LIMIT ?";
    auto stmt = TRY(c_.Prepare(sql));
    int i = 1;
    for (const auto& s : statuses) stmt.Bind(i++, s);
    if (f.video_call_ready) stmt.Bind(i++, *f.video_call_ready);
    if (f.vertical) stmt.Bind(i++, *f.vertical);
    if (f.seller_id) stmt.Bind(i++, *f.seller_id);
    if (f.text) {
      const std::string pattern = "%" + EscapeLike(*f.text) + "%";
      stmt.Bind(i++, pattern);
      stmt.Bind(i++, pattern);
    }
    if (f.before_id) stmt.Bind(i++, *f.before_id);
    stmt.Bind(i++, f.limit);
    std::vector<Listing> out;
    while (TRY(stmt.Step())) out.push_back(ReadListing(stmt));
    return out;
  }

 private:
  Connection& c_;
};

constexpr const char* kConversationColumns =
    "c.id, c.listing_id, l.title, c.buyer_id, b.display_name, c.seller_id, s.display_name,"
    " c.created_at, c.updated_at,"
    " m.id, m.sender_id, m.text, m.created_at,"
    " CASE WHEN c.buyer_id = ?1 THEN c.buyer_unread ELSE c.seller_unread END";
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

class SqliteChat final : public ChatRepository {
 public:
  explicit SqliteChat(Connection& c) : c_(c) {}

  Result<std::pair<Conversation, bool>> FindOrCreateConversation(Id listing_id, Id buyer_id,
                                                                  Id seller_id, TimeMs now) override {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO conversations (listing_id, buyer_id, seller_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (listing_id, buyer_id) DO NOTHING"));
    TRY(ins.Bind(1, listing_id).Bind(2, buyer_id).Bind(3, seller_id).Bind(4, now).Bind(5, now)
            .Exec());
    const bool created = c_.Changes() > 0;
    auto conv = TRY(FindByListingAndBuyer(listing_id, buyer_id));
    if (!conv) return base::Internal("conversation vanished after insert");
    return std::make_pair(std::move(*conv), created);
  }

  Result<std::optional<Conversation>> FindByListingAndBuyer(Id listing_id, Id buyer_id) override {
    auto find = TRY(c_.Prepare("SELECT id FROM conversations WHERE listing_id = ? AND buyer_id = ?"));
    find.Bind(1, listing_id).Bind(2, buyer_id);
    if (!TRY(find.Step())) return std::optional<Conversation>();
    const Id id = find.Int(0);
    return FindConversation(id, buyer_id);
  }

  Result<std::optional<Conversation>> FindConversation(Id id, Id viewer_id) override {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kConversationColumns + kConversationJoins +
                               " WHERE c.id = ?2"));
    stmt.Bind(1, viewer_id).Bind(2, id);
    if (!TRY(stmt.Step())) return std::optional<Conversation>();
    return std::optional<Conversation>(ReadConversation(stmt));
  }

  Result<std::vector<Conversation>> ListConversations(Id user_id, std::optional<TimeCursor> after,
                                                      int limit) override {
    // Two index range scans (as buyer, as seller) merged by the ORDER BY.
    auto stmt = TRY(c_.Prepare(
        std::string("SELECT ") + kConversationColumns + kConversationJoins +
        " WHERE c.id IN (SELECT id FROM conversations WHERE buyer_id = ?1"
        "                UNION ALL SELECT id FROM conversations WHERE seller_id = ?1)"
        " AND (?2 IS NULL OR c.updated_at < ?2 OR (c.updated_at = ?2 AND c.id < ?3))"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT ?4"));
    stmt.Bind(1, user_id);
    if (after) {
      stmt.Bind(2, after->updated_at).Bind(3, after->id);
    } else {
      stmt.BindNull(2).BindNull(3);
    }
    stmt.Bind(4, limit);
    std::vector<Conversation> out;
    while (TRY(stmt.Step())) out.push_back(ReadConversation(stmt));
    return out;
  }

  Result<Message> InsertMessage(Id conversation_id, Id sender_id, const std::string& text,
                                TimeMs now) override {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO messages (conversation_id, sender_id, text, created_at) VALUES (?, ?, ?, ?)"));
    TRY(ins.Bind(1, conversation_id).Bind(2, sender_id).Bind(3, text).Bind(4, now).Exec());
    Message m{c_.LastInsertId(), conversation_id, sender_id, text, now};
    // The sender has read everything up to their own message.
    auto upd = TRY(c_.Prepare(
        "UPDATE conversations SET last_message_id = ?1, updated_at = ?2,"
        " buyer_last_read_id = CASE WHEN buyer_id = ?3 THEN ?1 ELSE buyer_last_read_id END,"
        " seller_last_read_id = CASE WHEN seller_id = ?3 THEN ?1 ELSE seller_last_read_id END,"
        " buyer_unread = CASE WHEN buyer_id = ?3 THEN 0 ELSE buyer_unread + 1 END,"
        " seller_unread = CASE WHEN seller_id = ?3 THEN 0 ELSE seller_unread + 1 END"
        " WHERE id = ?4"));
    TRY(upd.Bind(1, m.id).Bind(2, now).Bind(3, sender_id).Bind(4, conversation_id).Exec());
    return m;
  }

  Result<std::vector<Message>> ListMessages(Id conversation_id, std::optional<Id> before_id,
                                            int limit) override {
    auto stmt = TRY(c_.Prepare(
        "SELECT id, conversation_id, sender_id, text, created_at FROM messages"
        " WHERE conversation_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"));
    stmt.Bind(1, conversation_id).Bind(2, before_id).Bind(3, limit);
    std::vector<Message> out;
    while (TRY(stmt.Step())) {
      out.push_back(Message{stmt.Int(0), stmt.Int(1), stmt.Int(2), stmt.Text(3), stmt.Int(4)});
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  Result<void> MarkRead(Id conversation_id, Id user_id) override {
    auto stmt = TRY(c_.Prepare(
        "UPDATE conversations SET"
        " buyer_last_read_id = CASE WHEN buyer_id = ?2 THEN coalesce(last_message_id, 0)"
        "                      ELSE buyer_last_read_id END,"
        " seller_last_read_id = CASE WHEN seller_id = ?2 THEN coalesce(last_message_id, 0)"
        "                       ELSE seller_last_read_id END,"
        " buyer_unread = CASE WHEN buyer_id = ?2 THEN 0 ELSE buyer_unread END,"
        " seller_unread = CASE WHEN seller_id = ?2 THEN 0 ELSE seller_unread END"
        " WHERE id = ?1"));
    return stmt.Bind(1, conversation_id).Bind(2, user_id).Exec();
  }

  Result<std::int64_t> UnreadTotal(Id user_id) override {
    auto stmt = TRY(c_.Prepare(
        "SELECT (SELECT coalesce(sum(buyer_unread), 0) FROM conversations WHERE buyer_id = ?1)"
        "     + (SELECT coalesce(sum(seller_unread), 0) FROM conversations WHERE seller_id = ?1)"));
    stmt.Bind(1, user_id);
    TRY(stmt.Step());
    return stmt.Int(0);
  }

 private:
  Connection& c_;
};

class SqliteTx final : public Tx {
 public:
  SqliteTx(Connection& c, const StoreOptions& options)
      : users_(c), sessions_(c), listings_(c), chat_(c), calls_(c), jobs_(c),
        transcripts_(c, options.search_tier_size),
        audit_(c), cases_(c), complaints_(c), moderators_(c), quality_(c), sanctions_(c), notifications_(c), analytics_(c), sellers_(c), detection_(c), rollups_(c), exports_(c), limits_(c) {}
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  ListingRepository& listings() override { return listings_; }
  ChatRepository& chat() override { return chat_; }
  CallRepository& calls() override { return calls_; }
  JobRepository& jobs() override { return jobs_; }
  TranscriptRepository& transcripts() override { return transcripts_; }
  AuditRepository& audit() override { return audit_; }
  CaseRepository& cases() override { return cases_; }
  ComplaintRepository& complaints() override { return complaints_; }
  ModeratorRepository& moderators() override { return moderators_; }
  QualityRepository& quality() override { return quality_; }
  SanctionRepository& sanctions() override { return sanctions_; }
  NotificationRepository& notifications() override { return notifications_; }
  AnalyticsRepository& analytics() override { return analytics_; }
  SellerRepository& sellers() override { return sellers_; }
  DetectionRepository& detection() override { return detection_; }
  RollupRepository& rollups() override { return rollups_; }
  ExportRepository& exports() override { return exports_; }
  RateLimitRepository& limits() override { return limits_; }

 private:
  SqliteUsers users_;
  SqliteSessions sessions_;
  SqliteListings listings_;
  SqliteChat chat_;
  SqliteCalls calls_;
  SqliteJobs jobs_;
  SqliteTranscripts transcripts_;
  SqliteAudit audit_;
  SqliteCases cases_;
  SqliteComplaints complaints_;
  SqliteModerators moderators_;
  SqlQualityRepository<Connection, SqliteDialect> quality_;
  SqliteSanctions sanctions_;
  SqliteNotifications notifications_;
  SqliteAnalytics analytics_;
  SqliteSellers sellers_;
  SqliteDetection detection_;
  SqliteRollups rollups_;
  SqliteExports exports_;
  SqliteRateLimits limits_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(StoreOptions options) : options_(std::move(options)) {}

  Result<void> Open() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (auto parent = fs::path(options_.sqlite.path).parent_path(); !parent.empty()) {
      fs::create_directories(parent, ec);
    }
    for (int i = 0; i < std::max(1, options_.pool_size); ++i) {
      auto conn = TRY(Connection::Open(options_.sqlite.path, options_.sqlite.busy_timeout_ms));
      // The transcript index (segments_fts) needs these on every connection, before use.
      TRY(search::RegisterFts5Tokenizer(conn->raw()));
      TRY(search::RegisterFts5StatsFunction(conn->raw()));
      if (options_.sqlite.background_checkpoint) TRY(conn->ExecScript("PRAGMA wal_autocheckpoint=0"));
      idle_.push_back(std::move(conn));
    }
    return {};
  }

  Result<int> Migrate() override {
    auto conn = Acquire();
    auto release = Releaser(this, conn);
    TRY(conn->ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    int current = TRY(CurrentVersion(*conn));
    for (const auto& m : Migrations()) {
      if (m.version <= current) continue;
      TRY(conn->ExecScript("BEGIN IMMEDIATE"));
      auto applied = [&]() -> Result<void> {
        TRY(conn->ExecScript(std::string(m.sql)));
        auto stmt = TRY(conn->Prepare(
            "INSERT INTO schema_migrations (version, name, applied_at)"
            " VALUES (?, ?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))"));
        return stmt.Bind(1, m.version).Bind(2, m.name).Exec();
      }();
      if (!applied) {
        (void)conn->ExecScript("ROLLBACK");
        auto e = applied.error();
        e.message = "migration " + std::to_string(m.version) + " failed: " + e.message;
        return tl::unexpected(e);
      }
      TRY(conn->ExecScript("COMMIT"));
      current = m.version;
    }
    return current;
  }

  Result<int> SchemaVersion() override {
    auto conn = Acquire();
    auto release = Releaser(this, conn);
    return CurrentVersion(*conn);
  }

  Result<void> Ping() override {
    auto conn = Acquire();
    auto release = Releaser(this, conn);
    auto stmt = TRY(conn->Prepare("SELECT 1"));
    return stmt.Exec();
  }

  std::string Describe() const override { return "sqlite:" + options_.sqlite.path; }

  Result<void> Maintain() override {
    if (!options_.sqlite.background_checkpoint) return {};
    auto conn = Acquire();
    auto release = Releaser(this, conn);
    // PASSIVE never blocks writers; it copies what it can and leaves the rest for next time.
    return conn->ExecScript("PRAGMA wal_checkpoint(PASSIVE)");
  }

 protected:
  Result<void> RunInTx(TxKind kind, const std::function<Result<void>(Tx&)>& fn) override {
    const bool write = kind != TxKind::kRead;
    // SQLite has one writer at a time. Queue this process's writers on a mutex: SQLite's own
    // busy handler polls with sleeps of up to 100 ms, which shows up as write tail latency.
    // (Other processes on the same file still meet the busy timeout.)
    std::unique_lock<std::mutex> write_lock(write_mu_, std::defer_lock);
    if (write) write_lock.lock();
    auto conn = Acquire();
    auto release = Releaser(this, conn);
    // Prepared (and cached) transaction statements: no re-parsing on every request.
    auto begin = TRY(conn->Prepare(write ? "BEGIN IMMEDIATE" : "BEGIN"));
    TRY(begin.Exec());
    SqliteTx tx(*conn, options_);
    Result<void> result = fn(tx);
    if (result) {
      auto commit = TRY(conn->Prepare("COMMIT"));
      result = commit.Exec();
    }
    if (!result) {
      if (!sqlite3_get_autocommit(conn->raw())) (void)conn->ExecScript("ROLLBACK");
      return result;
    }
    return {};
  }

 private:
  static Result<int> CurrentVersion(Connection& conn) {
    auto exists = TRY(conn.Prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"));
    TRY(exists.Step());
    if (exists.Int(0) == 0) return 0;
    auto stmt = TRY(conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    TRY(stmt.Step());
    return static_cast<int>(stmt.Int(0));
  }

  Connection* Acquire() {
    std::unique_lock lock(mu_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn.release();
  }

  void Release(Connection* conn) {
    {
      std::lock_guard lock(mu_);
      idle_.emplace_back(conn);
    }
    available_.notify_one();
  }

  struct ReleaseGuard {
    SqliteStore* store;
    Connection* conn;
    ~ReleaseGuard() { store->Release(conn); }
  };
  static ReleaseGuard Releaser(SqliteStore* store, Connection* conn) { return {store, conn}; }

  StoreOptions options_;
  std::mutex write_mu_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  TRY(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace vitrina::store::sqlite
