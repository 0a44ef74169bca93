#pragma once
// SQLite repository for the dishonest-user ranking's inputs (docs/analytics.md "## Dishonest-user
// ranking"). Used only through SqliteTx; each object lives for one transaction.

#include "store/detection.h"
#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

class SqliteDetection final : public DetectionRepository {
 public:
  explicit SqliteDetection(Connection& c) : c_(c) {}
  Result<std::vector<DetectionUserRows>> Signals(TimeMs since, TimeMs now) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
