#include "store/open.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace vitrina::store {

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  if (options.driver == "sqlite") return sqlite::OpenSqliteStore(options);
  if (options.driver == "postgres") return postgres::OpenPostgresStore(options);
  return base::InvalidArgument("unknown_store_driver", "Unknown store driver '" + options.driver +
                                                           "' (supported: sqlite, postgres)");
}

}  // namespace vitrina::store
