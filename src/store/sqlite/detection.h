#pragma once
// SQLite repository for the dishonest-user ranking's inputs (docs/analytics.md "## Dishonest-user
// ranking") and the case items opened from it. Used only through SqliteTx; each object lives for
// one transaction.

#include <optional>

#include "store/detection.h"
#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

class SqliteDetection final : public DetectionRepository {
 public:
  explicit SqliteDetection(Connection& c) : c_(c) {}
  Result<std::vector<DetectionUserRows>> Signals(TimeMs since, TimeMs now) override;
  Result<std::optional<DetectionUserRows>> SignalsOf(Id user_id, TimeMs since, TimeMs now) override;
  Result<DetectionCaseItem> InsertCaseItem(const DetectionCaseItem& item) override;
  Result<std::vector<DetectionCaseItem>> CaseItems(Id case_id) override;

 private:
  Result<std::vector<DetectionUserRows>> Read(TimeMs since, TimeMs now, std::optional<Id> only);

  Connection& c_;
};

}  // namespace vitrina::store::sqlite
