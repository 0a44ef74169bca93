#include "search/highlight.h"

#include <gtest/gtest.h>

#include "search/text.h"

namespace vitrina::search {
namespace {

std::vector<QueryTerm> Terms(std::string_view q) {
  auto parsed = ParseQuery(q);
  EXPECT_TRUE(parsed) << q;
  return parsed ? parsed->terms() : std::vector<QueryTerm>{};
}

TEST(Snippet, MarksInflectedFormsAndKeepsTheOriginalText) {
  EXPECT_EQ(Snippet("Можно оплатить Картой или наличными?", Terms("карта")),
            "Можно оплатить <mark>Картой</mark> или наличными?");
  EXPECT_EQ(Snippet("The battery was charging; batteries charged.", Terms("charge battery")),
            "The <mark>battery</mark> was <mark>charging</mark>; <mark>batteries</mark> "
            "<mark>charged</mark>.");
  EXPECT_EQ(Snippet("Ёлка и елка", Terms("ЁЛКА")), "<mark>Ёлка</mark> и <mark>елка</mark>");
}

TEST(Snippet, EscapesHtml) {
  EXPECT_EQ(Snippet("<script>alert('card')</script> & \"card\"", Terms("card")),
            "&lt;script&gt;alert(&#39;<mark>card</mark>&#39;)&lt;/script&gt; &amp; "
            "&quot;<mark>card</mark>&quot;");
  // A query word that looks like markup is only ever text.
  EXPECT_EQ(Snippet("mark the <mark> tag", Terms("mark")),
            "<mark>mark</mark> the &lt;<mark>mark</mark>&gt; tag");
}

TEST(Snippet, PhraseWordsPrefixesAndExclusions) {
  EXPECT_EQ(Snippet("a new phone, new case, old phone", Terms("\"new phone\"")),
            "a <mark>new</mark> <mark>phone</mark>, <mark>new</mark> case, old "
            "<mark>phone</mark>");
  EXPECT_EQ(Snippet("charger, charging, chart", Terms("charg*")),
            "<mark>charger</mark>, <mark>charging</mark>, chart");
  EXPECT_EQ(Snippet("картошка и карта", Terms("карто*")), "<mark>картошка</mark> и карта");
  EXPECT_EQ(Snippet("phone case", Terms("phone -case")), "<mark>phone</mark> case");
}

TEST(Snippet, LongTextIsCutAroundTheFirstMatch) {
  std::string before, after;
  for (int i = 0; i < 60; ++i) before += "lorem ";
  for (int i = 0; i < 60; ++i) after += " ipsum";
  const std::string text = before + "доставка" + after;
  const std::string s = Snippet(text, Terms("доставкой"), 100);
  EXPECT_EQ(s.rfind("…", 0), 0u) << s;  // starts with an ellipsis
  EXPECT_NE(s.find("<mark>доставка</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.substr(s.size() - 3), "…") << s;
  const std::size_t visible = CodePointCount(s) - CodePointCount("<mark></mark>");
  EXPECT_LE(visible, 100u + 2) << s;
  EXPECT_GE(visible, 80u) << s;
  // No word is cut: every piece between spaces is a whole word.
  EXPECT_EQ(s.find("lore "), std::string::npos);
  EXPECT_EQ(s.find(" ipsu…"), std::string::npos);
  EXPECT_EQ(s.find("…orem"), std::string::npos);
}

TEST(Snippet, ShortTextOrNoMatchIsTheBeginning) {
  EXPECT_EQ(Snippet("short text", Terms("nothing")), "short text");
  std::string text;
  for (int i = 0; i < 100; ++i) text += "word ";
  const std::string s = Snippet(text, Terms("nothing"), 50);
  EXPECT_EQ(s.rfind("word", 0), 0u);
  EXPECT_EQ(s.substr(s.size() - 3), "…");
}

TEST(Snippet, InvalidUtf8IsReplaced) {
  EXPECT_EQ(Snippet("card\xFF ok", Terms("card")), "<mark>card</mark>\xEF\xBF\xBD ok");
  EXPECT_EQ(EscapeHtml("a\xC3"), "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace vitrina::search
