#include "base/metrics.h"

#include <fmt/format.h>

namespace vitrina::base {

Metrics::Metrics()
    : bounds_{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

void Metrics::Describe(std::string name, std::string type, std::string help) {
  std::lock_guard lock(mu_);
  auto& family = families_[std::move(name)];
  family.type = std::move(type);
  family.help = std::move(help);
}

std::string Metrics::RenderLabels(const Labels& labels) {
  std::string out;
  for (const auto& [key, value] : labels) {
    if (!out.empty()) out += ',';
    out += key;
    out += "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out;
}

void Metrics::Add(std::string_view counter, const Labels& labels, double delta) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(counter);
  if (it == families_.end()) it = families_.emplace(std::string(counter), Family{}).first;
  it->second.values[key] += delta;
}

void Metrics::Set(std::string_view gauge, const Labels& labels, double value) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(gauge);
  if (it == families_.end()) it = families_.emplace(std::string(gauge), Family{}).first;
  it->second.values[key] = value;
}

void Metrics::Observe(std::string_view histogram, const Labels& labels, double value) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(histogram);
  if (it == families_.end()) it = families_.emplace(std::string(histogram), Family{}).first;
  auto& h = it->second.histograms[key];
  if (h.bucket_counts.empty()) h.bucket_counts.assign(bounds_.size(), 0);
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) h.bucket_counts[i] += 1;
  }
  h.sum += value;
  h.count += 1;
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) out += fmt::format("# HELP {} {}\n", name, family.help);
    out += fmt::format("# TYPE {} {}\n", name, family.type);
    for (const auto& [labels, value] : family.values) {
      out += labels.empty() ? fmt::format("{} {}\n", name, value)
                            : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
    for (const auto& [labels, h] : family.histograms) {
      const std::string sep = labels.empty() ? "" : ",";
      for (std::size_t i = 0; i < bounds_.size(); ++i) {
        out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds_[i],
                           h.bucket_counts[i]);
      }
      out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, h.count);
      const std::string braces = labels.empty() ? "" : "{" + labels + "}";
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, h.sum, name, braces,
                         h.count);
    }
  }
  return out;
}

}  // namespace vitrina::base
