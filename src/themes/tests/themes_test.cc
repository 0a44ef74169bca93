// The small pieces of complaint themes: language guess, determinism, growth, masked examples,
// empty and one-document input, the residual theme, the clustering engine and the metrics.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "themes/cluster_metrics.h"
#include "themes/kmeans.h"
#include "themes/themes.h"

namespace vitrina::themes {
namespace {

ThemeDoc Doc(std::int64_t id, std::string text, std::string language = "en", bool current = true) {
  return ThemeDoc{id, std::move(text), std::move(language), current};
}

// Two plainly different complaint themes, `n` documents each (ids from `first` and
// `first + 100`), worded in nine ways each.
std::vector<ThemeDoc> TwoThemes(int n, std::int64_t first, bool current = true) {
  const char* const money[] = {"deposit", "prepayment", "advance"};
  const char* const how[] = {"paid upfront", "sent money", "wired cash"};
  const char* const abuse[] = {"rudely", "swearing", "yelling"};
  const char* const where[] = {"on the call", "in the chat", "at the meeting"};
  std::vector<ThemeDoc> docs;
  for (int i = 0; i < n; ++i) {
    docs.push_back(Doc(first + i,
                       std::string("seller vanished with my ") + money[i % 3] + ", " +
                           how[(i / 3) % 3],
                       "en", current));
  }
  for (int i = 0; i < n; ++i) {
    docs.push_back(Doc(first + 100 + i,
                       std::string("buyer insulted me ") + abuse[i % 3] + " " + where[(i / 3) % 3],
                       "en", current));
  }
  return docs;
}

const Theme* WithTerm(const std::vector<Theme>& themes, const std::string& term) {
  for (const Theme& t : themes) {
    if (std::find(t.label_terms.begin(), t.label_terms.end(), term) != t.label_terms.end()) {
      return &t;
    }
  }
  return nullptr;
}

TEST(GuessLanguage, ScriptThatDominates) {
  EXPECT_EQ(GuessLanguage("Продавец хамил и угрожал"), "ru");
  EXPECT_EQ(GuessLanguage("The seller was rude"), "en");
  EXPECT_EQ(GuessLanguage("Просит писать в WhatsApp"), "ru");  // 13 Cyrillic, 8 Latin letters
  EXPECT_EQ(GuessLanguage("Asked to move to WhatsApp, said «давай»"), "en");
  EXPECT_EQ(GuessLanguage(""), "en");
  EXPECT_EQ(GuessLanguage("+7 912 345-67-89"), "en");
}

TEST(ClusterThemes, EmptyInputHasNoThemes) {
  EXPECT_TRUE(ClusterThemes({}, ThemeOptions{}).empty());
}

TEST(ClusterThemes, OneDocumentIsOneTheme) {
  const std::vector<Theme> themes =
      ClusterThemes({Doc(7, "Seller demanded a deposit and vanished")}, ThemeOptions{});
  ASSERT_EQ(themes.size(), 1u);
  EXPECT_EQ(themes[0].language, "en");
  EXPECT_EQ(themes[0].size, 1);
  EXPECT_EQ(themes[0].member_ids, std::vector<std::int64_t>{7});
  EXPECT_EQ(themes[0].example_ids, std::vector<std::int64_t>{7});
  EXPECT_FALSE(themes[0].label_terms.empty());
  EXPECT_DOUBLE_EQ(themes[0].growth, 1.0);  // (1 - 0) / max(0, 1)
}

TEST(ClusterThemes, NeverMixesPlainlyDifferentThemes) {
  ThemeOptions options;
  options.max_themes = 5;
  const std::vector<Theme> themes = ClusterThemes(TwoThemes(9, 1), options);
  ASSERT_GE(themes.size(), 2u);
  ASSERT_LE(themes.size(), 5u);
  for (const Theme& t : themes) {
    const bool deposit = t.member_ids.front() < 100;
    for (std::int64_t id : t.member_ids) EXPECT_EQ(id < 100, deposit) << id;
  }
}

TEST(ClusterThemes, SeparatesThemesAndLabelsThemWithWords) {
  ThemeOptions options;
  options.max_themes = 2;
  const std::vector<Theme> themes = ClusterThemes(TwoThemes(9, 1), options);
  ASSERT_EQ(themes.size(), 2u);
  // Labelled with surface words, not stems: "vanished" and "insulted", not "vanish", "insult".
  const Theme* deposit = WithTerm(themes, "vanished");
  const Theme* rude = WithTerm(themes, "insulted");
  ASSERT_NE(deposit, nullptr);
  ASSERT_NE(rude, nullptr);
  ASSERT_NE(deposit, rude);
  EXPECT_EQ(deposit->size, 9);
  EXPECT_EQ(rude->size, 9);
  for (std::int64_t id : deposit->member_ids) EXPECT_LT(id, 100);
  EXPECT_EQ(deposit->label_terms.size(), 5u);
  EXPECT_EQ(deposit->examples.size(), 3u);
  EXPECT_EQ(deposit->example_ids.size(), 3u);
}

TEST(ClusterThemes, PreviousPeriodGivesGrowth) {
  ThemeOptions options;
  options.max_themes = 2;
  std::vector<ThemeDoc> docs = TwoThemes(9, 1);
  for (int i = 0; i < 3; ++i) docs.push_back(Doc(1000 + i, "deposit taken, seller vanished",
                                                 "en", false));
  for (int i = 0; i < 12; ++i) docs.push_back(Doc(2000 + i, "he insulted me, rude", "en", false));
  const std::vector<Theme> themes = ClusterThemes(docs, options);
  const Theme* deposit = WithTerm(themes, "vanished");
  const Theme* rude = WithTerm(themes, "insulted");
  ASSERT_NE(deposit, nullptr);
  ASSERT_NE(rude, nullptr);
  EXPECT_EQ(deposit->previous_size, 3);
  EXPECT_DOUBLE_EQ(deposit->growth, 2.0);  // 9 against 3
  EXPECT_EQ(rude->previous_size, 12);
  EXPECT_DOUBLE_EQ(rude->growth, -0.25);  // 9 against 12
  // Previous documents count only for growth.
  EXPECT_EQ(deposit->size + rude->size, 18);
  for (std::int64_t id : rude->member_ids) EXPECT_LT(id, 1000);
}

TEST(ClusterThemes, ExamplesAreMasked) {
  std::vector<ThemeDoc> docs;
  for (int i = 0; i < 6; ++i) {
    docs.push_back(Doc(i, "Просит писать в вотсап на номер +7 912 345-67-8" + std::to_string(i),
                       "ru"));
  }
  for (int i = 0; i < 6; ++i) docs.push_back(Doc(10 + i, "Продавец хамил и оскорблял меня", "ru"));
  const std::vector<Theme> themes = ClusterThemes(docs, ThemeOptions{});
  const Theme* contacts = WithTerm(themes, "вотсап");
  ASSERT_NE(contacts, nullptr);
  ASSERT_FALSE(contacts->examples.empty());
  for (const std::string& e : contacts->examples) {
    EXPECT_NE(e.find("[phone]"), std::string::npos) << e;
    EXPECT_EQ(e.find("345"), std::string::npos) << e;
  }
  // A masked contact is a term of its own, shown as its token.
  EXPECT_EQ(WithTerm(themes, "[phone]"), contacts);
}

TEST(ClusterThemes, DeterministicAndIndependentOfInputOrder) {
  std::vector<ThemeDoc> docs = TwoThemes(12, 1);
  docs.push_back(Doc(500, "the price in the listing was lower than on the call"));
  docs.push_back(Doc(501, "asked a higher price than in the listing"));
  const std::vector<Theme> a = ClusterThemes(docs, ThemeOptions{});
  std::reverse(docs.begin(), docs.end());
  const std::vector<Theme> b = ClusterThemes(docs, ThemeOptions{});
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].label_terms, b[i].label_terms);
    EXPECT_EQ(a[i].member_ids, b[i].member_ids);
    EXPECT_EQ(a[i].example_ids, b[i].example_ids);
  }
}

TEST(ClusterThemes, LanguagesApartAndGuessedWhenMissing) {
  std::vector<ThemeDoc> docs = TwoThemes(4, 1);
  docs.push_back(Doc(300, "Продавец взял предоплату и пропал", ""));
  docs.push_back(Doc(301, "Взял предоплату и пропал", ""));
  const std::vector<Theme> themes = ClusterThemes(docs, ThemeOptions{});
  ASSERT_FALSE(themes.empty());
  EXPECT_EQ(themes.front().language, "en");
  EXPECT_EQ(themes.back().language, "ru");
  std::int64_t ru = 0;
  for (const Theme& t : themes) {
    if (t.language == "ru") ru += t.size;
  }
  EXPECT_EQ(ru, 2);
}

TEST(ClusterThemes, TextsWithoutTermsGoToTheResidualTheme) {
  std::vector<ThemeDoc> docs = TwoThemes(6, 1);
  docs.push_back(Doc(900, "and so it was 12:00"));
  const std::vector<Theme> themes = ClusterThemes(docs, ThemeOptions{});
  ASSERT_FALSE(themes.empty());
  const Theme& residual = themes.back();
  EXPECT_TRUE(residual.label_terms.empty());
  EXPECT_EQ(residual.member_ids, std::vector<std::int64_t>{900});
  EXPECT_EQ(residual.size, 1);
}

TEST(ClusterThemes, NumberOfThemesStaysInTheRange) {
  ThemeOptions options;
  options.min_themes = 3;
  options.max_themes = 3;
  EXPECT_EQ(ClusterThemes(TwoThemes(9, 1), options).size(), 3u);
  options.min_themes = 1;
  options.max_themes = 1;
  EXPECT_EQ(ClusterThemes(TwoThemes(9, 1), options).size(), 1u);
}

SparseVector Unit(std::vector<TermWeight> v) {
  double norm = 0;
  for (const TermWeight& tw : v) norm += tw.weight * tw.weight;
  for (TermWeight& tw : v) tw.weight = static_cast<float>(tw.weight / std::sqrt(norm));
  return v;
}

TEST(KMeans, ChoosesTheNumberOfSeparatedGroups) {
  // Four groups on disjoint terms, members differing in a private term each.
  std::vector<SparseVector> vectors;
  for (std::uint32_t g = 0; g < 4; ++g) {
    for (std::uint32_t m = 0; m < 8; ++m) {
      vectors.push_back(Unit({{g * 2, 1.0f}, {g * 2 + 1, 0.8f}, {100 + g * 10 + m, 0.3f}}));
    }
  }
  std::vector<const SparseVector*> docs;
  for (const SparseVector& v : vectors) docs.push_back(&v);
  const KChoice choice = ChooseK(docs, 200, 2, 10, 1);
  EXPECT_EQ(choice.k, 4);
  EXPECT_EQ(choice.silhouettes.size(), 9u);
  const Clustering c = SphericalKMeans(docs, 200, 4, 1);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                      2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3},
                                     c.assignment),
                   1.0);
  EXPECT_EQ(Nearest(c, *docs[9]).first, c.assignment[9]);
}

TEST(ClusterMetrics, PurityAndAdjustedRand) {
  EXPECT_DOUBLE_EQ(Purity({0, 0, 1, 1}, {5, 5, 7, 7}), 1.0);
  EXPECT_DOUBLE_EQ(Purity({0, 0, 1, 1}, {0, 0, 0, 0}), 0.5);
  EXPECT_DOUBLE_EQ(Purity({0, 1, 2}, {0, 1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 1, 1}, {1, 1, 0, 0}), 1.0);
  // Values from the contingency-table formula, as scikit-learn's adjusted_rand_score gives them.
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 1, 1}, {0, 0, 1, 2}), 0.5714285714, 1e-9);
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 1, 2}, {0, 0, 1, 1}), 0.5714285714, 1e-9);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 0, 0}, {0, 1, 2, 3}), 0.0);
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 1, 1}, {0, 1, 0, 1}), -0.5, 1e-9);
}

}  // namespace
}  // namespace vitrina::themes
