#pragma once
// The persistence boundary. Domain code talks to these repository interfaces only, inside
// a transaction obtained from Store::Read/Write, so a PostgreSQL backend can be added
// without touching domain code. A Store is thread-safe; a Tx belongs to the thread that
// runs the callback and must not escape it.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/events.h"
#include "store/records.h"
#include "store/detection.h"
#include "store/insights.h"
#include "store/quality.h"
#include "store/limits.h"
#include "store/sellers.h"

namespace vitrina::store {

using base::Result;

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Conflict "email_taken" if the email exists.
  virtual Result<User> Insert(const NewUser& user, TimeMs now) = 0;
  virtual Result<std::optional<User>> FindById(Id id) = 0;
  virtual Result<std::optional<User>> FindByEmail(const std::string& email) = 0;
  virtual Result<void> SetRoles(Id id, const std::vector<std::string>& roles, TimeMs now) = 0;
  virtual Result<void> SetSkills(Id id, const std::vector<std::string>& skills, TimeMs now) = 0;
  virtual Result<void> UpdateProfile(Id id, const std::string& display_name,
                                     const std::string& timezone, TimeMs now) = 0;
  virtual Result<void> SetStatus(Id id, const std::string& status,
                                 std::optional<TimeMs> blocked_until, TimeMs now) = 0;
  virtual Result<void> SetPasswordHash(Id id, const std::string& hash, TimeMs now) = 0;
  // Users with id < before_id (when given), newest first.
  virtual Result<std::vector<User>> List(std::optional<Id> before_id, int limit) = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual Result<void> Insert(const Session& session) = 0;
  virtual Result<std::optional<Session>> Find(const std::string& token_hash) = 0;
  virtual Result<void> Delete(const std::string& token_hash) = 0;
  virtual Result<void> DeleteForUser(Id user_id) = 0;
  virtual Result<int> DeleteExpired(TimeMs now) = 0;
};

class ListingRepository {
 public:
  virtual ~ListingRepository() = default;
  virtual Result<Listing> Insert(const Listing& listing) = 0;  // id/created_at assigned
  virtual Result<void> Update(const Listing& listing) = 0;
  virtual Result<std::optional<Listing>> FindById(Id id) = 0;
  virtual Result<std::vector<Listing>> List(const ListingFilter& filter) = 0;
};

class ChatRepository {
 public:
  virtual ~ChatRepository() = default;
  // The conversation of `buyer_id` on `listing_id`, created if missing; .second = created.
  virtual Result<std::pair<Conversation, bool>> FindOrCreateConversation(Id listing_id, Id buyer_id,
                                                                          Id seller_id, TimeMs now) = 0;
  // The buyer's conversation on a listing (read as the buyer); nullopt if none.
  virtual Result<std::optional<Conversation>> FindByListingAndBuyer(Id listing_id, Id buyer_id) = 0;
  // Read as `viewer_id` (for unread_count); nullopt if missing.
  virtual Result<std::optional<Conversation>> FindConversation(Id id, Id viewer_id) = 0;
  virtual Result<std::vector<Conversation>> ListConversations(Id user_id,
                                                              std::optional<TimeCursor> after,
                                                              int limit) = 0;
  virtual Result<Message> InsertMessage(Id conversation_id, Id sender_id, const std::string& text,
                                        TimeMs now) = 0;
  // The newest `limit` messages with id < before_id (when given), in ascending id order.
  virtual Result<std::vector<Message>> ListMessages(Id conversation_id, std::optional<Id> before_id,
                                                    int limit) = 0;
  virtual Result<void> MarkRead(Id conversation_id, Id user_id) = 0;
  virtual Result<std::int64_t> UnreadTotal(Id user_id) = 0;
};

class CallRepository {
 public:
  virtual ~CallRepository() = default;
  // Conflict "call_exists" if the conversation already has an open call.
  virtual Result<Call> Insert(const Call& call) = 0;  // id assigned
  // Writes every mutable column of `call` (state, times, room, participants, recording).
  virtual Result<void> Update(const Call& call) = 0;
  virtual Result<std::optional<Call>> FindById(Id id) = 0;
  virtual Result<std::optional<Call>> FindByRoom(std::int64_t room) = 0;
  virtual Result<std::vector<Call>> List(const CallFilter& filter) = 0;
  // Open calls whose join window closed before `now` (for the no-show sweep).
  virtual Result<std::vector<Call>> ListExpired(TimeMs now, int limit) = 0;
  // Calls in `state` (e.g. every active call, to reconcile after a media server restart).
  virtual Result<std::vector<Call>> ListByState(const std::string& state, int limit) = 0;
  // How many open calls (accepted or active, with a room) each media node holds, by
  // Call::media_node: the load that places new calls, shared by every server process.
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> OpenCallsPerNode() = 0;
  // Replaces the call's processed files.
  virtual Result<void> ReplaceFiles(Id call_id, const std::vector<RecordingFile>& files) = 0;
  virtual Result<std::vector<RecordingFile>> Files(Id call_id) = 0;
  // Retention: forgets the call's files (the caller deletes them from disk) and sets purged_at.
  virtual Result<void> MarkPurged(Id call_id, TimeMs now) = 0;
  // Conflict "already_rated" if the call has a rating.
  virtual Result<void> InsertRating(const CallRating& rating) = 0;
  virtual Result<std::optional<CallRating>> FindRating(Id call_id) = 0;
};

class JobRepository {
 public:
  virtual ~JobRepository() = default;
  // nullopt when a queued/running job with the same dedupe key exists.
  virtual Result<std::optional<Id>> Insert(const NewJob& job, TimeMs now) = 0;
  // Leases the next due job of one of `kinds` (queued and due, or running with an expired
  // lease) to `owner` until now + lease_ms, counting an attempt.
  virtual Result<std::optional<Job>> Claim(const std::vector<std::string>& kinds,
                                           const std::string& owner, TimeMs now,
                                           std::int64_t lease_ms) = 0;
  // false when `owner` no longer holds the lease.
  virtual Result<bool> Heartbeat(Id id, const std::string& owner, TimeMs lease_until,
                                 const std::optional<std::string>& progress) = 0;
  virtual Result<bool> Complete(Id id, const std::string& owner, TimeMs now) = 0;
  // Back to queued at `retry_at`, or failed for good when retry_at is nullopt.
  virtual Result<bool> Fail(Id id, const std::string& owner, const std::string& error,
                            std::optional<TimeMs> retry_at, TimeMs now) = 0;
  virtual Result<std::optional<Job>> FindById(Id id) = 0;
  // Newest first; `state` filters when set.
  virtual Result<std::vector<Job>> List(const std::optional<std::string>& state,
                                        std::optional<Id> before_id, int limit) = 0;
  // Queued again now with attempts reset (an operator's retry of a failed job).
  virtual Result<bool> Retry(Id id, TimeMs now) = 0;
};

class TranscriptRepository {
 public:
  virtual ~TranscriptRepository() = default;
  // Stores a new version of the call's transcript and makes it current: its segments replace
  // the previous version's in the search index (older versions stay readable). Returns the
  // stored version with segment ids. NotFound "call_not_found" for an unknown call.
  virtual Result<Transcript> Insert(Id call_id, const NewTranscript& transcript, TimeMs now) = 0;
  // The current version with its segments and words; nullopt when the call has none.
  virtual Result<std::optional<Transcript>> Current(Id call_id) = 0;
  // One version with its segments; nullopt if missing.
  virtual Result<std::optional<Transcript>> Version(Id call_id, std::int64_t version) = 0;
  // Every version of the call, newest first, without segments.
  virtual Result<std::vector<Transcript>> Versions(Id call_id) = 0;
  // Every version and segment of the call, out of the index too (retention). Returns rows.
  virtual Result<std::int64_t> DeleteForCall(Id call_id) = 0;
  // Ranked full-text search over current segments (docs/search.md).
  virtual Result<SearchPage> Search(const SearchQuery& query) = 0;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  // Appends an entry chained to the last one (its hash computed here). Entries are never
  // updated or deleted (the database refuses it).
  virtual Result<AuditEntry> Append(const NewAuditEntry& entry, TimeMs now) = 0;
  // Newest first, filtered.
  virtual Result<std::vector<AuditEntry>> List(const AuditFilter& filter) = 0;
  // Entries with id > after_id in id order, as stored (for verification).
  virtual Result<std::vector<AuditEntry>> Scan(Id after_id, int limit) = 0;
};

// Cases and the queue they wait in (docs/moderation.md).
class CaseRepository {
 public:
  virtual ~CaseRepository() = default;
  virtual Result<Case> InsertCase(const Case& c) = 0;  // id assigned
  virtual Result<void> UpdateCase(const Case& c) = 0;  // every mutable column
  virtual Result<std::optional<Case>> FindCase(Id id) = 0;
  // The accused's undecided complaints case, if any.
  virtual Result<std::optional<Case>> OpenComplaintsCase(Id accused_id) = 0;
  // Newest first.
  virtual Result<std::vector<Case>> ListCases(const CaseFilter& filter) = 0;
  // Undecided cases (open and assigned) in urgency order (priority, sla_due_at, id).
  virtual Result<std::vector<Case>> Queue(std::optional<QueueCursor> after, int limit) = 0;
  // Undecided cases by state, and how many are past due or within `at_risk_ms[p - 1]` of it.
  virtual Result<QueueCounts> CountQueue(TimeMs now, const std::array<std::int64_t, 3>& at_risk_ms) = 0;
  // Returns assigned cases whose lease ended before `now` to the queue; how many.
  virtual Result<int> ReleaseExpiredLeases(TimeMs now) = 0;
  // The most urgent open case `who` may take (priority, then SLA due, then id), excluding
  // cases against them, appeals of their own decisions, and cases they are a party to
  // (IsParty).
  virtual Result<std::optional<Case>> NextEligible(const CaseEligibility& who) = 0;
  // Whether `user_id` is the buyer or seller of a call the case concerns (which every
  // complainant in it is: only a call's parties complain; an appeal case carries the appealed
  // case's calls): a conflict of interest for deciding it.
  virtual Result<bool> IsParty(Id case_id, Id user_id) = 0;
  // Cases assigned to the moderator right now.
  virtual Result<int> CountAssigned(Id moderator_id) = 0;
  // Calls a case concerns (holds their recordings against retention).
  virtual Result<void> AddCaseCall(Id case_id, Id call_id) = 0;
  virtual Result<std::vector<Id>> CaseCalls(Id case_id) = 0;

  // Retention: ended calls older than `cutoff` with something left to delete and nothing
  // holding them (an undecided case, an open appeal, or a sanction still appealable whose
  // decision cites the call). Oldest first.
  virtual Result<std::vector<Id>> PurgeableCalls(TimeMs cutoff, TimeMs now, int limit) = 0;
};

// Complaints, each in the case of its accused.
class ComplaintRepository {
 public:
  virtual ~ComplaintRepository() = default;
  // Conflict "complaint_exists" when the reporter has an undecided complaint on that call.
  virtual Result<Complaint> InsertComplaint(const Complaint& c) = 0;
  virtual Result<void> UpdateComplaint(const Complaint& c) = 0;
  virtual Result<std::optional<Complaint>> FindComplaint(Id id) = 0;
  virtual Result<std::vector<Complaint>> ListComplaints(const ComplaintFilter& filter) = 0;
  // Sets every complaint of the case in one of `from` to `to`; how many.
  virtual Result<int> SetComplaintStatus(Id case_id, const std::vector<std::string>& from,
                                         const std::string& to, TimeMs now) = 0;
};

// Moderators' routing state (shift, capacity).
class ModeratorRepository {
 public:
  virtual ~ModeratorRepository() = default;
  // ModeratorState defaults (on shift, capacity 3) when never set.
  virtual Result<ModeratorState> Moderator(Id user_id) = 0;
  virtual Result<void> PutModerator(const ModeratorState& state) = 0;
};

// Decisions, sanctions, appeals, rewards.
class SanctionRepository {
 public:
  virtual ~SanctionRepository() = default;
  virtual Result<Decision> InsertDecision(const Decision& d) = 0;  // id assigned
  virtual Result<std::vector<Decision>> Decisions(Id case_id) = 0;
  virtual Result<Sanction> InsertSanction(const Sanction& s) = 0;
  virtual Result<void> UpdateSanction(const Sanction& s) = 0;
  virtual Result<std::optional<Sanction>> FindSanction(Id id) = 0;
  virtual Result<std::vector<Sanction>> Sanctions(Id user_id) = 0;  // newest first
  // Conflict "appeal_exists" for a second appeal of one sanction.
  virtual Result<Appeal> InsertAppeal(const Appeal& a) = 0;
  virtual Result<void> UpdateAppeal(const Appeal& a) = 0;
  virtual Result<std::optional<Appeal>> FindAppeal(Id id) = 0;
  virtual Result<std::optional<Appeal>> AppealOf(Id sanction_id) = 0;
  virtual Result<Reward> InsertReward(const Reward& r) = 0;
  virtual Result<std::vector<Reward>> Rewards(Id user_id) = 0;  // newest first
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;
  virtual Result<Notification> Insert(const Notification& n) = 0;
  // Newest first.
  virtual Result<std::vector<Notification>> List(Id user_id, std::optional<Id> before_id, int limit) = 0;
  virtual Result<std::int64_t> UnreadCount(Id user_id) = 0;
  // Marks the user's notifications with id <= up_to read; how many changed.
  virtual Result<int> MarkRead(Id user_id, Id up_to, TimeMs now) = 0;
};

class AnalyticsRepository {
 public:
  virtual ~AnalyticsRepository() = default;
  virtual Result<AnalyticsRule> InsertRule(const AnalyticsRule& rule) = 0;  // id assigned
  virtual Result<void> UpdateRule(const AnalyticsRule& rule) = 0;
  virtual Result<std::optional<AnalyticsRule>> FindRule(Id id) = 0;
  // Every rule by id, with its verdict counts.
  virtual Result<std::vector<AnalyticsRule>> ListRules() = 0;
  // Highest rule id and updated_at (changes whenever a rule does): the matcher's cache key.
  virtual Result<std::pair<Id, TimeMs>> RulesStamp() = 0;

  // Replaces the call's row (any older version's).
  virtual Result<void> PutCallAnalytics(const CallAnalytics& a) = 0;
  virtual Result<std::optional<CallAnalytics>> FindCallAnalytics(Id call_id) = 0;

  // Inserts a flag unless the same hit (call, version, rule, start, live) is stored; returns
  // the stored one and whether it is new.
  virtual Result<std::pair<Flag, bool>> InsertFlag(const Flag& flag) = 0;
  virtual Result<std::optional<Flag>> FindFlag(Id id) = 0;
  virtual Result<std::vector<Flag>> ListFlags(const FlagFilter& filter) = 0;  // by start_ms, id
  virtual Result<void> SetFlagCase(Id flag_id, Id case_id) = 0;
  // The case's flags: how many, and the most urgent severity rank (high 1, warn 2, info 3) of
  // those not found wrong (nullopt: none).
  virtual Result<std::pair<int, std::optional<int>>> CaseFlagStats(Id case_id) = 0;
  virtual Result<void> ReviewFlag(Id flag_id, const std::string& review, Id by, TimeMs at) = 0;
  // The warned party's answer to a live flag's warning; the first answer stays. Whether it was
  // stored now.
  virtual Result<bool> SetPartyFeedback(Id flag_id, const std::string& answer, TimeMs at) = 0;
  // Deletes the call's non-live flags that no rule raises any more: not among `keep`, not
  // reviewed and not in a case. Returns how many.
  virtual Result<int> DeleteStaleFlags(Id call_id, const std::vector<Id>& keep) = 0;

  // Calls with a current transcript that started in [from, to], id > after, by id.
  virtual Result<std::vector<Id>> CallsWithTranscript(TimeMs from, TimeMs to, Id after, int limit) = 0;
  // Calls that took place (ended, missed, failed) in [from, to], newest first.
  virtual Result<std::vector<AnalystCallRow>> ListAnalystCalls(const AnalystCallFilter& filter) = 0;
  // Retention: the call's analytics row goes, its flags keep their verdicts but not the words.
  virtual Result<void> PurgeCall(Id call_id) = 0;
};

// One transaction's view of every repository.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ListingRepository& listings() = 0;
  virtual ChatRepository& chat() = 0;
  virtual CallRepository& calls() = 0;
  virtual JobRepository& jobs() = 0;
  virtual TranscriptRepository& transcripts() = 0;
  virtual AuditRepository& audit() = 0;
  virtual CaseRepository& cases() = 0;
  virtual ComplaintRepository& complaints() = 0;
  virtual ModeratorRepository& moderators() = 0;
  virtual QualityRepository& quality() = 0;
  virtual SanctionRepository& sanctions() = 0;
  virtual NotificationRepository& notifications() = 0;
  virtual AnalyticsRepository& analytics() = 0;
  virtual SellerRepository& sellers() = 0;
  virtual DetectionRepository& detection() = 0;
  virtual RollupRepository& rollups() = 0;
  virtual ExportRepository& exports() = 0;
  virtual RateLimitRepository& limits() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending migrations; returns the schema version reached.
  virtual Result<int> Migrate() = 0;
  virtual Result<int> SchemaVersion() = 0;
  // Cheap liveness check of the database (for /readyz).
  virtual Result<void> Ping() = 0;
  virtual std::string Describe() const = 0;
  // Live events between every process on this database on `channel` (letters, digits, '_'),
  // or nullptr when the backend serves one process only (SQLite: the caller delivers in
  // process). PostgreSQL: LISTEN/NOTIFY on a connection of its own.
  virtual Result<std::unique_ptr<EventBus>> OpenEventBus(const std::string& channel) {
    (void)channel;
    return std::unique_ptr<EventBus>();
  }
  // Background maintenance the server runs every second or so (SQLite: WAL checkpoint, so
  // requests never pay for one). Cheap when there is nothing to do.
  virtual Result<void> Maintain() = 0;

  // Runs `fn(Tx&) -> Result<T>` in one write transaction, committed iff it returns a value.
  // Serializable: it behaves as if no other transaction ran at the same time (SQLite: one
  // writer at a time; PostgreSQL: SERIALIZABLE, run again after a serialization failure or a
  // deadlock). `fn` may therefore run more than once: it must change nothing but the
  // database and its own result.
  template <typename F>
  auto Write(F&& fn) {
    return Run(TxKind::kWrite, std::forward<F>(fn));
  }
  // A write in READ COMMITTED (PostgreSQL; SQLite as Write): for short claims that lock the
  // rows they take (job claims, moderation `next`: FOR UPDATE SKIP LOCKED), so claimants on
  // other processes neither wait on nor fail over each other, and for single-row updates
  // guarded by their own WHERE (a job's completion by its lease owner).
  template <typename F>
  auto WriteClaim(F&& fn) {
    return Run(TxKind::kClaim, std::forward<F>(fn));
  }
  // Read-only, on one consistent snapshot (PostgreSQL: REPEATABLE READ READ ONLY).
  template <typename F>
  auto Read(F&& fn) {
    return Run(TxKind::kRead, std::forward<F>(fn));
  }

 protected:
  enum class TxKind { kRead, kWrite, kClaim };
  virtual Result<void> RunInTx(TxKind kind, const std::function<Result<void>(Tx&)>& fn) = 0;

 private:
  template <typename F>
  auto Run(TxKind kind, F&& fn) {
    using R = std::invoke_result_t<F, Tx&>;
    std::optional<R> out;
    auto status = RunInTx(kind, [&](Tx& tx) -> Result<void> {
      out.emplace(fn(tx));
      if (!*out) return tl::unexpected(out->error());
      return {};
    });
    if (!status) return R(tl::unexpected(status.error()));
    return std::move(*out);
  }
};

struct SqliteOptions {
  std::string path;  // file path of the database
  int busy_timeout_ms = 5000;
  // Checkpoint the WAL from Maintain() instead of inside committing requests.
  bool background_checkpoint = false;
};

// PostgreSQL: the database several server and worker processes share (docs/postgres.md).
struct PostgresOptions {
  std::string url;  // postgresql://user:password@host:port/database?option=value (libpq syntax)
  int connect_timeout_s = 10;
  // A statement running longer than this is cancelled (0: no limit).
  int statement_timeout_ms = 30000;
  // How often a transaction that lost a serialization conflict or a deadlock is run again.
  int serialization_retries = 16;
};

struct StoreOptions {
  std::string driver = "sqlite";  // sqlite | postgres
  int pool_size = 4;              // connections
  // Full-text search ranks the newest this-many matches at a time (one "tier",
  // docs/search.md): bounds the cost of common words. Tests set it small.
  int search_tier_size = 10000;
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

// The hash of an audit entry: SHA-256 (hex) over its prev_hash and every field but `hash`,
// each length-prefixed, so no two different entries hash the same. Backend-independent.
std::string AuditEntryHash(const AuditEntry& entry);

struct AuditVerification {
  std::int64_t entries = 0;            // entries checked
  std::optional<Id> first_broken;      // the first entry whose link or hash does not hold
  std::string reason;                  // why, for that entry
};
// Walks the whole audit log in order and checks every link and hash.
Result<AuditVerification> VerifyAuditChain(Store& store);

}  // namespace vitrina::store
