#pragma once
// SQLite repositories for calls, recording files and jobs. Used only through SqliteTx; each
// object lives for one transaction on one connection.

#include "store/sqlite/db.h"
#include "store/store.h"

namespace vitrina::store::sqlite {

class SqliteCalls final : public CallRepository {
 public:
  explicit SqliteCalls(Connection& c) : c_(c) {}
  Result<Call> Insert(const Call& call) override;
  Result<void> Update(const Call& call) override;
  Result<std::optional<Call>> FindById(Id id) override;
  Result<std::optional<Call>> FindByRoom(std::int64_t room) override;
  Result<std::vector<Call>> List(const CallFilter& filter) override;
  Result<std::vector<Call>> ListExpired(TimeMs now, int limit) override;
  Result<std::vector<Call>> ListByState(const std::string& state, int limit) override;
  Result<std::vector<std::pair<std::string, std::int64_t>>> OpenCallsPerNode() override;
  Result<void> ReplaceFiles(Id call_id, const std::vector<RecordingFile>& files) override;
  Result<std::vector<RecordingFile>> Files(Id call_id) override;
  Result<void> MarkPurged(Id call_id, TimeMs now) override;
  Result<void> InsertRating(const CallRating& rating) override;
  Result<std::optional<CallRating>> FindRating(Id call_id) override;

 private:
  Result<std::optional<Call>> FindOne(const std::string& where, std::int64_t value);
  Connection& c_;
};

class SqliteJobs final : public JobRepository {
 public:
  explicit SqliteJobs(Connection& c) : c_(c) {}
  Result<std::optional<Id>> Insert(const NewJob& job, TimeMs now) override;
  Result<std::optional<Job>> Claim(const std::vector<std::string>& kinds, const std::string& owner,
                                   TimeMs now, std::int64_t lease_ms) override;
  Result<bool> Heartbeat(Id id, const std::string& owner, TimeMs lease_until,
                         const std::optional<std::string>& progress) override;
  Result<bool> Complete(Id id, const std::string& owner, TimeMs now) override;
  Result<bool> Fail(Id id, const std::string& owner, const std::string& error,
                    std::optional<TimeMs> retry_at, TimeMs now) override;
  Result<std::optional<Job>> FindById(Id id) override;
  Result<std::vector<Job>> List(const std::optional<std::string>& state,
                                std::optional<Id> before_id, int limit) override;
  Result<bool> Retry(Id id, TimeMs now) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
