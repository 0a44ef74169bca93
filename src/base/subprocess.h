#pragma once
// Child processes without a shell: run a tool to completion with a deadline (RunProcess), or
// start a long-running helper such as the media server (SpawnDetached / TryReap / Terminate).
//
// Every function here is safe to call from several threads at once. They reap only the pids
// they are given, so nothing else in the process may reap children with waitpid(-1) or set
// SIGCHLD to SIG_IGN (which would make the kernel reap them first).

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace vitrina::base {

struct ProcessOptions {
  // Working directory of the child; empty: the caller's.
  std::filesystem::path cwd;
  // At most this much stdout is kept (the beginning); the rest is read and discarded, so a
  // chatty child never blocks on a full pipe.
  std::size_t max_stdout_bytes = std::size_t{1} << 20;
  // At most this much stderr is kept (the end: where tools say why they failed).
  std::size_t max_stderr_bytes = std::size_t{1} << 20;
};

struct ProcessOutput {
  int exit_code = -1;      // the exit status if the child exited, else -1
  int term_signal = 0;     // the signal that ended the child (SIGKILL after a timeout), else 0
  bool timed_out = false;  // the deadline passed and the child's process group was killed
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;  // stderr_text holds only the last max_stderr_bytes
  std::chrono::milliseconds elapsed{0};

  // Exited by itself with status 0.
  bool Succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
  // "exit status 1", "killed by signal 11", "timed out after 5000 ms": for error messages.
  std::string Describe() const;
};

// Runs argv[0] (looked up in PATH when it has no '/') with argv, stdin from /dev/null, and
// stdout/stderr captured, in a new process group. When `timeout` passes, the whole group is
// killed with SIGKILL and the output says timed_out; when the child exits, whatever it left
// running in its group is killed too (it would hold the pipes open). A child that exits
// non-zero is not an error here: the caller decides (see ProcessOutput::Succeeded). Errors:
// empty argv (kInvalidArgument "invalid_argv"); the program cannot be started, e.g. not
// installed (kUnavailable "spawn_failed"); a pipe/poll failure (kInternal).
[[nodiscard]] Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                               std::chrono::milliseconds timeout,
                                               const ProcessOptions& options = {});

// Starts a long-running child in its own process group, stdin from /dev/null, stdout and
// stderr appended to `log_file` (created if missing), in `cwd` if given. The child is sent
// SIGTERM if the parent dies (PR_SET_PDEATHSIG). Linux ties that to the *thread* that called
// fork, so call this from a thread that lives as long as the server (e.g. main or a
// supervisor thread), never from a short-lived worker. The caller owns the pid and must end
// it with Terminate or collect it with TryReap. Errors as for RunProcess, plus the log file
// or cwd not usable ("spawn_failed").
[[nodiscard]] Result<pid_t> SpawnDetached(const std::vector<std::string>& argv,
                                          const std::filesystem::path& log_file,
                                          const std::filesystem::path& cwd = {});

// Non-blocking: nullopt while `pid` runs; once it has ended, reaps it and returns its exit
// status (128 + signal number if a signal ended it, as shells report). A pid that is not an
// unreaped child of this process (e.g. reaped already) is kNotFound "no_such_child".
[[nodiscard]] Result<std::optional<int>> TryReap(pid_t pid);

// Ends a child started by SpawnDetached: SIGTERM to its process group, up to `grace` for it
// to exit, then SIGKILL to the group; always reaps. Blocks for at most about `grace`. A pid
// that was already reaped is ignored.
void Terminate(pid_t pid, std::chrono::milliseconds grace);

}  // namespace vitrina::base
