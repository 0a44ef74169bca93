#include "support/temp_dir.h"
#include "base/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vitrina::base {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using vitrina::testing::TempDir;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RunProcessTest, ReportsExitStatus) {
  auto ok = RunProcess({"true"}, 10s);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->Succeeded());
  EXPECT_EQ(ok->exit_code, 0);

  auto three = RunProcess({"sh", "-c", "exit 3"}, 10s);
  ASSERT_TRUE(three) << three.error().message;
  EXPECT_FALSE(three->Succeeded());
  EXPECT_EQ(three->exit_code, 3);
  EXPECT_EQ(three->term_signal, 0);
  EXPECT_EQ(three->Describe(), "exit status 3");
}

TEST(RunProcessTest, ReportsSignal) {
  auto r = RunProcess({"sh", "-c", "kill -SEGV $$"}, 10s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->term_signal, SIGSEGV);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_FALSE(r->Succeeded());
  EXPECT_NE(r->Describe().find("SEGV"), std::string::npos) << r->Describe();
}

TEST(RunProcessTest, CapturesStdoutAndStderrSeparatelyWithoutAShell) {
  // An argument full of shell syntax arrives verbatim: nothing interprets it.
  auto r = RunProcess({"printf", "%s|", "a b", "$(echo no); *"}, 10s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stdout_text, "a b|$(echo no); *|");
  EXPECT_EQ(r->stderr_text, "");

  auto e = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 1"}, 10s);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->stdout_text, "out\n");
  EXPECT_EQ(e->stderr_text, "err\n");
}

TEST(RunProcessTest, StdinIsEmpty) {
  auto r = RunProcess({"cat"}, 10s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->Succeeded());
  EXPECT_EQ(r->stdout_text, "");
}

TEST(RunProcessTest, KeepsHeadOfStdoutAndTailOfStderrUpToTheCaps) {
  ProcessOptions options;
  options.max_stdout_bytes = 1000;
  options.max_stderr_bytes = 100;
  // 3 MB on each stream: far more than a pipe buffer, so the child would block if the
  // excess were not drained.
  auto r = RunProcess({"sh", "-c",
                       "head -c 3000000 /dev/zero | tr '\\0' a; "
                       "head -c 3000000 /dev/zero | tr '\\0' b >&2; echo END >&2"},
                      20s, options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->Succeeded()) << r->Describe();
  EXPECT_EQ(r->stdout_text, std::string(1000, 'a'));
  EXPECT_TRUE(r->stdout_truncated);
  ASSERT_EQ(r->stderr_text.size(), 100u);
  EXPECT_EQ(r->stderr_text, std::string(96, 'b') + "END\n");
  EXPECT_TRUE(r->stderr_truncated);
}

TEST(RunProcessTest, TimeoutKillsTheWholeProcessGroup) {
  // The background sleep holds stdout open: without the group kill we would wait for it.
  auto r = RunProcess({"sh", "-c", "sleep 30 & echo started; sleep 30"}, 300ms);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->term_signal, SIGKILL);
  EXPECT_FALSE(r->Succeeded());
  EXPECT_EQ(r->stdout_text, "started\n");
  EXPECT_LT(r->elapsed, 5s);
  EXPECT_NE(r->Describe().find("timed out"), std::string::npos);
}

TEST(RunProcessTest, ExitedChildsLeftoverGroupDoesNotHoldUsUntilTheTimeout) {
  auto r = RunProcess({"sh", "-c", "sleep 30 & echo done"}, 20s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->timed_out);
  EXPECT_TRUE(r->Succeeded());
  EXPECT_EQ(r->stdout_text, "done\n");
  EXPECT_LT(r->elapsed, 5s);
}

TEST(RunProcessTest, MissingExecutableIsSpawnFailed) {
  auto r = RunProcess({"vitrina-no-such-binary-xyz", "--help"}, 10s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(r.error().code, "spawn_failed");
  EXPECT_NE(r.error().message.find("vitrina-no-such-binary-xyz"), std::string::npos);

  auto abs = RunProcess({"/nonexistent/bin/tool"}, 10s);
  ASSERT_FALSE(abs);
  EXPECT_EQ(abs.error().code, "spawn_failed");

  auto empty = RunProcess({}, 10s);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::kInvalidArgument);
}

TEST(RunProcessTest, RunsInTheGivenDirectory) {
  TempDir dir;
  ProcessOptions options;
  options.cwd = dir.path();
  auto r = RunProcess({"pwd", "-P"}, 10s, options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stdout_text, fs::canonical(dir.path()).string() + "\n");

  options.cwd = dir.path() / "missing";
  auto bad = RunProcess({"pwd"}, 10s, options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "spawn_failed");
}

TEST(RunProcessTest, ConcurrentCallsKeepTheirOwnOutput) {
  // Each thread's pipes are close-on-exec, so no child inherits another's pipe: if one did,
  // that call would wait for the other child and outputs could mix.
  constexpr int kThreads = 6;
  constexpr int kRuns = 10;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < kRuns; ++i) {
        std::string want = std::to_string(t) + ":" + std::to_string(i);
        auto r = RunProcess({"printf", "%s", want}, 10s);
        if (!r || r->stdout_text != want || !r->Succeeded()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST(SpawnDetachedTest, AppendsOutputToTheLogAndTerminates) {
  TempDir dir;
  fs::path log = dir.path() / "child.log";
  { std::ofstream(log) << "previous\n"; }
  fs::path ready = dir.path() / "ready";
  ASSERT_EQ(::mkfifo(ready.c_str(), 0600), 0);
  auto pid = SpawnDetached(
      {"sh", "-c", "echo out; echo err >&2; pwd -P; echo ready > \"$0\"; exec sleep 30",
       ready.string()},
      log, dir.path());
  ASSERT_TRUE(pid) << pid.error().message;
  // Blocks until the child has written its lines (see TerminateKillsAChildThatIgnoresSigterm).
  EXPECT_EQ(ReadFile(ready), "ready\n");
  EXPECT_EQ(::getpgid(*pid), *pid) << "the child leads its own process group";
  auto running = TryReap(*pid);
  ASSERT_TRUE(running) << running.error().message;
  EXPECT_FALSE(running->has_value());

  Terminate(*pid, 5s);  // sleep dies of SIGTERM well within the grace
  auto gone = TryReap(*pid);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "no_such_child");
  std::string text = ReadFile(log);
  EXPECT_EQ(text.rfind("previous\n", 0), 0u) << text;
  EXPECT_NE(text.find("out\n"), std::string::npos) << text;
  EXPECT_NE(text.find("err\n"), std::string::npos) << text;
  EXPECT_NE(text.find(fs::canonical(dir.path()).string()), std::string::npos) << text;
}

TEST(SpawnDetachedTest, TerminateKillsAChildThatIgnoresSigterm) {
  TempDir dir;
  fs::path log = dir.path() / "child.log";
  fs::path ready = dir.path() / "ready";
  // The fifo makes the test wait for the trap to be installed without any sleep: opening it
  // for reading blocks until the child opens it for writing, which it does after `trap`.
  ASSERT_EQ(::mkfifo(ready.c_str(), 0600), 0);
  auto pid = SpawnDetached(
      {"sh", "-c", "trap '' TERM; echo ready > \"$0\"; while :; do sleep 1; done", ready.string()},
      log);
  ASSERT_TRUE(pid) << pid.error().message;
  EXPECT_EQ(ReadFile(ready), "ready\n");

  auto start = std::chrono::steady_clock::now();
  Terminate(*pid, 200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(TryReap(*pid)) << "reaped by Terminate";
}

TEST(SpawnDetachedTest, ChildGetsSigtermWhenItsParentDies) {
  // An intermediate process spawns the child and exits. As a subreaper, this test process
  // inherits the orphan and can wait for it.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ::close(fds[0]);
    auto pid = SpawnDetached({"sleep", "30"}, dir.path() / "log");
    pid_t value = pid ? *pid : -1;
    ssize_t n = ::write(fds[1], &value, sizeof value);
    ::_exit(n == sizeof value ? 0 : 1);
  }
  ::close(fds[1]);
  pid_t child = -1;
  ASSERT_EQ(::read(fds[0], &child, sizeof child), static_cast<ssize_t>(sizeof child));
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(middle, &status, 0), middle);
  ASSERT_GT(child, 0);
  ASSERT_EQ(::waitpid(child, &status, 0), child);  // blocks 30 s if the signal never comes
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST(SpawnDetachedTest, ReportsExitStatusThroughTryReap) {
  TempDir dir;
  auto pid = SpawnDetached({"sh", "-c", "exit 7"}, dir.path() / "log");
  ASSERT_TRUE(pid) << pid.error().message;
  // No sleep: look with TryReap until the status shows, bounded by a deadline.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  std::optional<int> status;
  while (!status && std::chrono::steady_clock::now() < deadline) {
    auto r = TryReap(*pid);
    ASSERT_TRUE(r) << r.error().message;
    status = *r;
    if (!status) std::this_thread::yield();
  }
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 7);
}

TEST(SpawnDetachedTest, MissingExecutableOrBadPathsAreSpawnFailed) {
  TempDir dir;
  auto missing = SpawnDetached({"vitrina-no-such-binary-xyz"}, dir.path() / "log");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "spawn_failed");
  EXPECT_EQ(missing.error().kind, ErrorKind::kUnavailable);

  auto bad_log = SpawnDetached({"true"}, dir.path() / "no" / "such" / "dir" / "log");
  ASSERT_FALSE(bad_log);
  EXPECT_EQ(bad_log.error().code, "spawn_failed");

  auto bad_cwd = SpawnDetached({"true"}, dir.path() / "log", dir.path() / "missing");
  ASSERT_FALSE(bad_cwd);
  EXPECT_EQ(bad_cwd.error().code, "spawn_failed");
  EXPECT_NE(bad_cwd.error().message.find("missing"), std::string::npos) << bad_cwd.error().message;
}

TEST(SpawnDetachedTest, TerminateOfAReapedPidDoesNothing) {
  TempDir dir;
  auto pid = SpawnDetached({"sleep", "30"}, dir.path() / "log");
  ASSERT_TRUE(pid) << pid.error().message;
  Terminate(*pid, 5s);
  Terminate(*pid, 5s);  // already reaped: must not signal whatever has that pid now
  EXPECT_FALSE(TryReap(*pid));
}

}  // namespace
}  // namespace vitrina::base
