#pragma once
// PostgreSQL repository for the dishonest-user ranking's inputs (docs/analytics.md "## Dishonest-user
// ranking") and the case items opened from it: the SQLite backend's (store/sqlite/detection.cc)
// in PostgreSQL's dialect. Used only through PgTx; each object lives for one transaction.

#include <optional>

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgDetection final : public DetectionRepository {
 public:
  explicit PgDetection(Connection& c) : c_(c) {}
  base::Result<std::vector<DetectionUserRows>> Signals(TimeMs since, TimeMs now) override;
  base::Result<std::optional<DetectionUserRows>> SignalsOf(Id user_id, TimeMs since, TimeMs now) override;
  base::Result<DetectionCaseItem> InsertCaseItem(const DetectionCaseItem& item) override;
  base::Result<std::vector<DetectionCaseItem>> CaseItems(Id case_id) override;

 private:
  base::Result<std::vector<DetectionUserRows>> Read(TimeMs since, TimeMs now, std::optional<Id> only);

  Connection& c_;
};

}  // namespace vitrina::store::postgres
