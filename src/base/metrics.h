#pragma once
// In-process metrics rendered in the Prometheus text exposition format.
// Thread-safe; one registry per process (owned by the app, passed by reference).

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::base {

class Metrics {
 public:
  // Label set rendered as Prometheus labels, e.g. {{"route","/x"},{"status","200"}}.
  using Labels = std::vector<std::pair<std::string, std::string>>;

  Metrics();

  void Describe(std::string name, std::string type, std::string help);
  void Add(std::string_view counter, const Labels& labels, double delta = 1);
  void Set(std::string_view gauge, const Labels& labels, double value);
  // Adds one observation to a histogram with the default latency buckets (seconds).
  void Observe(std::string_view histogram, const Labels& labels, double value);

  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::vector<double> bucket_counts;  // cumulative counts per bound in bounds_
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type = "untyped";
    std::string help;
    std::map<std::string, double> values;         // rendered labels -> value
    std::map<std::string, Histogram> histograms;  // rendered labels -> histogram
  };

  static std::string RenderLabels(const Labels& labels);

  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace vitrina::base
