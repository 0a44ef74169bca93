#pragma once
// PostgreSQL repositories (not yet ported: every method answers "not_ported").

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
  [[maybe_unused]] Connection& c_;
};

}  // namespace vitrina::store::postgres
