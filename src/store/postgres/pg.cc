#include "store/postgres/pg.h"

#include <charconv>
#include <cstdlib>

namespace vitrina::store::postgres {

base::Error ToError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = std::string(what) + ": ";
  const char* text = res ? PQresultErrorMessage(res) : nullptr;
  message += (text && *text) ? text : (conn ? PQerrorMessage(conn) : "no connection");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string_view sqlstate = state ? state : "";
  if (sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected) {
    return base::Error{base::ErrorKind::kUnavailable, "serialization_failure", message};
  }
  if (sqlstate.substr(0, 2) == "23") {  // integrity constraint violation
    return base::Error{base::ErrorKind::kConflict, "constraint_violation", message};
  }
  if (sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || (conn && PQstatus(conn) != CONNECTION_OK)) {
    return base::Error{base::ErrorKind::kUnavailable, "database_unavailable", message};
  }
  if (sqlstate == "57014") {  // statement timeout
    return base::Error{base::ErrorKind::kUnavailable, "database_busy", message};
  }
  return base::Error{base::ErrorKind::kInternal, "database_error", message};
}

bool IsRetryable(const base::Error& error) {
  return error.kind == base::ErrorKind::kUnavailable && error.code == "serialization_failure";
}

Stmt::Stmt(Stmt&& o) noexcept
    : conn_(o.conn_),
      name_(std::move(o.name_)),
      params_(std::move(o.params_)),
      res_(o.res_),
      row_(o.row_),
      rows_(o.rows_),
      affected_(o.affected_),
      ran_(o.ran_) {
  o.res_ = nullptr;
}

Stmt::~Stmt() {
  if (res_) PQclear(res_);
}

Stmt& Stmt::Set(int i, std::string v) {
  if (static_cast<int>(params_.size()) < i) params_.resize(static_cast<std::size_t>(i));
  params_[static_cast<std::size_t>(i - 1)] = std::move(v);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  if (static_cast<int>(params_.size()) < i) params_.resize(static_cast<std::size_t>(i));
  params_[static_cast<std::size_t>(i - 1)].reset();
  return *this;
}

Stmt& Stmt::BindDouble(int i, double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  (void)ec;
  return Set(i, std::string(buf, end));
}

Result<void> Stmt::Run() {
  if (res_) {
    PQclear(res_);
    res_ = nullptr;
  }
  std::vector<const char*> values(params_.size());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    values[i] = params_[i] ? params_[i]->c_str() : nullptr;
  }
  res_ = PQexecPrepared(conn_->raw(), name_.c_str(), static_cast<int>(values.size()), values.data(),
                        nullptr, nullptr, 0);
  ran_ = true;
  row_ = -1;
  rows_ = 0;
  affected_ = 0;
  const auto status = res_ ? PQresultStatus(res_) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return tl::unexpected(ToError(conn_->raw(), res_, "execute"));
  }
  rows_ = PQntuples(res_);
  const char* tuples = PQcmdTuples(res_);
  if (tuples && *tuples) affected_ = std::strtoll(tuples, nullptr, 10);
  return {};
}

Result<bool> Stmt::Step() {
  if (!ran_) TRY(Run());
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

Result<void> Stmt::Exec() { return Run(); }

std::int64_t Stmt::Int(int col) const {
  if (IsNull(col)) return 0;
  const char* v = PQgetvalue(res_, row_, col);
  std::int64_t out = 0;
  std::from_chars(v, v + PQgetlength(res_, row_, col), out);
  if (*v == 't') return 1;  // a boolean column
  return out;
}

double Stmt::Double(int col) const {
  if (IsNull(col)) return 0.0;
  return std::strtod(PQgetvalue(res_, row_, col), nullptr);
}

std::string Stmt::Bytes(int col) const {
  std::size_t len = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row_, col)), &len);
  if (!raw) return {};
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo, int connect_timeout_s,
                                                     int statement_timeout_ms) {
  // URL and key=value forms both: libpq's expand_dbname merges the extra keywords in.
  const std::string timeout = std::to_string(connect_timeout_s);
  const std::string options = "-c statement_timeout=" + std::to_string(statement_timeout_ms) +
                              " -c timezone=UTC -c client_min_messages=warning";
  const char* keys[] = {"dbname", "connect_timeout", "application_name", "options", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), "vitrina", options.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (conn) PQfinish(conn);
    return base::Fail(base::ErrorKind::kUnavailable, "database_unavailable",
                      "cannot connect to PostgreSQL: " + message);
  }
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Result<Stmt> Connection::Prepare(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "v" + std::to_string(prepared_.size() + 1);
    PGresult* res = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    const bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
      auto error = ToError(conn_, res, "prepare");
      error.message += " [" + sql + "]";
      PQclear(res);
      return tl::unexpected(error);
    }
    PQclear(res);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return Stmt(this, it->second);
}

Result<void> Connection::ExecScript(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    auto error = ToError(conn_, res, "exec");
    PQclear(res);
    return tl::unexpected(error);
  }
  // COMMIT of a transaction an earlier statement failed in (an error the caller handled and
  // went on from) succeeds with the tag ROLLBACK: nothing was written, so it is an error.
  const bool rolled_back = sql == "COMMIT" && std::string_view(PQcmdStatus(res)) == "ROLLBACK";
  PQclear(res);
  if (rolled_back) {
    return base::Fail(base::ErrorKind::kInternal, "transaction_aborted",
                      "COMMIT: the transaction had failed (an earlier statement's error was handled and "
                      "the transaction went on), so PostgreSQL rolled it back");
  }
  return {};
}

bool Connection::InTransaction() const {
  const auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace vitrina::store::postgres
