#pragma once
// Opens the store chosen by `StoreOptions::driver` (the only place that names a backend).

#include <memory>

#include "store/store.h"

namespace vitrina::store {

// sqlite: options.sqlite; postgres: options.postgres. InvalidArgument "unknown_store_driver".
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

}  // namespace vitrina::store
