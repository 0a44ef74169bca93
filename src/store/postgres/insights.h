#pragma once
// PostgreSQL repositories for the analysts' dashboards and exports (store/insights.h,
// migration 9): the SQLite backend's (store/sqlite/insights.cc) in PostgreSQL's dialect. The
// dirty days are marked by migration 9's triggers. Used only through PgTx; each object lives
// for one transaction.

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgRollups final : public RollupRepository {
 public:
  explicit PgRollups(Connection& c) : c_(c) {}
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

class PgExports final : public ExportRepository {
 public:
  explicit PgExports(Connection& c) : c_(c) {}
  Result<std::int64_t> Export(ExportKind kind, TimeMs from, TimeMs to, const ExportSink& sink) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
