#pragma once
// The audit log (store/sqlite/audit.cc in PostgreSQL's dialect): appends queue on a
// transaction-level advisory lock, so ids stay gapless and the chain never forks.

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgAudit final : public AuditRepository {
 public:
  // Constructed right after BEGIN (postgres_store.cc's PgTx): when this thread's previous
  // append lost its place to a concurrent one, takes the append lock before the transaction's
  // first statement, so the attempt run again sees the chain's newest entry (audit.cc).
  explicit PgAudit(Connection& c);
  Result<AuditEntry> Append(const NewAuditEntry& entry, TimeMs now) override;
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter) override;
  Result<std::vector<AuditEntry>> Scan(Id after_id, int limit) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
