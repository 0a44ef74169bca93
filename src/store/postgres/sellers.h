#pragma once
// PostgreSQL repository for the seller service level (docs/service-level.md "Wiring",
// migration 8): the SQLite backend's (store/sqlite/sellers.cc) in PostgreSQL's dialect. Used
// only through PgTx; each object lives for one transaction.

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgSellers final : public SellerRepository {
 public:
  explicit PgSellers(Connection& c) : c_(c) {}
  base::Result<SellerActivityRows> Activity(Id seller_id, TimeMs since, TimeMs now) override;
  base::Result<bool> RecordActiveDay(Id seller_id, std::int64_t day) override;
  base::Result<void> PutLevel(const ServiceLevelRow& row) override;
  base::Result<std::vector<ServiceLevelRow>> Levels(Id seller_id, int limit) override;
  base::Result<std::vector<Id>> SellersWithActiveListings(Id after, int limit) override;
  base::Result<void> SetVerified(Id user_id, bool verified, TimeMs now) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
