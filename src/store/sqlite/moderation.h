#pragma once
// SQLite repositories for moderation (docs/moderation.md, migration 5): cases, complaints and
// routing state; decisions, sanctions, appeals and the append-only reward ledger;
// notifications. Used only through SqliteTx; each object lives for one transaction.

#include "store/sqlite/db.h"
#include "store/store.h"

namespace vitrina::store::sqlite {

// The head of one vertical's queue for a moderator: walks the partial index cases_queue
// (vertical, priority, sla_due_at, id) WHERE status = 'open' in order and stops at the first
// case that passes the filters. ?1 vertical, ?2 the moderator, ?3 JSON array of languages or
// NULL for any. Exposed for the query-plan test.
extern const char* const kNextEligibleInVerticalSql;

class SqliteCases final : public CaseRepository {
 public:
  explicit SqliteCases(Connection& c) : c_(c) {}
  Result<Case> InsertCase(const Case& c) override;
  Result<void> UpdateCase(const Case& c) override;
  Result<std::optional<Case>> FindCase(Id id) override;
  Result<std::optional<Case>> OpenComplaintsCase(Id accused_id) override;
  Result<std::vector<Case>> ListCases(const CaseFilter& filter) override;
  Result<std::vector<Case>> Queue(std::optional<QueueCursor> after, int limit) override;
  Result<QueueCounts> CountQueue(TimeMs now, const std::array<std::int64_t, 3>& at_risk_ms) override;
  Result<int> ReleaseExpiredLeases(TimeMs now) override;
  Result<std::optional<Case>> NextEligible(const CaseEligibility& who) override;
  Result<int> CountAssigned(Id moderator_id) override;
  Result<bool> IsParty(Id case_id, Id user_id) override;
  Result<void> AddCaseCall(Id case_id, Id call_id) override;
  Result<std::vector<Id>> CaseCalls(Id case_id) override;

  Result<std::vector<Id>> PurgeableCalls(TimeMs cutoff, TimeMs now, int limit) override;

 private:
  Connection& c_;
};

class SqliteComplaints final : public ComplaintRepository {
 public:
  explicit SqliteComplaints(Connection& c) : c_(c) {}
  Result<Complaint> InsertComplaint(const Complaint& c) override;
  Result<void> UpdateComplaint(const Complaint& c) override;
  Result<std::optional<Complaint>> FindComplaint(Id id) override;
  Result<std::vector<Complaint>> ListComplaints(const ComplaintFilter& filter) override;
  Result<int> SetComplaintStatus(Id case_id, const std::vector<std::string>& from,
                                 const std::string& to, TimeMs now) override;

 private:
  Connection& c_;
};

class SqliteModerators final : public ModeratorRepository {
 public:
  explicit SqliteModerators(Connection& c) : c_(c) {}
  Result<ModeratorState> Moderator(Id user_id) override;
  Result<void> PutModerator(const ModeratorState& state) override;

 private:
  Connection& c_;
};

class SqliteSanctions final : public SanctionRepository {
 public:
  explicit SqliteSanctions(Connection& c) : c_(c) {}
  Result<Decision> InsertDecision(const Decision& d) override;
  Result<std::vector<Decision>> Decisions(Id case_id) override;
  Result<Sanction> InsertSanction(const Sanction& s) override;
  Result<void> UpdateSanction(const Sanction& s) override;
  Result<std::optional<Sanction>> FindSanction(Id id) override;
  Result<std::vector<Sanction>> Sanctions(Id user_id) override;
  Result<Appeal> InsertAppeal(const Appeal& a) override;
  Result<void> UpdateAppeal(const Appeal& a) override;
  Result<std::optional<Appeal>> FindAppeal(Id id) override;
  Result<std::optional<Appeal>> AppealOf(Id sanction_id) override;
  Result<Reward> InsertReward(const Reward& r) override;
  Result<std::vector<Reward>> Rewards(Id user_id) override;

 private:
  Connection& c_;
};

class SqliteNotifications final : public NotificationRepository {
 public:
  explicit SqliteNotifications(Connection& c) : c_(c) {}
  Result<Notification> Insert(const Notification& n) override;
  Result<std::vector<Notification>> List(Id user_id, std::optional<Id> before_id, int limit) override;
  Result<std::int64_t> UnreadCount(Id user_id) override;
  Result<int> MarkRead(Id user_id, Id up_to, TimeMs now) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
