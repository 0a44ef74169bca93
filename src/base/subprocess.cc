#include "base/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

extern char** environ;

namespace vitrina::base {
namespace {

using Clock = std::chrono::steady_clock;

// After the child has exited, how long to keep reading output that is still in flight.
constexpr std::chrono::milliseconds kDrainAfterExit{200};
// Without a pidfd (kernels before 5.3), how often to look whether the child has exited.
constexpr std::chrono::milliseconds kExitPollInterval{10};

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so call the system call directly. -1 on kernels
// before 5.3; callers then fall back to polling.
int PidfdOpen(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0u)); }

std::string ErrnoText(int err) {
  char buf[256];
  // GNU strerror_r: thread-safe, returns a pointer to the text (maybe not into buf).
  return strerror_r(err, buf, sizeof buf);
}

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Keeps descriptors clear of 0..2 so that the dup2 calls in a child never clobber each other
// even when the server was started with a standard descriptor closed.
Fd AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return Fd(fd);
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  int err = errno;
  ::close(fd);
  errno = err;
  return Fd(moved);
}

Result<std::pair<Fd, Fd>> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Internal(fmt::format("pipe2 failed: {}", ErrnoText(errno)));
  }
  Fd r = AboveStdio(fds[0]);
  Fd w = AboveStdio(fds[1]);
  if (!r.valid() || !w.valid()) return Internal(fmt::format("fcntl failed: {}", ErrnoText(errno)));
  return std::make_pair(std::move(r), std::move(w));
}

std::vector<char*> CArgv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string Quoted(const std::vector<std::string>& argv) {
  return argv.empty() ? std::string("<empty>") : argv.front();
}

enum class ChildState { kRunning, kExited, kNotOurs };

// Looks whether `pid` has exited, leaving it unreaped: a zombie keeps its pid and process
// group id from being reused, so the group can still be signalled safely. kNotOurs: already
// reaped (or never our child); then it must not be signalled at all.
ChildState Peek(pid_t pid) {
  siginfo_t info{};
  for (;;) {
    int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0) return info.si_pid == pid ? ChildState::kExited : ChildState::kRunning;
    if (errno == EINTR) continue;
    return ChildState::kNotOurs;
  }
}

// Waits until `pid` is no longer running or `deadline` passes; true if it is not running.
bool WaitExited(pid_t pid, Clock::time_point deadline) {
  Fd pidfd(PidfdOpen(pid));
  for (;;) {
    if (Peek(pid) != ChildState::kRunning) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (pidfd.valid()) {
      pollfd p{pidfd.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    } else {
      auto step = std::min(left, kExitPollInterval);
      ::poll(nullptr, 0, static_cast<int>(step.count()));
    }
  }
}

// Reaps `pid`, blocking; returns the raw wait status, or -1 if it is not our child.
int Reap(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, 0);
    if (r == pid) return status;
    if (r < 0 && errno == EINTR) continue;
    return -1;
  }
}

// Kills the child's whole process group (the child leads it), and the child itself in case
// it has left the group.
void KillGroup(pid_t pid, int sig) {
  ::kill(-pid, sig);
  ::kill(pid, sig);
}

// Reads what is available from `fd` into `keep`: the head (keep_tail false) or the tail of
// the stream, at most `cap` bytes. Returns false at end of file or on a read error.
bool ReadSome(int fd, std::string& keep, std::size_t cap, bool keep_tail, bool& truncated) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    std::string_view chunk(buf, static_cast<std::size_t>(n));
    if (!keep_tail) {
      std::size_t room = cap - std::min(cap, keep.size());
      if (chunk.size() > room) truncated = true;
      keep.append(chunk.substr(0, room));
    } else {
      keep.append(chunk);
      // Trim in batches so that a long stream costs amortised O(1) per byte.
      if (keep.size() > 2 * cap + sizeof buf) {
        keep.erase(0, keep.size() - cap);
        truncated = true;
      }
    }
    return true;
  }
}

}  // namespace

std::string ProcessOutput::Describe() const {
  if (timed_out) return fmt::format("timed out after {} ms", elapsed.count());
  if (term_signal != 0) {
    return fmt::format("killed by signal {} ({})", term_signal,
                       sigabbrev_np(term_signal) ? sigabbrev_np(term_signal) : "?");
  }
  return fmt::format("exit status {}", exit_code);
}

Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout, const ProcessOptions& options) {
  if (argv.empty() || argv.front().empty()) {
    return InvalidArgument("invalid_argv", "RunProcess: empty argv");
  }
  auto [out_r, out_w] = TRY(MakePipe());
  auto [err_r, err_w] = TRY(MakePipe());

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // dup2 clears close-on-exec on 1 and 2; every other descriptor of ours is close-on-exec, so
  // a child spawned concurrently by another thread cannot hold these pipes open.
  ::posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  ::posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  const std::string cwd = options.cwd.string();
  if (!cwd.empty()) ::posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  // Own process group (so a timeout kills grandchildren too), no blocked signals, and default
  // dispositions (a server usually ignores SIGPIPE; its tools must not inherit that).
  sigset_t no_signals, all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  ::posix_spawnattr_setflags(
      &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  ::posix_spawnattr_setpgroup(&attr, 0);
  ::posix_spawnattr_setsigmask(&attr, &no_signals);
  ::posix_spawnattr_setsigdefault(&attr, &all_signals);

  std::vector<char*> c_argv = CArgv(argv);
  const auto start = Clock::now();
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail(ErrorKind::kUnavailable, "spawn_failed",
                fmt::format("cannot run {}: {}{}", Quoted(argv), ErrnoText(rc),
                            cwd.empty() ? "" : fmt::format(" (cwd {})", cwd)));
  }
  out_w.Reset();
  err_w.Reset();
  ::fcntl(out_r.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_r.get(), F_SETFL, O_NONBLOCK);
  Fd pidfd(PidfdOpen(pid));  // invalid on old kernels: then we poll waitid

  ProcessOutput result;
  const auto deadline = start + timeout;
  bool exited = false;
  Clock::time_point drain_deadline{};
  for (;;) {
    if (!exited) {
      ChildState state = Peek(pid);
      exited = state != ChildState::kRunning;
      // Stragglers left in the group would keep the pipes open: the tool is done, so are they.
      if (state == ChildState::kExited) KillGroup(pid, SIGKILL);
    }
    if (exited && drain_deadline == Clock::time_point{}) {
      drain_deadline = std::min(deadline, Clock::now() + kDrainAfterExit);
    }
    if (exited && !out_r.valid() && !err_r.valid()) break;

    pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1;
    if (out_r.valid()) {
      out_i = static_cast<int>(n);
      fds[n++] = {out_r.get(), POLLIN, 0};
    }
    if (err_r.valid()) {
      err_i = static_cast<int>(n);
      fds[n++] = {err_r.get(), POLLIN, 0};
    }
    if (!exited && pidfd.valid()) fds[n++] = {pidfd.get(), POLLIN, 0};

    auto now = Clock::now();
    auto until = exited ? drain_deadline : deadline;
    if (now >= until) {
      if (!exited) {
        result.timed_out = true;
        KillGroup(pid, SIGKILL);
      }
      break;
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - now);
    if (!exited && !pidfd.valid()) wait = std::min(wait, kExitPollInterval);
    int pr = ::poll(fds, n, static_cast<int>(wait.count()));
    if (pr < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      KillGroup(pid, SIGKILL);
      Reap(pid);
      return Internal(
          fmt::format("poll failed while running {}: {}", Quoted(argv), ErrnoText(err)));
    }
    if (out_i >= 0 && fds[out_i].revents != 0 &&
        !ReadSome(out_r.get(), result.stdout_text, options.max_stdout_bytes, false,
                  result.stdout_truncated)) {
      out_r.Reset();
    }
    if (err_i >= 0 && fds[err_i].revents != 0 &&
        !ReadSome(err_r.get(), result.stderr_text, options.max_stderr_bytes, true,
                  result.stderr_truncated)) {
      err_r.Reset();
    }
  }
  int status = Reap(pid);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (result.stderr_text.size() > options.max_stderr_bytes) {
    result.stderr_text.erase(0, result.stderr_text.size() - options.max_stderr_bytes);
    result.stderr_truncated = true;
  }
  if (status >= 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (status >= 0 && WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

namespace {

// argv[0] as an absolute or relative path to an executable file, looked up in PATH like
// execvp does, but before fork: execvp is not async-signal-safe, execv is.
std::optional<std::string> ResolveExecutable(const std::string& name) {
  auto usable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (usable(name)) return name;
    return std::nullopt;
  }
  const char* path_env = std::getenv("PATH");
  std::string_view path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    std::size_t colon = path.find(':');
    std::string_view dir = path.substr(0, colon);
    std::string candidate = dir.empty() ? name : fmt::format("{}/{}", dir, name);
    if (usable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

// The child side of SpawnDetached. Only async-signal-safe calls: the parent may have other
// threads holding locks (malloc's among them) that will never be released in this copy.
[[noreturn]] void ExecChild(pid_t parent, const char* exe, char* const* argv, const char* cwd,
                            int null_fd, int log_fd, int report_fd) {
  auto fail = [report_fd](int err) {
    ssize_t ignored = ::write(report_fd, &err, sizeof err);
    (void)ignored;
    ::_exit(127);
  };
  if (::setpgid(0, 0) != 0) fail(errno);
  if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) fail(errno);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // fails for KILL/STOP
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) fail(errno);
  if (cwd[0] != '\0' && ::chdir(cwd) != 0) fail(errno);
  // Descriptors some library opened without O_CLOEXEC must not leak into the media server.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(exe, argv, environ);
  fail(errno);
  ::_exit(127);
}

}  // namespace

Result<pid_t> SpawnDetached(const std::vector<std::string>& argv,
                            const std::filesystem::path& log_file,
                            const std::filesystem::path& cwd) {
  if (argv.empty() || argv.front().empty()) {
    return InvalidArgument("invalid_argv", "SpawnDetached: empty argv");
  }
  std::optional<std::string> exe = ResolveExecutable(argv.front());
  if (!exe) {
    return Fail(ErrorKind::kUnavailable, "spawn_failed",
                fmt::format("cannot run {}: no such executable in PATH", argv.front()));
  }
  Fd log_fd = AboveStdio(::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!log_fd.valid()) {
    return Fail(ErrorKind::kUnavailable, "spawn_failed",
                fmt::format("cannot open log file {} for {}: {}", log_file.string(), argv.front(),
                            ErrnoText(errno)));
  }
  Fd null_fd = AboveStdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd.valid()) return Internal(fmt::format("open /dev/null: {}", ErrnoText(errno)));
  auto [report_r, report_w] = TRY(MakePipe());

  std::vector<char*> c_argv = CArgv(argv);
  const std::string cwd_text = cwd.string();
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    return Fail(ErrorKind::kUnavailable, "spawn_failed",
                fmt::format("cannot run {}: fork: {}", argv.front(), ErrnoText(errno)));
  }
  if (pid == 0) {
    ExecChild(parent, exe->c_str(), c_argv.data(), cwd_text.c_str(), null_fd.get(), log_fd.get(),
              report_w.get());
  }
  // Also set the group from this side, so that Terminate can signal it even if it runs before
  // the child got to its own setpgid (EACCES after exec is fine: the child did it).
  ::setpgid(pid, pid);
  report_w.Reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_r.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    Reap(pid);
    return Fail(ErrorKind::kUnavailable, "spawn_failed",
                fmt::format("cannot run {}: {}{}", *exe, ErrnoText(child_errno),
                            cwd_text.empty() ? "" : fmt::format(" (cwd {})", cwd_text)));
  }
  return pid;  // end of file: exec succeeded
}

Result<std::optional<int>> TryReap(pid_t pid) {
  if (pid <= 0) return InvalidArgument("invalid_pid", fmt::format("TryReap: bad pid {}", pid));
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0) return std::optional<int>();
    if (r == pid) {
      if (WIFSIGNALED(status)) return std::optional<int>(128 + WTERMSIG(status));
      return std::optional<int>(WEXITSTATUS(status));
    }
    if (errno == EINTR) continue;
    return NotFound("no_such_child", fmt::format("pid {} is not a child of this process: {}", pid,
                                                 ErrnoText(errno)));
  }
}

void Terminate(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ChildState state = Peek(pid);
  if (state == ChildState::kNotOurs) return;
  if (state == ChildState::kRunning) {
    KillGroup(pid, SIGTERM);
    WaitExited(pid, Clock::now() + grace);
  }
  // The child is a zombie or still running; either way its pid is not reused yet, so the
  // group can be signalled: this ends the child if it ignored SIGTERM, and any stragglers.
  KillGroup(pid, SIGKILL);
  Reap(pid);
}

}  // namespace vitrina::base
