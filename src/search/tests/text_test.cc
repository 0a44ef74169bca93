#include "search/text.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace vitrina::search {
namespace {

struct Tok {
  std::string token;
  std::size_t begin;
  std::size_t end;
  bool operator==(const Tok&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Tok& t) {
  return os << "{" << t.token << " " << t.begin << ".." << t.end << "}";
}

std::vector<Tok> Toks(std::string_view text, unsigned flags = kTokenizeDefault) {
  std::vector<Tok> out;
  Tokenize(text, flags, [&](std::string_view t, std::size_t b, std::size_t e) {
    out.push_back({std::string(t), b, e});
    return true;
  });
  return out;
}

std::vector<std::string> Words(std::string_view text, unsigned flags = kTokenizeDefault) {
  std::vector<std::string> out;
  for (auto& t : Toks(text, flags)) out.push_back(t.token);
  return out;
}

using V = std::vector<std::string>;

TEST(Text, RussianMorphologyMeetsInOneStem) {
  const std::string stem = NormalizeWord("карта");
  EXPECT_FALSE(stem.empty());
  for (const char* form : {"картой", "карту", "карты", "карте", "КАРТА", "Карта", "картами"}) {
    EXPECT_EQ(NormalizeWord(form), stem) << form;
  }
  EXPECT_NE(NormalizeWord("картофель"), stem);
  EXPECT_EQ(NormalizeWord("доставка"), NormalizeWord("доставкой"));
  EXPECT_EQ(NormalizeWord("телефон"), NormalizeWord("телефоны"));
}

TEST(Text, YoIsFoldedToYe) {
  EXPECT_EQ(NormalizeWord("ёлка"), NormalizeWord("елка"));
  EXPECT_EQ(NormalizeWord("Ёлка"), NormalizeWord("ЕЛКА"));
  EXPECT_EQ(NormalizeWord("ЁЛКА", kNoStem), "елка");
  EXPECT_EQ(NormalizeWord("всё", kNoStem), "все");
}

TEST(Text, EnglishPorter2) {
  EXPECT_EQ(NormalizeWord("charging"), "charg");
  EXPECT_EQ(NormalizeWord("charged"), "charg");
  EXPECT_EQ(NormalizeWord("charge"), "charg");
  EXPECT_EQ(NormalizeWord("Charges"), "charg");
  EXPECT_EQ(NormalizeWord("batteries"), NormalizeWord("battery"));
  EXPECT_EQ(NormalizeWord("BATTERY"), NormalizeWord("battery"));
}

TEST(Text, CaseFoldingBeyondAscii) {
  EXPECT_EQ(NormalizeWord("ÀÉÎÕÜ", kNoStem), "àéîõü");
  EXPECT_EQ(NormalizeWord("ŁÓDŹ", kNoStem), "łódź");
  EXPECT_EQ(NormalizeWord("ŠKODA", kNoStem), "škoda");
  EXPECT_EQ(NormalizeWord("ÑANDÚ", kNoStem), "ñandú");
  EXPECT_EQ(NormalizeWord("ΑΘΗΝΑ", kNoStem), "αθηνα");
  EXPECT_EQ(NormalizeWord("ЇЖАК", kNoStem), "їжак");  // Ukrainian Ї (U+0407)
  EXPECT_EQ(NormalizeWord("ПРИВЕТ", kNoStem), "привет");
}

TEST(Text, WordsWithDigitsAreNotStemmed) {
  EXPECT_EQ(Words("iPhone13 12GB 2024 моделей"),
            (V{"iphone13", "12gb", "2024", NormalizeWord("модель")}));
  EXPECT_EQ(Words("3.5 1,000"), (V{"3", "5", "1", "000"}));
}

TEST(Text, ApostrophesInsideWordsJoinThem) {
  EXPECT_EQ(Words("don't", kNoStem), V{"dont"});
  EXPECT_EQ(Words("don’t", kNoStem), V{"dont"});  // typographic apostrophe
  EXPECT_EQ(Words("O'Brien's", kNoStem), V{"obriens"});
  EXPECT_EQ(NormalizeWord("don't"), NormalizeWord("dont"));
  // Quotes around a word are not part of it.
  EXPECT_EQ(Words("'quoted' rock'n'roll", kNoStem), (V{"quoted", "rocknroll"}));
  EXPECT_EQ(Toks("'hi'", kNoStem), (std::vector<Tok>{{"hi", 1, 3}}));
  EXPECT_EQ(Toks("it's", kNoStem), (std::vector<Tok>{{"its", 0, 4}}));
}

TEST(Text, MixedScriptsAndOtherScripts) {
  // A word mixing Latin and Cyrillic (a typo or homoglyph spam) is folded, never stemmed.
  EXPECT_EQ(Words("Pепсi"), V{"pепсi"});
  EXPECT_EQ(Words("Hello, мир! 東京 تجربة", kNoStem), (V{"hello", "мир", "東京", "تجربة"}));
  EXPECT_EQ(Words("e-mail кто-то", kNoStem), (V{"e", "mail", "кто", "то"}));
  EXPECT_EQ(Words("a😀b ©x", kNoStem), (V{"a", "b", "x"}));
  // Combining accents stay inside the word.
  EXPECT_EQ(Words("cafe\xCC\x81 x", kNoStem), (V{"cafe\xCC\x81", "x"}));
}

TEST(Text, ByteOffsetsCoverTheOriginalWord) {
  const std::string text = "  Картой, don't!";
  auto toks = Toks(text, kNoStem);
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(text.substr(toks[0].begin, toks[0].end - toks[0].begin), "Картой");
  EXPECT_EQ(text.substr(toks[1].begin, toks[1].end - toks[1].begin), "don't");
}

TEST(Text, InvalidUtf8IsSkippedNotFatal) {
  const std::string bad = std::string("ab\xFF\xFE") + "cd" + "\xC3" + " " + "\xE2\x82" +
                          "ef" + "\xED\xA0\x80" + "gh" + "\xC0\xAF" + "ij" + "\xF4\x90\x80\x80";
  EXPECT_EQ(Words(bad), (V{"ab", "cd", "ef", "gh", "ij"}));
  EXPECT_EQ(Words("\x80\x80\x80"), V{});
  EXPECT_EQ(Words(std::string("\xD0", 1)), V{});  // truncated sequence at the very end
  EXPECT_EQ(CodePointCount("ab\xFF" "ю"), 4u);
}

TEST(Text, TagsOnlyWithTheFlag) {
  EXPECT_EQ(Words("_u12 _vgoods _sbuyer", kTags), (V{"_u12", "_vgoods", "_sbuyer"}));
  // Never stemmed nor folded, and only at the start of a word.
  EXPECT_EQ(Words("_Charging call_me", kTags), (V{"_Charging", "call", "me"}));
  EXPECT_EQ(Words("_u12 _vgoods", kTokenizeDefault), (V{"u12", NormalizeWord("vgoods")}));
  EXPECT_EQ(Words("_ __x a_b", kTags), (V{"_x", "a", "b"}));
}

TEST(Text, PrefixModeFoldsButDoesNotStem) {
  EXPECT_EQ(NormalizeWord("Charging", kNoStem), "charging");
  EXPECT_EQ(NormalizeWord("КАРТОЙ", kNoStem), "картой");
}

TEST(Text, StopsWhenTheCallbackSaysSo) {
  int seen = 0;
  EXPECT_FALSE(Tokenize("one two three", kTokenizeDefault, [&](auto, auto, auto) {
    return ++seen < 2;
  }));
  EXPECT_EQ(seen, 2);
}

TEST(Text, StemmersArePerThread) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 2000; ++i) {
        good += NormalizeWord("картой") == NormalizeWord("карту") &&
                NormalizeWord("charging") == "charg";
      }
      ok[t] = good;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 2000);
}

}  // namespace
}  // namespace vitrina::search
