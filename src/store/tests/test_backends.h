#pragma once
// The backends the store tests run against, and a fresh empty store of each: SQLite in a
// file, PostgreSQL in a new database on the throwaway cluster the tests start
// (scripts/pg-test-cluster; ctest starts it once for all tests and passes its URL file in
// VITRINA_TEST_PG_URL_FILE; a test binary run by hand starts its own).

#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace vitrina::store::test_backends {

// "sqlite" and "postgres".
std::vector<std::string> Backends();

// Options for a new, empty store of `driver` (`dir`: where SQLite's file goes).
StoreOptions FreshStoreOptions(const std::string& driver, const std::filesystem::path& dir);

// Drops what FreshStoreOptions made for PostgreSQL (the database); nothing for SQLite. Close
// the store first.
void DropFreshStore(const StoreOptions& options);

// gtest's name for a backend parameter.
struct BackendName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return info.param;
  }
};

}  // namespace vitrina::store::test_backends
