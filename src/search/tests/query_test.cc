#include "search/query.h"

#include <gtest/gtest.h>

#include "search/text.h"

namespace vitrina::search {
namespace {

std::string Debug(std::string_view q) {
  auto parsed = ParseQuery(q);
  if (!parsed) return "error: " + parsed.error().message;
  return parsed->Debug();
}

std::string Fts(std::string_view q) {
  auto parsed = ParseQuery(q);
  if (!parsed) return "error: " + parsed.error().message;
  return parsed->ToFts();
}

void ExpectBad(std::string_view q, std::string_view message_part) {
  auto parsed = ParseQuery(q);
  ASSERT_FALSE(parsed) << q << " parsed as " << parsed->Debug();
  EXPECT_EQ(parsed.error().kind, base::ErrorKind::kInvalidArgument);
  EXPECT_EQ(parsed.error().code, "bad_query");
  EXPECT_NE(parsed.error().message.find(message_part), std::string::npos)
      << q << ": " << parsed.error().message;
}

TEST(Query, PlainWordsAreAnded) {
  EXPECT_EQ(Debug("карта"), "\"карта\"");
  EXPECT_EQ(Fts("карта"), "\"карта\"");
  EXPECT_EQ(Debug("Оплата  КАРТОЙ"), "(AND \"оплата\" \"картой\")");
  EXPECT_EQ(Fts("Оплата  КАРТОЙ"), "(\"оплата\" AND \"картой\")");
}

TEST(Query, Phrases) {
  EXPECT_EQ(Debug("\"new Phone\" case"), "(AND \"new phone\" \"case\")");
  EXPECT_EQ(Fts("\"new phone\""), "\"new phone\"");
  // Empty phrases and punctuation-only words are dropped, not errors, if something remains.
  EXPECT_EQ(Debug("\"\" phone !!!"), "\"phone\"");
}

TEST(Query, Or) {
  EXPECT_EQ(Debug("cash OR card"), "(OR \"cash\" \"card\")");
  EXPECT_EQ(Fts("cash OR card"), "(\"cash\" OR \"card\")");
  // OR binds looser than the implicit AND.
  EXPECT_EQ(Debug("pay cash OR card"), "(OR (AND \"pay\" \"cash\") \"card\")");
  EXPECT_EQ(Debug("pay (cash OR card)"), "(AND \"pay\" (OR \"cash\" \"card\"))");
  EXPECT_EQ(Fts("pay (cash OR card)"), "(\"pay\" AND (\"cash\" OR \"card\"))");
  // Lower-case "or" is a word.
  EXPECT_EQ(Debug("cash or card"), "(AND \"cash\" \"or\" \"card\")");
}

TEST(Query, Exclusions) {
  EXPECT_EQ(Debug("phone -case"), "(AND \"phone\" (NOT \"case\"))");
  EXPECT_EQ(Fts("phone -case -\"screen protector\""),
            "((\"phone\") NOT (\"case\" OR \"screen protector\"))");
  EXPECT_EQ(Debug("phone -(case OR cover)"), "(AND \"phone\" (NOT (OR \"case\" \"cover\")))");
  // A hyphen inside a word is not an exclusion: the parts stay together as a phrase.
  EXPECT_EQ(Debug("e-mail"), "\"e mail\"");
  EXPECT_EQ(Debug("кто-то"), "\"кто то\"");
}

TEST(Query, OnlyExclusionsIsAnError) {
  ExpectBad("-phone", "Exclusions");
  ExpectBad("-phone -case", "Exclusions");
  ExpectBad("phone OR -case", "Exclusions");
  ExpectBad("(-case) phone", "Exclusions");
}

TEST(Query, Prefixes) {
  EXPECT_EQ(Debug("charg*"), "\"charg\"*");
  EXPECT_EQ(Fts("charg*"), "\"charg\"*");
  EXPECT_EQ(Fts("КАРТ*"), "\"карт\"*");
  // Words before the prefix in a phrase are stemmed as usual: their own FTS5 string.
  EXPECT_EQ(Fts("\"new pho\"*"), "\"new\" + \"pho\"*");
  EXPECT_EQ(Fts("e-ma*"), "\"e\" + \"ma\"*");
  ExpectBad("a*", "at least 2");
  ExpectBad("ё*", "at least 2");
  EXPECT_EQ(Debug("ёл*"), "\"ел\"*");  // 2 characters, 4 bytes
  // A star that does not follow a letter is punctuation.
  EXPECT_EQ(Debug("phone *"), "\"phone\"");
  EXPECT_EQ(Debug("phone-*"), "\"phone\"");
}

TEST(Query, Errors) {
  ExpectBad("", "empty");
  ExpectBad("   \t ", "empty");
  ExpectBad("\"unclosed phrase", "quotation");
  ExpectBad("(a b", "not closed");
  ExpectBad("a b)", "no opening");
  ExpectBad("OR a", "OR needs");
  ExpectBad("a OR", "OR needs");
  ExpectBad("a OR OR b", "OR needs");
  ExpectBad("(a OR) b", "OR needs");
  ExpectBad("!!! ... ---", "no words");
  ExpectBad("()", "no words");
  ExpectBad(std::string(kMaxQueryBytes + 1, 'a'), "too long");
  std::string many;
  for (std::size_t i = 0; i <= kMaxQueryTerms; ++i) many += "w" + std::to_string(i) + " ";
  ExpectBad(many, "too many");
  std::string deep(kMaxQueryDepth + 1, '(');
  deep += "a" + std::string(kMaxQueryDepth + 1, ')');
  ExpectBad(deep, "nested");
  EXPECT_TRUE(ParseQuery(std::string(kMaxQueryDepth, '(') + "a" + std::string(kMaxQueryDepth, ')')));
}

TEST(Query, NoFts5SyntaxGetsThrough) {
  // Column filters, NEAR, initial-token ^, tags, + and {} are all plain separators.
  EXPECT_EQ(Fts("text:foo"), "\"text foo\"");
  EXPECT_EQ(Fts("tags:_u1"), "\"tags u1\"");
  EXPECT_EQ(Fts("{tags}:x"), "\"tags x\"");
  EXPECT_EQ(Fts("_u1"), "\"u1\"");
  EXPECT_EQ(Fts("_sbuyer _vgoods"), "(\"sbuyer\" AND \"vgoods\")");
  EXPECT_EQ(Fts("^x"), "\"x\"");
  EXPECT_EQ(Fts("a+b"), "\"a b\"");
  EXPECT_EQ(Fts("NEAR(a b)"), "(\"near\" AND (\"a\" AND \"b\"))");
  EXPECT_EQ(Fts("a AND b NOT c"), "(\"a\" AND \"and\" AND \"b\" AND \"not\" AND \"c\")");
  EXPECT_EQ(Fts("\"a\"\"b\""), "(\"a\" AND \"b\")");
  EXPECT_EQ(Fts("x\" OR \"y"), "(\"x\" AND \"or\" AND \"y\")");
  EXPECT_EQ(Fts("col:\"a b\""), "(\"col\" AND \"a b\")");
  // Every output character outside quotes is ours: operators, parentheses, + and *.
  for (const char* q : {"text:foo", "{text tags}: x", "NEAR(a b, 2)", "a^b", "*ab*", "'a' 'b'",
                        "a\\\"b\"", "x;DROP TABLE t", "_c1 OR _u2"}) {
    auto parsed = ParseQuery(q);
    ASSERT_TRUE(parsed) << q;
    const std::string fts = parsed->ToFts();
    bool quoted = false;
    std::string outside;
    for (char c : fts) {
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (!quoted) outside.push_back(c);
    }
    EXPECT_EQ(outside.find_first_not_of("() ANDORT+*"), std::string::npos) << q << " -> " << fts;
    EXPECT_EQ(fts.find('_'), std::string::npos) << q << " -> " << fts;
    EXPECT_EQ(fts.find(':'), std::string::npos) << q << " -> " << fts;
  }
}

TEST(Query, TermsForHighlighting) {
  auto q = ParseQuery("Картой \"new phones\" charg* -case (cash OR картой)");
  ASSERT_TRUE(q);
  const std::vector<QueryTerm> expected = {
      {NormalizeWord("картой"), false},
      {"new", false},
      {NormalizeWord("phones"), false},
      {"charg", true},
      {NormalizeWord("cash"), false},
  };
  EXPECT_EQ(q->terms(), expected);
}

TEST(Query, InvalidUtf8DoesNotBreakParsing) {
  auto q = ParseQuery("ab\xFF\xFE cd");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Debug(), "(AND \"ab\" \"cd\")");
  EXPECT_FALSE(ParseQuery("\xFF\xFE\xFD"));
}

}  // namespace
}  // namespace vitrina::search
