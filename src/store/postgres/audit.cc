#include "store/postgres/audit.h"

#include <utility>

namespace vitrina::store::postgres {

namespace {

// The append lock: SHARE ROW EXCLUSIVE conflicts with itself and with INSERT, not with
// readers; held to the end of the transaction. A table lock rather than
// pg_advisory_xact_lock because LOCK TABLE takes no snapshot: in a REPEATABLE READ or
// SERIALIZABLE transaction whose first statement it is, the snapshot is taken after the wait
// and sees the entry the previous holder committed. (SELECT pg_advisory_xact_lock(...) would
// fix the snapshot before waiting: every appender that waited would read a stale last entry
// and have to run again.)
constexpr const char* kLockSql = "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE";

// Set when an append failed because its snapshot predated a concurrent append's commit (the
// transaction's earlier statements took it before the lock was ours): the store runs the
// transaction again on this thread, and that attempt's PgAudit takes the lock at BEGIN, before
// any statement, so the same thing cannot happen to it again. Without this, writers that
// append after other work lose to writers that append first, every time, until the store's
// attempts run out.
thread_local bool t_lock_at_begin = false;

constexpr const char* kColumns =
    "id, at, actor_id, action, object_type, object_id, details, evidence, prev_hash, hash";

AuditEntry Row(const Stmt& s) {
  AuditEntry e;
  e.id = s.Int(0);
  e.at = s.Int(1);
  e.actor_id = s.OptInt(2);
  e.action = s.Text(3);
  e.object_type = s.Text(4);
  e.object_id = s.Text(5);
  e.details = s.Text(6);
  e.evidence = s.Text(7);
  e.prev_hash = s.Text(8);
  e.hash = s.Text(9);
  return e;
}

}  // namespace

PgAudit::PgAudit(Connection& c) : c_(c) {
  if (!std::exchange(t_lock_at_begin, false) || !c_.InTransaction()) return;
  // In a savepoint, so that a failure (a read-only transaction, a timeout) leaves the
  // transaction as it was; a lock taken in a released savepoint stays with the transaction.
  if (!c_.ExecScript(std::string("SAVEPOINT vitrina_audit_lock; ") + kLockSql +
                     "; RELEASE SAVEPOINT vitrina_audit_lock")) {
    (void)c_.ExecScript("ROLLBACK TO SAVEPOINT vitrina_audit_lock; RELEASE SAVEPOINT vitrina_audit_lock");
  }
}

Result<AuditEntry> PgAudit::Append(const NewAuditEntry& in, TimeMs now) {
  // Appends from every process queue here, to the end of the transaction.
  TRY(c_.ExecScript(kLockSql));
  // A failure of the reads and writes below that another append caused: the attempt that runs
  // again takes the lock first.
  auto lost_place = [](base::Error error) {
    if (IsRetryable(error)) t_lock_at_begin = true;
    return tl::unexpected(std::move(error));
  };
  AuditEntry e;
  {
    auto last = TRY(c_.Prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"));
    auto found = last.Step();
    if (!found) return lost_place(found.error());
    if (*found) {
      e.id = last.Int(0) + 1;
      e.prev_hash = last.Text(1);
    } else {
      e.id = 1;
    }
  }
  e.at = now;
  e.actor_id = in.actor_id;
  e.action = in.action;
  e.object_type = in.object_type;
  e.object_id = in.object_id;
  e.details = in.details;
  e.evidence = in.evidence;
  e.hash = AuditEntryHash(e);
  auto insert = TRY(c_.Prepare(
      "INSERT INTO audit_log (id, at, actor_id, action, object_type, object_id, details, evidence, "
      "prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"));
  insert.Bind(1, e.id).Bind(2, e.at).Bind(3, e.actor_id).Bind(4, e.action).Bind(5, e.object_type);
  insert.Bind(6, e.object_id).Bind(7, e.details).Bind(8, e.evidence).Bind(9, e.prev_hash).Bind(10, e.hash);
  if (auto r = insert.Exec(); !r) {
    // The transaction's snapshot predates the lock: an append committed meanwhile is not
    // visible to it, so our id is taken (or SSI finds the conflict first). Either way a
    // serialization failure: the store runs the transaction again.
    if (r.error().kind == base::ErrorKind::kConflict &&
        r.error().message.find("audit_log_pkey") != std::string::npos) {
      return lost_place(base::Error{base::ErrorKind::kUnavailable, "serialization_failure",
                                    "a concurrent audit append took id " + std::to_string(e.id)});
    }
    return lost_place(r.error());
  }
  return e;
}

Result<std::vector<AuditEntry>> PgAudit::List(const AuditFilter& f) {
  auto s = TRY(c_.Prepare(std::string("SELECT ") + kColumns +
                          " FROM audit_log WHERE ($1::text IS NULL OR action = $1)"
                          " AND ($2::text IS NULL OR object_type = $2)"
                          " AND ($3::text IS NULL OR object_id = $3) AND ($4::bigint IS NULL OR actor_id = $4)"
                          " AND ($5::bigint IS NULL OR id < $5) ORDER BY id DESC LIMIT $6"));
  s.Bind(1, f.action).Bind(2, f.object_type).Bind(3, f.object_id).Bind(4, f.actor_id).Bind(5, f.before_id);
  if (f.limit < 0) {
    s.BindNull(6);  // SQLite's LIMIT -1: no limit
  } else {
    s.Bind(6, f.limit);
  }
  std::vector<AuditEntry> out;
  while (TRY(s.Step())) out.push_back(Row(s));
  return out;
}

Result<std::vector<AuditEntry>> PgAudit::Scan(Id after_id, int limit) {
  auto s = TRY(c_.Prepare(std::string("SELECT ") + kColumns + " FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"));
  s.Bind(1, after_id);
  if (limit < 0) {
    s.BindNull(2);
  } else {
    s.Bind(2, limit);
  }
  std::vector<AuditEntry> out;
  while (TRY(s.Step())) out.push_back(Row(s));
  return out;
}

}  // namespace vitrina::store::postgres
