#pragma once
// What the analysts' dashboards and exports read (docs/analytics.md "## Dashboards" and
// "## Exports"). Rollups: one number per UTC day, vertical, metric and key, recomputed per day
// from that day's own rows whenever the backend marks the day dirty (SQLite: triggers in the
// writing transaction). Exports: rows of a period, handed to a sink one at a time (constant
// memory), with columns typed so the caller pseudonymises users and masks free text — the
// store never sees a pseudonym key.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

using base::Result;
using Day = std::int64_t;  // UTC days since 1970-01-01 (ms / 86'400'000)

// Rollup rows. `vertical` is a listing vertical, kAllVerticals (the sum of every vertical's
// rows) or kNotByVertical (metrics that have no vertical, e.g. service-level zones).
inline constexpr const char* kAllVerticals = "";
inline constexpr const char* kNotByVertical = "*";

// Metrics and their keys (every count is of the day's rows):
//   calls         outcome: ended | missed | failed | no_show   (calls by their start day)
//   duration      lower bound of the length bucket in seconds: 0 60 180 300 600 1200 (ended calls)
//   talk_ratio    decile of the seller's talk ratio: 0..9 (analysed calls)
//   tone          <side>:<tone>, e.g. seller:negative (analysed calls)
//   flags         category (automatic flags on the day's calls)
//   complaints    category (complaints filed that day; vertical of the call's listing)
//   decisions     action (decisions made that day; vertical of the case)
//   sla           kept | breached (cases decided that day)
//   queue         open (undecided cases at the end of the day, or now for today)
//   appeals       upheld | overturned (appeals decided that day)
//   service_level green | red (sellers with a level computed for that day; kNotByVertical)
struct RollupRow {
  Day day = 0;
  std::string vertical;
  std::string metric;
  std::string key;
  double value = 0;
};

struct DirtyDay {
  Day day = 0;
  std::int64_t gen = 0;  // marks so far; a recompute clears the day only if unchanged
};

class RollupRepository {
 public:
  virtual ~RollupRepository() = default;
  // The oldest dirty days first.
  virtual Result<std::vector<DirtyDay>> DirtyDays(int limit) = 0;
  virtual Result<std::int64_t> CountDirty() = 0;
  // Marks every day in [from, to] dirty (a rebuild; the current day at each run for the queue
  // snapshot).
  virtual Result<void> MarkDays(Day from, Day to) = 0;
  // The day's rows computed from the day's own data (`now` bounds today's queue snapshot), the
  // kAllVerticals sums included. A read: run it in a read transaction, so the writer is not
  // held while a busy day is counted.
  virtual Result<std::vector<RollupRow>> ComputeDay(Day day, TimeMs now) = 0;
  // Replaces the day's rows and clears the day's mark if its gen is still `gen` (a mark made
  // since the read keeps the day dirty for the next run); false when it did not.
  virtual Result<bool> ReplaceDay(Day day, std::int64_t gen, const std::vector<RollupRow>& rows,
                                  TimeMs now) = 0;
  // The first and last day anything countable happened on (nullopt: an empty site).
  virtual Result<std::optional<std::pair<Day, Day>>> DataDays() = 0;
  // Rows of [from, to] for `vertical` (kAllVerticals for every vertical together), with the
  // kNotByVertical rows. Ordered by day.
  virtual Result<std::vector<RollupRow>> Read(Day from, Day to, const std::string& vertical) = 0;
  // Rows of real verticals (not the sums) for `metrics` over [from, to].
  virtual Result<std::vector<RollupRow>> ReadByVertical(
      Day from, Day to, const std::vector<std::string>& metrics) = 0;
  // When the last recompute finished (nullopt: never).
  virtual Result<std::optional<TimeMs>> ComputedAt() = 0;
};

// ---- Exports ----

enum class ExportKind { kCalls, kUtterances, kFlags, kComplaints, kDecisions };

// How the caller must treat a column before it leaves the server.
enum class ExportType {
  kInt,          // int64 or null
  kReal,         // double or null
  kText,         // a fixed vocabulary (category, outcome, ...): as is
  kTime,         // epoch ms: rendered as RFC 3339
  kUser,         // a user id: replaced by the user's pseudonym, never sent
  kPrivateText,  // words people said or wrote: masked
  kList,         // text items joined by ';' in the store: as is
};

struct ExportColumn {
  const char* name;
  ExportType type;
};

using ExportValue = std::variant<std::monostate, std::int64_t, double, std::string>;
using ExportSink = std::function<Result<void>(std::span<const ExportValue>)>;

// The columns of each kind, in order (the same for every backend).
std::span<const ExportColumn> ExportColumns(ExportKind kind);

class ExportRepository {
 public:
  virtual ~ExportRepository() = default;
  // Streams the rows of `kind` in [from, to) to `sink`, one at a time, in id order; stops at
  // the sink's first error. Calls, utterances and flags by the call's start; complaints and
  // decisions by when they were made. Returns the number of rows.
  virtual Result<std::int64_t> Export(ExportKind kind, TimeMs from, TimeMs to,
                                      const ExportSink& sink) = 0;
};

}  // namespace vitrina::store
