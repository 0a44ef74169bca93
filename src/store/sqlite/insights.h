#pragma once
// SQLite repositories for the analysts' dashboards and exports (store/insights.h, migration
// 9). Used only through SqliteTx; each object lives for one transaction.

#include "store/insights.h"
#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

class SqliteRollups final : public RollupRepository {
 public:
  explicit SqliteRollups(Connection& c) : c_(c) {}
  Result<std::vector<DirtyDay>> DirtyDays(int limit) override;
  Result<std::int64_t> CountDirty() override;
  Result<void> MarkDays(Day from, Day to) override;
  Result<std::vector<RollupRow>> ComputeDay(Day day, TimeMs now) override;
  Result<bool> ReplaceDay(Day day, std::int64_t gen, const std::vector<RollupRow>& rows, TimeMs now) override;
  Result<std::optional<std::pair<Day, Day>>> DataDays() override;
  Result<std::vector<RollupRow>> Read(Day from, Day to, const std::string& vertical) override;
  Result<std::vector<RollupRow>> ReadByVertical(Day from, Day to, const std::vector<std::string>& metrics) override;
  Result<std::optional<TimeMs>> ComputedAt() override;

 private:
  Connection& c_;
};

class SqliteExports final : public ExportRepository {
 public:
  explicit SqliteExports(Connection& c) : c_(c) {}
  Result<std::int64_t> Export(ExportKind kind, TimeMs from, TimeMs to, const ExportSink& sink) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
