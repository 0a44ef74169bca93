// Complaint themes against the labelled set tests/data/themes/complaints.tsv (its README.md):
// each language clustered on its own with the default options, as the service would, and the
// themes compared with the hand labels by purity and adjusted Rand index. Prints the table
// docs/quality.md "## Complaint themes" quotes and fails if either figure drops below a floor
// set a little under the measured value. VITRINA_THEMES_EVAL_VERBOSE=1 also prints every
// theme with its labels, size and the hand labels of its members.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "themes/cluster_metrics.h"
#include "themes/themes.h"

namespace vitrina::themes {
namespace {

struct Row {
  std::string language;
  std::string label;
  std::string text;
};

std::vector<Row> ReadSet() {
  std::ifstream in(std::string(VITRINA_THEMES_TEST_DATA) + "/complaints.tsv");
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) f.push_back(field);
    if (f.size() != 3) continue;
    rows.push_back({f[0], f[1], f[2]});
  }
  return rows;
}

struct Score {
  std::size_t docs = 0;
  std::size_t labels = 0;
  std::size_t themes = 0;
  double purity = 0;
  double ari = 0;
};

Score Evaluate(const std::vector<Row>& rows, const std::string& language, bool verbose) {
  std::vector<ThemeDoc> docs;
  std::vector<int> labels;
  std::map<std::string, int> label_ids;
  std::vector<std::string> label_of_doc;
  for (const Row& r : rows) {
    if (r.language != language) continue;
    docs.push_back({static_cast<std::int64_t>(docs.size()), r.text, r.language, true});
    labels.push_back(label_ids.try_emplace(r.label, static_cast<int>(label_ids.size()))
                         .first->second);
    label_of_doc.push_back(r.label);
  }
  const std::vector<Theme> themes = ClusterThemes(docs, ThemeOptions{});
  std::vector<int> clusters(docs.size(), -1);
  for (std::size_t t = 0; t < themes.size(); ++t) {
    std::map<std::string, int> members;
    for (std::int64_t id : themes[t].member_ids) {
      clusters[static_cast<std::size_t>(id)] = static_cast<int>(t);
      ++members[label_of_doc[static_cast<std::size_t>(id)]];
    }
    if (verbose) {
      std::string terms, mix;
      for (const std::string& w : themes[t].label_terms) terms += (terms.empty() ? "" : ", ") + w;
      for (const auto& [label, n] : members) mix += " " + label + ":" + std::to_string(n);
      std::printf("  %s theme %zu (%lld): %s |%s\n", language.c_str(), t,
                  static_cast<long long>(themes[t].size), terms.c_str(), mix.c_str());
    }
  }
  for (int c : clusters) EXPECT_GE(c, 0) << "every document is in a theme";
  return {docs.size(), label_ids.size(), themes.size(), Purity(labels, clusters),
          AdjustedRandIndex(labels, clusters)};
}

TEST(ThemesEval, LabelledSet) {
  const std::vector<Row> rows = ReadSet();
  ASSERT_GE(rows.size(), 300u) << "tests/data/themes/complaints.tsv";
  const bool verbose = std::getenv("VITRINA_THEMES_EVAL_VERBOSE") != nullptr;
  std::printf("| language | texts | labels | themes found | purity | adjusted Rand index |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::map<std::string, Score> scores;
  for (const char* language : {"ru", "en"}) {
    const Score s = Evaluate(rows, language, verbose);
    scores[language] = s;
    std::printf("| %s | %zu | %zu | %zu | %.3f | %.3f |\n", language, s.docs, s.labels, s.themes,
                s.purity, s.ari);
  }
  // Floors a little under the measured values (docs/quality.md: ru 0.529 / 0.181, en 0.553 /
  // 0.186 with the default seed): a regression fails here. Plain TF-IDF without the latent
  // space measured ru 0.478 / 0.137 and en 0.427 / 0.098 (mean of seeds 1-5), so dropping
  // LSA fails the ARI floors.
  EXPECT_GE(scores["ru"].purity, 0.49);
  EXPECT_GE(scores["ru"].ari, 0.15);
  EXPECT_GE(scores["en"].purity, 0.50);
  EXPECT_GE(scores["en"].ari, 0.155);
}

}  // namespace
}  // namespace vitrina::themes
