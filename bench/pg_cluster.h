#pragma once
// Shared by the benches that run on both store backends (store_bench, moderation_bench,
// search_bench): a throwaway PostgreSQL cluster started with scripts/pg-test-cluster (Unix
// socket, fsync=off, synchronous_commit=off) and stopped when the process exits, and the
// libpq helpers they need. Needs VITRINA_SOURCE_DIR (CMake) and libpq.

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace vitrina::bench {

inline std::string ReadFirstLine(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

inline std::string CommandOutput(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Runs `sql` on the PostgreSQL database at `url`; the first column of the first row, if any.
// Exits the process on an error.
inline std::string PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "bench: connect: %s\n", PQerrorMessage(conn));
    PQfinish(conn);
    std::exit(1);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "bench: %s: %s\n", sql.c_str(), PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(conn);
    std::exit(1);
  }
  std::string out = status == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
  PQclear(res);
  PQfinish(conn);
  return out;
}

// Starts a cluster whose state lives in `state_dir` (scripts/pg-test-cluster start) and stops
// it at exit (one per process); returns its libpq URL. Exits the process if it cannot start.
inline std::string StartPgCluster(const std::filesystem::path& state_dir) {
  static std::string state;
  const std::string script = std::string(VITRINA_SOURCE_DIR) + "/scripts/pg-test-cluster";
  std::fprintf(stderr, "bench: starting PostgreSQL (%s)\n", script.c_str());
  if (std::system((script + " start " + state_dir.string() + " >&2").c_str()) != 0) {
    std::fprintf(stderr, "bench: could not start a PostgreSQL cluster with %s\n", script.c_str());
    std::exit(1);
  }
  if (state.empty()) {
    std::atexit([] {
      const std::string stop = std::string(VITRINA_SOURCE_DIR) + "/scripts/pg-test-cluster stop " + state + " >&2";
      [[maybe_unused]] int rc = std::system(stop.c_str());
    });
  }
  state = state_dir.string();
  const std::string url = ReadFirstLine(state_dir / "url");
  if (url.empty()) {
    std::fprintf(stderr, "bench: no URL in %s\n", (state_dir / "url").c_str());
    std::exit(1);
  }
  return url;
}

// "postgres (PostgreSQL) 15.x" of the server binaries pg-test-cluster uses.
inline std::string PostgresVersion() {
  return CommandOutput("$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/postgres --version");
}

}  // namespace vitrina::bench
