// The tokenizer and the stats function inside a real FTS5 table, queried with ParseQuery.
#include "search/fts5_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "search/query.h"
#include "search/rank.h"

namespace vitrina::search {
namespace {

class Fts5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(RegisterFts5Tokenizer(db_));
    ASSERT_TRUE(RegisterFts5StatsFunction(db_));
    Exec("CREATE VIRTUAL TABLE t USING fts5(text, tags, tokenize = 'vitrina')");
    const char* rows[] = {
        "Можно оплатить картой?",                  // 1
        "Только наличные, карту не принимаю",      // 2
        "The battery is charging",                 // 3
        "Two batteries, both charged",             // 4
        "Ёлка стоит в углу",                       // 5
        "елка новая, iPhone13 в подарок",          // 6
        "a new phone and a case",                  // 7
        "phone new, old case",                     // 8
        "text foo appears here _u1",               // 9
        "картошка свежая",                         // 10
    };
    int id = 1;
    for (const char* text : rows) {
      sqlite3_stmt* s = nullptr;
      sqlite3_prepare_v2(db_, "INSERT INTO t(rowid, text, tags) VALUES (?1, ?2, ?3)", -1, &s, nullptr);
      sqlite3_bind_int(s, 1, id);
      sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
      const std::string tags = "_u" + std::to_string(100 + id % 2) + " _sbuyer";
      sqlite3_bind_text(s, 3, tags.c_str(), -1, SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(s), SQLITE_DONE) << sqlite3_errmsg(db_);
      sqlite3_finalize(s);
      ++id;
    }
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  }

  // Row ids matching `match` (raw FTS5), ascending; {-1} on an FTS5 error.
  std::set<int> Raw(const std::string& match) {
    std::set<int> out;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &s, nullptr);
    sqlite3_bind_text(s, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.insert(sqlite3_column_int(s, 0));
    if (rc != SQLITE_DONE) out = {-1};
    sqlite3_finalize(s);
    return out;
  }

  // The user's query on the text column, as the store runs it.
  std::set<int> Find(const std::string& q) {
    auto parsed = ParseQuery(q);
    EXPECT_TRUE(parsed) << q;
    if (!parsed) return {-2};
    return Raw("{text} : (" + parsed->ToFts() + ")");
  }

  sqlite3* db_ = nullptr;
};

using Ids = std::set<int>;

TEST_F(Fts5Test, RussianMorphology) {
  EXPECT_EQ(Find("карта"), (Ids{1, 2}));
  EXPECT_EQ(Find("КАРТОЙ"), (Ids{1, 2}));
  EXPECT_EQ(Find("ёлка"), (Ids{5, 6}));
  EXPECT_EQ(Find("елки"), (Ids{5, 6}));
  EXPECT_EQ(Find("наличными"), (Ids{2}));
}

TEST_F(Fts5Test, EnglishStemming) {
  EXPECT_EQ(Find("charge"), (Ids{3, 4}));
  EXPECT_EQ(Find("battery"), (Ids{3, 4}));
  EXPECT_EQ(Find("batteries charging"), (Ids{3, 4}));
  EXPECT_EQ(Find("iphone13"), (Ids{6}));
  EXPECT_EQ(Find("iphone"), (Ids{}));
}

TEST_F(Fts5Test, PhrasesOrNotPrefix) {
  EXPECT_EQ(Find("new phone"), (Ids{7, 8}));
  EXPECT_EQ(Find("\"new phone\""), (Ids{7}));
  EXPECT_EQ(Find("\"phone new\""), (Ids{8}));
  EXPECT_EQ(Find("battery OR картой"), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(Find("phone -old"), (Ids{7}));
  EXPECT_EQ(Find("phone -\"old case\""), (Ids{7}));
  // -charged excludes every form of the stem, "charging" too.
  EXPECT_EQ(Find("(battery OR phone) -charged -old"), (Ids{7}));
  EXPECT_EQ(Find("(battery OR phone) -old"), (Ids{3, 4, 7}));
  EXPECT_EQ(Find("карт*"), (Ids{1, 2, 10}));
  EXPECT_EQ(Find("карто*"), (Ids{10}));
  EXPECT_EQ(Find("charg*"), (Ids{3, 4}));
  EXPECT_EQ(Find("\"new pho\"*"), (Ids{7}));
  EXPECT_EQ(Find("ёлк*"), (Ids{5, 6}));
}

TEST_F(Fts5Test, UserTextNeverReachesTagsOrSyntax) {
  // Tags are found by the store's own tag query...
  EXPECT_EQ(Raw("{tags} : \"_u101\""), (Ids{1, 3, 5, 7, 9}));
  // ...but no user query can produce one, nor leave the text column.
  EXPECT_EQ(Find("_u101"), (Ids{}));
  EXPECT_EQ(Find("tags:_u101"), (Ids{}));
  EXPECT_EQ(Find("{tags}:_u101"), (Ids{}));
  EXPECT_EQ(Find("text:foo"), (Ids{9}));   // the words, as a phrase
  EXPECT_EQ(Find("_sbuyer"), (Ids{}));
  for (const char* q : {"NEAR(phone case)", "^phone", "a+b", "phone*case", "\"\"\"", "x\" OR \"y",
                        "{text}", "phone:", "* OR *x"}) {
    auto parsed = ParseQuery(q);
    if (!parsed) continue;  // rejected is fine; what is accepted must be valid FTS5
    EXPECT_NE(Raw("{text} : (" + parsed->ToFts() + ")"), (Ids{-1})) << q << " -> " << parsed->ToFts();
  }
}

TEST_F(Fts5Test, StatsFunctionCountsTextInstancesPerPhrase) {
  auto parsed = ParseQuery("phone OR case");
  ASSERT_TRUE(parsed);
  const std::string match = "{text} : (" + parsed->ToFts() + ") AND {tags} : \"_sbuyer\"";
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db_, "SELECT rowid, vitrina_stats(t) FROM t WHERE t MATCH ?1 ORDER BY rowid",
                     -1, &s, nullptr);
  sqlite3_bind_text(s, 1, match.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::vector<std::int32_t>> rows;
  TierScorer scorer;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const void* blob = sqlite3_column_blob(s, 1);
    const int bytes = sqlite3_column_bytes(s, 1);
    std::vector<std::int32_t> v(static_cast<std::size_t>(bytes) / 4);
    std::memcpy(v.data(), blob, v.size() * 4);
    rows.push_back(v);
    scorer.Add(blob, bytes);
  }
  sqlite3_finalize(s);
  // Rows 7 ("a new phone and a case") and 8 ("phone new, old case"): [tokens, phone, case, tag].
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::int32_t>{6, 1, 1, 0}));
  EXPECT_EQ(rows[1], (std::vector<std::int32_t>{4, 1, 1, 0}));
  const auto scores = scorer.Scores();
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_LT(scores[0], 0);
  EXPECT_LT(scores[1], scores[0]) << "same matches in a shorter row rank higher";
}

TEST(TierScorer, RarerPhrasesWeighMoreAndScoresAreDeterministic) {
  TierScorer a;
  // Three rows: [len, tf common, tf rare].
  const std::int32_t rows[3][3] = {{10, 1, 0}, {10, 1, 0}, {10, 0, 1}};
  for (const auto& r : rows) a.Add(r, sizeof(r));
  const auto s = a.Scores();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_LT(s[2], s[0]) << "the row with the rare phrase ranks first";
  EXPECT_EQ(s[0], s[1]);
  TierScorer b;
  for (const auto& r : rows) b.Add(r, sizeof(r));
  EXPECT_EQ(b.Scores(), s);
  // A malformed blob is a row without matches, not a crash.
  TierScorer c;
  c.Add(rows[0], sizeof(rows[0]));
  c.Add("xy", 2);
  c.Add(nullptr, 0);
  const auto sc = c.Scores();
  ASSERT_EQ(sc.size(), 3u);
  EXPECT_EQ(sc[1], 0);
  EXPECT_EQ(sc[2], 0);
}

}  // namespace
}  // namespace vitrina::search
