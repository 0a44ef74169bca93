#include "insights/dashboard.h"

#include <algorithm>
#include <array>
#include <map>

#include "base/time_format.h"
#include "service_level/service_level.h"
#include "speech_analytics/analyst_service.h"

namespace vitrina::insights {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMaxDays = 731;

const std::array<const char*, 4> kOutcomes = {"ended", "missed", "failed", "no_show"};
const std::array<const char*, 6> kActions = {"dismiss", "warn",   "block",
                                             "ban",     "uphold", "overturn"};
const std::array<const char*, 3> kTones = {"positive", "neutral", "negative"};
struct Bucket {
  const char* key;
  const char* label;
  std::int64_t from_s;
  std::optional<std::int64_t> to_s;
};
const std::array<Bucket, 6> kLengths = {{{"0", "0-1m", 0, 60},
                                         {"60", "1-3m", 60, 180},
                                         {"180", "3-5m", 180, 300},
                                         {"300", "5-10m", 300, 600},
                                         {"600", "10-20m", 600, 1200},
                                         {"1200", "20m+", 1200, std::nullopt}}};

std::string DayText(store::Day d) { return base::FormatRfc3339(d * kDayMs).substr(0, 10); }

json::value Share(double part, double whole) {
  if (whole <= 0) return nullptr;
  return part / whole;
}
json::value Per1000(double n, double calls) {
  if (calls <= 0) return nullptr;
  return n * 1000.0 / calls;
}
std::int64_t N(double v) { return static_cast<std::int64_t>(v + 0.5); }

using Counts = std::map<std::string, double>;

json::object CountsJson(const Counts& c, std::span<const char* const> keys) {
  json::object o;
  for (const char* k : keys) {
    const auto it = c.find(k);
    o[k] = N(it == c.end() ? 0 : it->second);
  }
  return o;
}

json::object ToneJson(const Counts& tone) {  // keys "side:tone"
  json::object out;
  for (const char* side : {"seller", "buyer"}) {
    json::object o;
    for (const char* t : kTones) {
      const auto it = tone.find(std::string(side) + ":" + t);
      o[t] = N(it == tone.end() ? 0 : it->second);
    }
    out[side] = std::move(o);
  }
  return out;
}

json::array DecileCounts(const Counts& c) {
  json::array a;
  for (int i = 0; i < 10; ++i) {
    const auto it = c.find(std::to_string(i));
    a.emplace_back(N(it == c.end() ? 0 : it->second));
  }
  return a;
}

}  // namespace

json::object ShapeDashboard(const DashboardInput& in) {
  const auto& q = in.query;
  // Per day: outcome counts, flags per category, queue size. Per period: the rest.
  std::map<store::Day, Counts> calls_by_day, flags_by_day;
  std::map<store::Day, double> queue_by_day;
  Counts lengths, talk, tone, flags, complaints, decisions, sla, appeals;
  std::map<store::Day, Counts> zones_by_day;
  double total_calls = 0;
  for (const auto& r : in.rows) {
    if (r.metric == "calls") {
      calls_by_day[r.day][r.key] += r.value;
      total_calls += r.value;
    } else if (r.metric == "duration") {
      lengths[r.key] += r.value;
    } else if (r.metric == "talk_ratio") {
      talk[r.key] += r.value;
    } else if (r.metric == "tone") {
      tone[r.key] += r.value;
    } else if (r.metric == "flags") {
      flags[r.key] += r.value;
      flags_by_day[r.day][r.key] += r.value;
    } else if (r.metric == "complaints") {
      complaints[r.key] += r.value;
    } else if (r.metric == "decisions") {
      decisions[r.key] += r.value;
    } else if (r.metric == "sla") {
      sla[r.key] += r.value;
    } else if (r.metric == "queue") {
      queue_by_day[r.day] += r.value;
    } else if (r.metric == "appeals") {
      appeals[r.key] += r.value;
    } else if (r.metric == "service_level") {
      zones_by_day[r.day][r.key] += r.value;
    }
  }
  std::map<store::Day, Counts> calls_by_day_vertical;  // vertical -> n
  std::map<std::string, Counts> talk_by_vertical, tone_by_vertical;
  std::map<std::string, bool> verticals;
  for (auto v : speech_analytics::kVerticals) verticals[std::string(v)] = true;
  for (const auto& r : in.by_vertical) {
    verticals[r.vertical] = true;
    if (q.vertical && r.vertical != *q.vertical) continue;
    if (r.metric == "calls") {
      calls_by_day_vertical[r.day][r.vertical] += r.value;
    } else if (r.metric == "talk_ratio") {
      talk_by_vertical[r.vertical][r.key] += r.value;
    } else if (r.metric == "tone") {
      tone_by_vertical[r.vertical][r.key] += r.value;
    }
  }

  json::array calls_per_day, queue_per_day;
  json::object flags_per_day;
  for (const auto& [category, n] : flags) flags_per_day[category] = json::array();
  for (store::Day d = q.from; d <= q.to; ++d) {
    const auto& c = calls_by_day[d];
    double n = 0;
    for (const auto& [k, v] : c) n += v;
    json::object by_vertical;
    if (const auto it = calls_by_day_vertical.find(d); it != calls_by_day_vertical.end()) {
      for (const auto& [v, count] : it->second) by_vertical[v] = N(count);
    }
    calls_per_day.push_back(json::object{{"day", DayText(d)},
                                         {"n", N(n)},
                                         {"by_outcome", CountsJson(c, kOutcomes)},
                                         {"by_vertical", std::move(by_vertical)}});
    for (auto& [category, series] : flags_per_day) {
      const auto& fd = flags_by_day[d];
      const auto it = fd.find(category);
      const double fn = it == fd.end() ? 0 : it->second;
      series.as_array().push_back(
          json::object{{"day", DayText(d)}, {"n", N(fn)}, {"per_1000", Per1000(fn, n)}});
    }
    if (const auto it = queue_by_day.find(d); it != queue_by_day.end()) {
      queue_per_day.push_back(json::object{{"day", DayText(d)}, {"open", N(it->second)}});
    }
  }

  json::array call_length;
  for (const auto& b : kLengths) {
    const auto it = lengths.find(b.key);
    call_length.push_back(
        json::object{{"bucket", b.label},
                     {"from_s", b.from_s},
                     {"to_s", b.to_s ? json::value(*b.to_s) : json::value(nullptr)},
                     {"n", N(it == lengths.end() ? 0 : it->second)}});
  }
  json::array complaints_per_1000;
  for (const auto& [category, n] : complaints) {
    complaints_per_1000.push_back(
        json::object{{"category", category}, {"n", N(n)}, {"per_1000", Per1000(n, total_calls)}});
  }
  json::array flags_totals;
  for (const auto& [category, n] : flags) {
    flags_totals.push_back(
        json::object{{"category", category}, {"n", N(n)}, {"per_1000", Per1000(n, total_calls)}});
  }
  double decided = 0;
  for (const auto& [k, v] : decisions) decided += v;
  const double appeals_decided = appeals["upheld"] + appeals["overturned"];
  const double kept = sla["kept"], breached = sla["breached"];

  json::array histogram;
  for (int i = 0; i < 10; ++i) {
    const auto it = talk.find(std::to_string(i));
    histogram.push_back(json::object{{"bucket", std::to_string(i / 10.0).substr(0, 3) + "-" +
                                                    std::to_string((i + 1) / 10.0).substr(0, 3)},
                                     {"from", i / 10.0},
                                     {"to", (i + 1) / 10.0},
                                     {"n", N(it == talk.end() ? 0 : it->second)}});
  }
  json::object talk_by_vertical_json, tone_by_vertical_json;
  for (const auto& [v, c] : talk_by_vertical) talk_by_vertical_json[v] = DecileCounts(c);
  for (const auto& [v, c] : tone_by_vertical) tone_by_vertical_json[v] = ToneJson(c);
  json::object tone_json = ToneJson(tone);
  tone_json["by_vertical"] = std::move(tone_by_vertical_json);

  // Service level: the zones of the last day in the period that has them.
  json::object service_level{
      {"green_share", nullptr}, {"red_share", nullptr}, {"green", 0}, {"red", 0}, {"day", nullptr}};
  if (!zones_by_day.empty()) {
    const auto& [day, z] = *zones_by_day.rbegin();
    const double green = z.contains("green") ? z.at("green") : 0;
    const double red = z.contains("red") ? z.at("red") : 0;
    service_level = json::object{{"green_share", Share(green, green + red)},
                                 {"red_share", Share(red, green + red)},
                                 {"green", N(green)},
                                 {"red", N(red)},
                                 {"day", DayText(day)}};
  }

  json::array vertical_list;
  for (const auto& [v, _] : verticals) vertical_list.emplace_back(v);
  json::object series{
      {"calls_per_day", std::move(calls_per_day)},
      {"call_length", std::move(call_length)},
      {"complaints_per_1000_calls", std::move(complaints_per_1000)},
      {"flags_per_1000_calls", std::move(flags_per_day)},
      {"flags_totals", std::move(flags_totals)},
      {"decisions",
       json::object{{"total", N(decided)},
                    {"by_action", CountsJson(decisions, kActions)},
                    {"appeals", json::object{{"decided", N(appeals_decided)},
                                             {"overturned", N(appeals["overturned"])},
                                             {"overturned_share",
                                              Share(appeals["overturned"], appeals_decided)}}}}},
      {"sla", json::object{{"kept", N(kept)},
                           {"breached", N(breached)},
                           {"kept_share", Share(kept, kept + breached)},
                           {"queue_size", queue_by_day.empty()
                                              ? json::value(nullptr)
                                              : json::value(N(queue_by_day.rbegin()->second))},
                           {"queue_per_day", std::move(queue_per_day)}}},
      {"talk_ratio", json::object{{"histogram", std::move(histogram)},
                                  {"by_vertical", std::move(talk_by_vertical_json)}}},
      {"tone", std::move(tone_json)},
      {"service_level", std::move(service_level)},
  };
  return json::object{
      {"period",
       json::object{{"from", DayText(q.from)}, {"to", DayText(q.to)}, {"days", q.to - q.from + 1}}},
      {"vertical", q.vertical ? json::value(*q.vertical) : json::value(nullptr)},
      {"verticals", std::move(vertical_list)},
      {"computed_at", in.computed_at ? json::value(*in.computed_at) : json::value(nullptr)},
      {"pending_days", in.pending_days},
      {"series", std::move(series)},
  };
}

Result<json::object> DashboardService::Dashboard(std::optional<base::TimeMs> from,
                                                 std::optional<base::TimeMs> to,
                                                 std::optional<std::string> vertical) {
  DashboardInput in;
  in.query.to = service_level::DayOf(to.value_or(clock_.NowMs()));
  in.query.from = from ? service_level::DayOf(*from) : in.query.to - 29;
  if (vertical && vertical->empty()) vertical.reset();
  if (vertical && std::find(speech_analytics::kVerticals.begin(), speech_analytics::kVerticals.end(), *vertical) ==
                      speech_analytics::kVerticals.end()) {
    return base::InvalidArgument("invalid_filter", "vertical must be one of goods, realty, auto, jobs");
  }
  in.query.vertical = vertical;
  if (in.query.from > in.query.to)
    return base::InvalidArgument("invalid_filter", "from is after to");
  if (in.query.to - in.query.from + 1 > kMaxDays) {
    return base::InvalidArgument("invalid_filter",
                                 "the period is longer than " + std::to_string(kMaxDays) + " days");
  }
  TRY(store_.Read([&](store::Tx& tx) -> Result<void> {
    auto& r = tx.rollups();
    in.rows = TRY(r.Read(in.query.from, in.query.to, vertical.value_or(store::kAllVerticals)));
    in.by_vertical =
        TRY(r.ReadByVertical(in.query.from, in.query.to,
                             vertical ? std::vector<std::string>{"calls"}
                                      : std::vector<std::string>{"calls", "talk_ratio", "tone"}));
    in.computed_at = TRY(r.ComputedAt());
    in.pending_days = TRY(r.CountDirty());
    return {};
  }));
  return ShapeDashboard(in);
}

}  // namespace vitrina::insights
