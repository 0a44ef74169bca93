#pragma once
// Thin RAII layer over libpq, shaped like the SQLite backend's (store/sqlite/db.h) so a
// repository reads the same in both: a connection with a prepared-statement cache and a
// statement that is bound (1-based, `$n` in the SQL), run on the first Step, then read row by
// row. Values travel in libpq's text format. A Connection is used by one thread at a time.

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vitrina::store::postgres {

using base::Result;

// SQLSTATE classes the store tells apart.
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kUniqueViolation = "23505";

// Maps a failed result to an Error: integrity violations -> conflict (code
// "constraint_violation", the SQLite backend's), serialization failures and deadlocks ->
// unavailable "serialization_failure" (the store runs the transaction again), a lost
// connection -> unavailable "database_unavailable". `sqlstate` is set when there is one.
base::Error ToError(PGconn* conn, const PGresult* res, std::string_view what);

// Whether `error` came from a conflict the transaction should simply be run again for.
bool IsRetryable(const base::Error& error);

class Connection;

class Stmt {
 public:
  Stmt(Connection* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  Stmt(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int i, std::int64_t v) { return Set(i, std::to_string(v)); }
  Stmt& Bind(int i, int v) { return Set(i, std::to_string(v)); }
  Stmt& Bind(int i, bool v) { return Set(i, v ? "1" : "0"); }
  Stmt& Bind(int i, std::string_view v) { return Set(i, std::string(v)); }
  Stmt& Bind(int i, const std::string& v) { return Set(i, v); }
  Stmt& Bind(int i, const char* v) { return Set(i, std::string(v)); }
  Stmt& BindNull(int i);
  Stmt& BindDouble(int i, double v);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // The first call runs the statement; true while a row is available.
  Result<bool> Step();
  // Runs the statement (again, with the current bindings), ignoring rows.
  Result<void> Exec();
  // Rows an INSERT/UPDATE/DELETE touched (after Exec or the first Step).
  std::int64_t Affected() const { return affected_; }

  std::int64_t Int(int col) const;
  double Double(int col) const;
  bool IsNull(int col) const { return PQgetisnull(res_, row_, col) != 0; }
  std::optional<std::int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  std::string Text(int col) const {
    return std::string(PQgetvalue(res_, row_, col),
                       static_cast<std::size_t>(PQgetlength(res_, row_, col)));
  }
  // A bytea column, decoded.
  std::string Bytes(int col) const;

 private:
  Stmt& Set(int i, std::string v);
  Result<void> Run();

  Connection* conn_;
  std::string name_;
  std::vector<std::optional<std::string>> params_;
  PGresult* res_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
  std::int64_t affected_ = 0;
  bool ran_ = false;
};

class Connection {
 public:
  // `conninfo` is a libpq URL or key=value string; the session gets the given statement
  // timeout and application name.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo, int connect_timeout_s,
                                                  int statement_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;

  // A statement prepared once per connection (by its SQL text).
  Result<Stmt> Prepare(const std::string& sql);
  // Runs one or more statements without parameters or results (migrations, BEGIN/COMMIT).
  Result<void> ExecScript(const std::string& sql);
  // Whether the connection is inside a transaction block (or a failed one).
  bool InTransaction() const;
  // Whether the connection is usable; a broken one is replaced by the pool.
  bool Ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  PGconn* raw() const { return conn_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name
};

// A text[] literal ({"a","b"}), every element quoted and escaped.
std::string TextArrayLiteral(const std::vector<std::string>& values);

// Runs `run` (one statement) so that its failure fails only that statement, not the whole
// transaction (SQLite's statement-level rollback, which callers that map a conflict rely on):
// PostgreSQL aborts the transaction on any error, so the statement runs inside a savepoint.
template <typename F>
auto Guarded(Connection& c, F&& run) -> decltype(run()) {
  TRY(c.ExecScript("SAVEPOINT vitrina_stmt"));
  auto result = run();
  if (!result) {
    (void)c.ExecScript("ROLLBACK TO SAVEPOINT vitrina_stmt");
  }
  (void)c.ExecScript("RELEASE SAVEPOINT vitrina_stmt");
  return result;
}

}  // namespace vitrina::store::postgres
