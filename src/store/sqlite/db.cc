#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

base::Error ToError(int rc, sqlite3* db, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return base::Error{base::ErrorKind::kConflict, "constraint_violation", message};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return base::Error{base::ErrorKind::kUnavailable, "database_busy", message};
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return base::Error{base::ErrorKind::kUnavailable, "database_unavailable", message};
    default:
      return base::Error{base::ErrorKind::kInternal, "database_error", message};
  }
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(ToError(rc, db_, "step"));
}

Result<void> Stmt::Exec() {
  while (true) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) {
      // Ready to be bound and run again (binding a statement that ran and was not reset fails
      // silently, and the next step would repeat the old values).
      sqlite3_reset(stmt_);
      return {};
    }
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto err = ToError(rc, db, "open " + path);
    sqlite3_close(db);
    return tl::unexpected(err);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  std::unique_ptr<Connection> conn(new Connection(db));
  TRY(conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Stmt> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(ToError(rc, db_, "prepare"));
    it = cache_.emplace(sql, stmt).first;
  }
  return Stmt(db_, it->second);
}

Result<void> Connection::ExecScript(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    auto e = ToError(rc, nullptr, "exec");
    e.message = "exec: " + message;
    return tl::unexpected(e);
  }
  return {};
}

}  // namespace vitrina::store::sqlite
