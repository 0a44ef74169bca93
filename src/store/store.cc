#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

namespace vitrina::store {

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  if (options.driver == "sqlite") return sqlite::OpenSqliteStore(options);
  return base::InvalidArgument("unknown_store_driver",
                               "Unknown store driver '" + options.driver +
                                   "' (supported: sqlite)");
}

}  // namespace vitrina::store
