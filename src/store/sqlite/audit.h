#pragma once
// The SQLite audit log: an append-only table (triggers refuse UPDATE and DELETE) whose rows
// are hash-chained (AuditEntryHash). Used only through SqliteTx.

#include "store/sqlite/db.h"
#include "store/store.h"

namespace vitrina::store::sqlite {

class SqliteAudit final : public AuditRepository {
 public:
  explicit SqliteAudit(Connection& c) : c_(c) {}
  Result<AuditEntry> Append(const NewAuditEntry& entry, TimeMs now) override;
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter) override;
  Result<std::vector<AuditEntry>> Scan(Id after_id, int limit) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
