#include "base/metrics.h"

#include <gtest/gtest.h>

namespace vitrina::base {
namespace {

TEST(MetricsTest, RendersCountersWithEscapedLabels) {
  Metrics m;
  m.Describe("requests_total", "counter", "Requests.");
  m.Add("requests_total", {{"route", "/a\"b"}, {"status", "200"}});
  m.Add("requests_total", {{"route", "/a\"b"}, {"status", "200"}}, 2);
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("requests_total{route=\"/a\\\"b\",status=\"200\"} 3"), std::string::npos)
      << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Describe("latency_seconds", "histogram", "Latency.");
  m.Observe("latency_seconds", {{"route", "/x"}}, 0.003);
  m.Observe("latency_seconds", {{"route", "/x"}}, 0.2);
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.001\"} 0"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 2"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/x\"} 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace vitrina::base
