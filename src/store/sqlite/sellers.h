#pragma once
// SQLite repository for the seller service level (docs/service-level.md "Wiring", migration
// 8). Used only through SqliteTx; each object lives for one transaction.

#include "store/sellers.h"
#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

class SqliteSellers final : public SellerRepository {
 public:
  explicit SqliteSellers(Connection& c) : c_(c) {}
  Result<SellerActivityRows> Activity(Id seller_id, TimeMs since, TimeMs now) override;
  Result<bool> RecordActiveDay(Id seller_id, std::int64_t day) override;
  Result<void> PutLevel(const ServiceLevelRow& row) override;
  Result<std::vector<ServiceLevelRow>> Levels(Id seller_id, int limit) override;
  Result<std::vector<Id>> SellersWithActiveListings(Id after, int limit) override;
  Result<void> SetVerified(Id user_id, bool verified, TimeMs now) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
