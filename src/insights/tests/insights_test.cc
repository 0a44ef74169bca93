#include <gtest/gtest.h>

#include "base/time_format.h"
#include "insights/dashboard.h"
#include "insights/exports.h"

namespace vitrina::insights {
namespace {

namespace json = boost::json;
using store::ExportValue;
using store::RollupRow;

constexpr store::Day kDay = 20'402;  // 2025-11-10

DashboardInput Input() {
  DashboardInput in;
  in.query = {kDay, kDay + 2, std::nullopt};
  in.rows = {
      {kDay, "", "calls", "ended", 8},
      {kDay, "", "calls", "missed", 1},
      {kDay, "", "calls", "no_show", 1},
      {kDay + 2, "", "calls", "ended", 10},
      {kDay, "", "duration", "60", 5},
      {kDay + 2, "", "duration", "1200", 3},
      {kDay, "", "flags", "prepayment", 2},
      {kDay + 2, "", "flags", "prepayment", 1},
      {kDay, "", "complaints", "fraud", 4},
      {kDay, "", "talk_ratio", "9", 6},
      {kDay, "", "tone", "seller:negative", 2},
      {kDay, "", "decisions", "warn", 3},
      {kDay, "", "sla", "kept", 3},
      {kDay, "", "sla", "breached", 1},
      {kDay, "", "queue", "open", 7},
      {kDay + 1, "", "queue", "open", 5},
      {kDay, "", "appeals", "overturned", 1},
      {kDay, "", "appeals", "upheld", 3},
      {kDay, "*", "service_level", "green", 1},
      {kDay + 2, "*", "service_level", "green", 3},
      {kDay + 2, "*", "service_level", "red", 1},
  };
  in.by_vertical = {{kDay, "auto", "calls", "ended", 6},
                    {kDay, "goods", "calls", "ended", 4},
                    {kDay, "goods", "talk_ratio", "9", 6}};
  return in;
}

TEST(DashboardTest, EveryDayOfThePeriodHasARowEvenWithoutCalls) {
  const auto d = ShapeDashboard(Input());
  const auto& days = d.at("series").at("calls_per_day").as_array();
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].at("n").as_int64(), 10);
  EXPECT_EQ(days[0].at("by_outcome").at("no_show").as_int64(), 1);
  EXPECT_EQ(days[0].at("by_vertical").at("auto").as_int64(), 6);
  EXPECT_EQ(days[1].at("n").as_int64(), 0);
  EXPECT_EQ(days[1].at("by_outcome").at("ended").as_int64(), 0);
  EXPECT_EQ(days[2].at("day").as_string(), "2025-11-12");
  EXPECT_EQ(d.at("period").at("days").as_int64(), 3);
  EXPECT_EQ(d.at("verticals").as_array().size(), 4u);  // every vertical, with data or not
}

TEST(DashboardTest, RatesArePerThousandCallsOfThePeriodAndOfTheDay) {
  const auto s = ShapeDashboard(Input()).at("series");
  const auto& complaints = s.at("complaints_per_1000_calls").as_array();
  ASSERT_EQ(complaints.size(), 1u);
  EXPECT_DOUBLE_EQ(complaints[0].at("per_1000").as_double(), 4 * 1000.0 / 20);
  const auto& flags = s.at("flags_per_1000_calls").at("prepayment").as_array();
  ASSERT_EQ(flags.size(), 3u);
  EXPECT_DOUBLE_EQ(flags[0].at("per_1000").as_double(), 200.0);  // 2 of 10 calls
  EXPECT_TRUE(flags[1].at("per_1000").is_null());                // no calls that day
  EXPECT_DOUBLE_EQ(s.at("flags_totals").as_array()[0].at("per_1000").as_double(), 150.0);
}

TEST(DashboardTest, ModerationAndServiceLevelFigures) {
  const auto s = ShapeDashboard(Input()).at("series");
  EXPECT_DOUBLE_EQ(s.at("sla").at("kept_share").as_double(), 0.75);
  EXPECT_EQ(s.at("sla").at("queue_size").as_int64(), 5);  // the last day with a snapshot
  EXPECT_EQ(s.at("decisions").at("by_action").at("warn").as_int64(), 3);
  EXPECT_DOUBLE_EQ(s.at("decisions").at("appeals").at("overturned_share").as_double(), 0.25);
  // The zones of the last day that has them, not a sum over days.
  EXPECT_DOUBLE_EQ(s.at("service_level").at("green_share").as_double(), 0.75);
  EXPECT_EQ(s.at("service_level").at("day").as_string(), "2025-11-12");
  EXPECT_EQ(s.at("talk_ratio").at("histogram").as_array()[9].at("n").as_int64(), 6);
  EXPECT_EQ(s.at("talk_ratio").at("by_vertical").at("goods").as_array()[9].as_int64(), 6);
  EXPECT_EQ(s.at("tone").at("seller").at("negative").as_int64(), 2);
  EXPECT_EQ(s.at("call_length").as_array()[5].at("n").as_int64(), 3);
  EXPECT_TRUE(s.at("call_length").as_array()[5].at("to_s").is_null());
}

TEST(DashboardTest, AnEmptySiteHasNullSharesNotDivisionsByZero) {
  DashboardInput in;
  in.query = {kDay, kDay, std::nullopt};
  const auto s = ShapeDashboard(in).at("series");
  EXPECT_TRUE(s.at("sla").at("kept_share").is_null());
  EXPECT_TRUE(s.at("service_level").at("green_share").is_null());
  EXPECT_TRUE(s.at("decisions").at("appeals").at("overturned_share").is_null());
}

std::string Pseudo(store::Id id) { return "u_" + std::to_string(id); }

TEST(ExportEncoderTest, CsvQuotesMasksAndReplacesUsers) {
  const ExportEncoder csv(store::ExportKind::kComplaints, ExportFormat::kCsv, Pseudo);
  EXPECT_EQ(csv.Header(), "call_id,vertical,category,status,reporter,accused,text,created_at\r\n");
  std::string out;
  const ExportValue row[] = {std::int64_t{7},
                             std::string("goods"),
                             std::string("fraud"),
                             std::string("open"),
                             std::int64_t{11},
                             std::int64_t{12},
                             std::string("He said \"pay first\", call +7 916 123-45-67"),
                             std::int64_t{0}};
  csv.Row(row, out);
  EXPECT_EQ(out, "7,goods,fraud,open,u_11,u_12,\"He said \"\"pay first\"\", call [phone]\"," +
                     base::FormatRfc3339(0) + "\r\n");
}

TEST(ExportEncoderTest, CsvDefusesFormulasInWhatPeopleWrote) {
  const ExportEncoder csv(store::ExportKind::kUtterances, ExportFormat::kCsv, Pseudo);
  std::string out;
  const ExportValue row[] = {std::int64_t{1},
                             std::string("buyer"),
                             std::int64_t{2},
                             std::int64_t{0},
                             std::int64_t{10},
                             std::string("ru"),
                             std::string("=HYPERLINK(\"x\")")};
  csv.Row(row, out);
  EXPECT_NE(out.find(",\"'=HYPERLINK(\"\"x\"\")\"\r\n"), std::string::npos) << out;
}

TEST(ExportEncoderTest, JsonLinesHasNamedFieldsNullsAndLists) {
  const ExportEncoder jsonl(store::ExportKind::kCalls, ExportFormat::kJsonl, Pseudo);
  EXPECT_EQ(jsonl.Header(), "");
  std::string out;
  const ExportValue row[] = {std::int64_t{5},
                             std::int64_t{86'400'000},
                             std::int64_t{1000},
                             std::string("auto"),
                             std::string("ended"),
                             std::int64_t{1},
                             std::int64_t{2},
                             0.25,
                             std::monostate{},
                             std::string("neutral"),
                             std::string("contact;prepayment"),
                             std::int64_t{1}};
  jsonl.Row(row, out);
  ASSERT_EQ(out.back(), '\n');
  const auto o = json::parse(out).as_object();
  EXPECT_EQ(o.at("buyer").as_string(), "u_1");
  EXPECT_EQ(o.at("started_at").as_string(), base::FormatRfc3339(86'400'000));
  EXPECT_TRUE(o.at("tone_buyer").is_null());
  EXPECT_EQ(o.at("flags").as_array().size(), 2u);
  EXPECT_DOUBLE_EQ(o.at("talk_ratio_seller").as_double(), 0.25);
}

TEST(ExportEncoderTest, KindsAndFormatsParse) {
  EXPECT_EQ(ParseExportKind("decisions"), store::ExportKind::kDecisions);
  EXPECT_FALSE(ParseExportKind("users"));
  EXPECT_EQ(ParseExportFormat("jsonl"), ExportFormat::kJsonl);
  EXPECT_FALSE(ParseExportFormat("xlsx"));
  for (auto kind :
       {store::ExportKind::kCalls, store::ExportKind::kUtterances, store::ExportKind::kFlags,
        store::ExportKind::kComplaints, store::ExportKind::kDecisions}) {
    for (const auto& c : store::ExportColumns(kind)) {
      // Nothing but the call may be named by an id: users go out as pseudonyms.
      const std::string name = c.name;
      if (name.size() > 3 && name.ends_with("_id")) {
        EXPECT_EQ(name, "call_id") << ExportKindName(kind);
      }
    }
  }
}

}  // namespace
}  // namespace vitrina::insights
