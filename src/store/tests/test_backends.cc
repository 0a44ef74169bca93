#include "store/tests/test_backends.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace vitrina::store::test_backends {
namespace {

namespace fs = std::filesystem;

std::string ReadFirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The cluster's admin URL (database `postgres`).
const std::string& ClusterUrl() {
  static std::once_flag once;
  static std::string url;
  std::call_once(once, [] {
    if (const char* file = std::getenv("VITRINA_TEST_PG_URL_FILE"); file && *file) {
      url = ReadFirstLine(file);
      if (url.empty()) throw std::runtime_error(std::string("no PostgreSQL test cluster URL in ") + file);
      return;
    }
    // Run by hand: a cluster of our own for this process, stopped at exit.
    static const fs::path state =
        fs::temp_directory_path() / ("vitrina-pg-state-" + std::to_string(::getpid()));
    const std::string script = std::string(VITRINA_SOURCE_DIR) + "/scripts/pg-test-cluster";
    if (std::system((script + " start " + state.string() + " >&2").c_str()) != 0) {
      throw std::runtime_error("could not start a PostgreSQL test cluster (" + script + ")");
    }
    std::atexit([] {
      const std::string stop = std::string(VITRINA_SOURCE_DIR) + "/scripts/pg-test-cluster stop " +
                               state.string() + " >/dev/null";
      [[maybe_unused]] int rc = std::system(stop.c_str());
      fs::remove_all(state);
    });
    url = ReadFirstLine(state / "url");
  });
  return url;
}

void AdminExec(const std::string& sql) {
  PGconn* conn = PQconnectdb(ClusterUrl().c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("test cluster: " + message);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string message = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("test cluster: " + sql + ": " + message);
}

std::string DatabaseUrl(const std::string& database) {
  std::string url = ClusterUrl();
  const auto at = url.find("/postgres?");
  if (at == std::string::npos) throw std::runtime_error("unexpected test cluster URL " + url);
  return url.replace(at, std::string("/postgres").size(), "/" + database);
}

}  // namespace

std::vector<std::string> Backends() { return {"sqlite", "postgres"}; }

StoreOptions FreshStoreOptions(const std::string& driver, const fs::path& dir) {
  StoreOptions options;
  options.driver = driver;
  options.sqlite.path = (dir / "test.db").string();
  if (driver == "postgres") {
    static std::atomic<int> counter{0};
    const std::string database =
        "vitrina_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    AdminExec("CREATE DATABASE " + database);
    options.postgres.url = DatabaseUrl(database);
  }
  return options;
}

void DropFreshStore(const StoreOptions& options) {
  if (options.driver != "postgres") return;
  const auto slash = options.postgres.url.rfind('/');
  const auto query = options.postgres.url.find('?', slash);
  const std::string database = options.postgres.url.substr(slash + 1, query - slash - 1);
  try {
    AdminExec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A leftover database dies with the cluster.
  }
}

}  // namespace vitrina::store::test_backends
