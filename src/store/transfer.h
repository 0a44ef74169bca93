#pragma once
// Moving a site from SQLite to PostgreSQL: `vitrina migrate --from <sqlite file> --to
// postgresql://...` (docs/postgres.md). Both databases are first brought to the latest schema
// version (the same numbers in both backends); the target must be empty. Every table is
// copied row for row in one PostgreSQL transaction (COPY, parents before children, the
// target's own triggers off while copying so derived rows are copied, not re-derived), the
// identity sequences are moved past the copied ids, and then the copy is checked: the row
// count of every table on both sides, and the audit chain verified on the target and ending
// in the same hash as the source's.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace vitrina::store {

struct TransferTable {
  std::string name;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
};

struct TransferReport {
  int schema_version = 0;
  std::vector<TransferTable> tables;  // in copy order
  std::int64_t segments_indexed = 0;  // current transcript segments put in PostgreSQL's index
  AuditVerification audit;            // of the target after the copy
  std::string source_audit_head;      // hash of the source's last audit entry ("" if none)
  std::string target_audit_head;
  // Every count matches, the target's chain verifies and ends where the source's does.
  bool ok = false;
};

// Called after each table and every 10,000 rows: table, rows copied so far, rows in it.
using TransferProgress = std::function<void(const std::string&, std::int64_t, std::int64_t)>;

// Conflict "target_not_empty" when any table of the target holds rows; InvalidArgument
// "schema_mismatch" when a source column has no place in the target.
Result<TransferReport> CopySqliteToPostgres(const std::string& sqlite_path, const std::string& postgres_url,
                                            const TransferProgress& progress);

}  // namespace vitrina::store
