#include "store/postgres/sellers.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

base::Result<SellerActivityRows> PgSellers::Activity(Id /*seller_id*/, TimeMs /*since*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgSellers::Activity")); }
base::Result<bool> PgSellers::RecordActiveDay(Id /*seller_id*/, std::int64_t /*day*/) { return tl::unexpected(NotPorted("PgSellers::RecordActiveDay")); }
base::Result<void> PgSellers::PutLevel(const ServiceLevelRow& /*row*/) { return tl::unexpected(NotPorted("PgSellers::PutLevel")); }
base::Result<std::vector<ServiceLevelRow>> PgSellers::Levels(Id /*seller_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgSellers::Levels")); }
base::Result<std::vector<Id>> PgSellers::SellersWithActiveListings(Id /*after*/, int /*limit*/) { return tl::unexpected(NotPorted("PgSellers::SellersWithActiveListings")); }
base::Result<void> PgSellers::SetVerified(Id /*user_id*/, bool /*verified*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgSellers::SetVerified")); }

}  // namespace vitrina::store::postgres
