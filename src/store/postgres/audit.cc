#include "store/postgres/audit.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<AuditEntry> PgAudit::Append(const NewAuditEntry& /*entry*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgAudit::Append")); }
Result<std::vector<AuditEntry>> PgAudit::List(const AuditFilter& /*filter*/) { return tl::unexpected(NotPorted("PgAudit::List")); }
Result<std::vector<AuditEntry>> PgAudit::Scan(Id /*after_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgAudit::Scan")); }

}  // namespace vitrina::store::postgres
