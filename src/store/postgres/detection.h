#pragma once
// PostgreSQL repositories (not yet ported: every method answers "not_ported").

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
  [[maybe_unused]] Connection& c_;
};

}  // namespace vitrina::store::postgres
