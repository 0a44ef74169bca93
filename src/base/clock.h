#pragma once
// Time goes through Clock so tests can control it (LevelDB Env, Envoy TimeSource).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vitrina::base {

// Milliseconds since the Unix epoch, UTC. The project's one time type at rest.
using TimeMs = std::int64_t;

// Source of wall-clock time. Implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimeMs NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to; for tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start) : now_(start) {}
  TimeMs NowMs() const override { return now_.load(); }
  void Advance(TimeMs delta) { now_ += delta; }
  void Set(TimeMs t) { now_ = t; }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace vitrina::base
