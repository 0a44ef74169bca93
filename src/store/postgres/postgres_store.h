#pragma once

#include <memory>

#include "store/store.h"

namespace vitrina::store::postgres {

// PostgreSQL backend (docs/postgres.md): a pool of libpq connections to `options.postgres.url`;
// writes SERIALIZABLE and run again on a serialization failure or deadlock, claims READ
// COMMITTED with row locks (FOR UPDATE SKIP LOCKED), reads REPEATABLE READ READ ONLY.
// Several processes may share one database: nothing relies on a lock inside this process.
Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options);

}  // namespace vitrina::store::postgres
