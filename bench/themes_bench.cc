// Complaint themes (src/themes/themes.h) at scale: ClusterThemes on 100,000 generated complaints,
// half Russian, half English, plus 20,000 of the previous period for growth. The texts recombine
// the clauses of the labelled set tests/data/themes/complaints.tsv within one hand label (one to
// three clauses, each from a different complaint of that label) with random variation: a phone
// number, a price, a leading word, upper-case first letter or not. Reports the time, the themes
// found and, since every text keeps its label, purity and adjusted Rand index against it.
// Results: docs/quality.md and docs/PERFORMANCE.md "## Complaint themes".
//
//   vitrina_themes_bench [--benchmark_filter=Themes]

#include <benchmark/benchmark.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "themes/cluster_metrics.h"
#include "themes/kmeans.h"
#include "themes/themes.h"

namespace {

using namespace vitrina::themes;

struct Source {
  std::string language;
  int label = 0;
  std::vector<std::vector<std::string>> clauses;  // per complaint of this label
};

// The labelled complaints cut into clauses at , . : ; ! ? and dashes.
std::vector<Source> ReadSources() {
  std::ifstream in(std::string(VITRINA_SOURCE_DIR) + "/tests/data/themes/complaints.tsv");
  std::map<std::pair<std::string, std::string>, Source> by_label;
  std::map<std::string, int> label_ids;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) f.push_back(field);
    if (f.size() != 3) continue;
    Source& s = by_label[{f[0], f[1]}];
    s.language = f[0];
    s.label = label_ids.try_emplace(f[1], static_cast<int>(label_ids.size())).first->second;
    std::vector<std::string> clauses;
    std::string current;
    for (std::size_t i = 0; i < f[2].size(); ++i) {
      const char c = f[2][i];
      const bool dash = f[2].compare(i, 3, "\xE2\x80\x94") == 0;  // em dash
      if (c == ',' || c == '.' || c == ':' || c == ';' || c == '!' || c == '?' || dash) {
        if (current.find_first_not_of(' ') != std::string::npos) clauses.push_back(current);
        current.clear();
        if (dash) i += 2;
      } else {
        current.push_back(c);
      }
    }
    if (current.find_first_not_of(' ') != std::string::npos) clauses.push_back(current);
    s.clauses.push_back(std::move(clauses));
  }
  std::vector<Source> out;
  for (auto& [key, s] : by_label) out.push_back(std::move(s));
  return out;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct Corpus {
  std::vector<ThemeDoc> docs;
  std::map<std::int64_t, int> label;  // current documents
};

Corpus Generate(std::size_t current, std::size_t previous, std::uint64_t seed) {
  const std::vector<Source> sources = ReadSources();
  Rng rng(seed);
  const char* const ru_lead[] = {"", "", "", "Жалоба: ", "Здравствуйте, ", "Срочно! ", "Опять "};
  const char* const en_lead[] = {"", "", "", "Complaint: ", "Hello, ", "Urgent! ", "Again, "};
  Corpus corpus;
  for (std::size_t i = 0; i < current + previous; ++i) {
    const Source& s = sources[rng.Below(sources.size())];
    const bool ru = s.language == "ru";
    std::string text = ru ? ru_lead[rng.Below(7)] : en_lead[rng.Below(7)];
    const std::size_t parts = 1 + rng.Below(3);
    for (std::size_t p = 0; p < parts; ++p) {
      const std::vector<std::string>& from = s.clauses[rng.Below(s.clauses.size())];
      if (p > 0) text += ", ";
      text += Trim(from[rng.Below(from.size())]);
    }
    switch (rng.Below(8)) {
      case 0:
        text += ru ? ", номер +7 9" : ", number +1 415 555 0";
        for (int d = 0; d < (ru ? 9 : 3); ++d) text += static_cast<char>('0' + rng.Below(10));
        break;
      case 1:
        text += ru ? ", сумма " + std::to_string(500 + rng.Below(50000)) + " руб"
                   : ", amount $" + std::to_string(5 + rng.Below(900));
        break;
      default:
        break;
    }
    text += '.';
    const auto id = static_cast<std::int64_t>(i);
    const bool is_current = i < current;
    corpus.docs.push_back({id, std::move(text), s.language, is_current});
    if (is_current) corpus.label[id] = s.label;
  }
  return corpus;
}

void BM_ClusterThemes(benchmark::State& state) {
  const Corpus corpus = Generate(static_cast<std::size_t>(state.range(0)),
                                 static_cast<std::size_t>(state.range(0)) / 5, 42);
  std::vector<Theme> themes;
  for (auto _ : state) {
    themes = ClusterThemes(corpus.docs, ThemeOptions{});
    benchmark::DoNotOptimize(themes.data());
  }
  std::map<std::string, std::pair<std::vector<int>, std::vector<int>>> by_language;
  std::map<std::string, int> count;
  for (std::size_t t = 0; t < themes.size(); ++t) {
    auto& [labels, clusters] = by_language[themes[t].language];
    ++count[themes[t].language];
    for (std::int64_t id : themes[t].member_ids) {
      labels.push_back(corpus.label.at(id));
      clusters.push_back(static_cast<int>(t));
    }
  }
  for (const auto& [language, lc] : by_language) {
    state.counters[language + "_themes"] = count[language];
    state.counters[language + "_purity"] = Purity(lc.first, lc.second);
    state.counters[language + "_ari"] = AdjustedRandIndex(lc.first, lc.second);
  }
  state.counters["docs_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ClusterThemes)->Name("Themes/cluster")->Arg(10000)->Arg(100000)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
