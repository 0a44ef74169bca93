#pragma once
// The analysts' dashboard (docs/analytics.md "## Dashboards"): shaped from daily rollups only
// (never raw calls), so a request costs the same on 10 thousand calls or 10 million.
// ShapeDashboard is pure; DashboardService reads the rows. Thread-safe.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace vitrina::insights {

using base::Result;

struct DashboardQuery {
  store::Day from = 0;  // inclusive
  store::Day to = 0;    // inclusive
  std::optional<std::string> vertical;
};

struct DashboardInput {
  DashboardQuery query;
  std::vector<store::RollupRow> rows;         // the query's vertical (or all) and '*' rows
  std::vector<store::RollupRow> by_vertical;  // calls, talk_ratio, tone of each real vertical
  std::optional<base::TimeMs> computed_at;
  std::int64_t pending_days = 0;
};

// {period, vertical, verticals, computed_at, pending_days, series: {calls_per_day,
// call_length, complaints_per_1000_calls, flags_per_1000_calls, flags_totals, decisions, sla,
// talk_ratio, tone, service_level}} — docs/analytics.md has every field.
boost::json::object ShapeDashboard(const DashboardInput& in);

class DashboardService {
 public:
  DashboardService(store::Store& store, const base::Clock& clock) : store_(store), clock_(clock) {}

  // Defaults: the 30 days up to today. 400 invalid_filter: from after to, or a period longer
  // than 731 days.
  Result<boost::json::object> Dashboard(std::optional<base::TimeMs> from,
                                        std::optional<base::TimeMs> to,
                                        std::optional<std::string> vertical);

 private:
  store::Store& store_;
  const base::Clock& clock_;
};

}  // namespace vitrina::insights
