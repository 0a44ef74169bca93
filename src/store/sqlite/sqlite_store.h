#pragma once

#include <memory>

#include "store/store.h"

namespace vitrina::store::sqlite {

// SQLite backend: WAL mode, foreign keys on, a fixed pool of connections (one per
// concurrent transaction), writes as BEGIN IMMEDIATE so writers queue on the busy timeout
// instead of failing on lock upgrade.
Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options);

}  // namespace vitrina::store::sqlite
