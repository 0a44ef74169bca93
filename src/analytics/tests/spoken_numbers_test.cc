#include "analytics/spoken_numbers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::analytics {
namespace {

std::vector<std::string> Digits(std::string_view text) {
  std::vector<std::string> out;
  for (const NumberRun& r : FindNumberRuns(text)) out.push_back(r.digits);
  return out;
}

using V = std::vector<std::string>;

TEST(SpokenNumbers, RussianCardinals) {
  EXPECT_EQ(Digits("двести пятьдесят"), V{"250"});
  EXPECT_EQ(Digits("тысяча"), V{"1000"});
  EXPECT_EQ(Digits("сорок пять тысяч"), V{"45000"});
  EXPECT_EQ(Digits("сто двадцать три тысячи четыреста пятьдесят шесть"), V{"123456"});
  EXPECT_EQ(Digits("девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч "
                   "девятьсот девяносто девять"),
            V{"999999999"});
  EXPECT_EQ(Digits("один миллион двести тысяч"), V{"1200000"});
  EXPECT_EQ(Digits("две тысячи двадцать первый"), V{"2020"});  // ordinals are not read
  EXPECT_EQ(Digits("полторы тысячи"), V{"1500"});
  EXPECT_EQ(Digits("ноль"), V{"0"});
}

TEST(SpokenNumbers, RussianCaseForms) {
  EXPECT_EQ(Digits("до двух тысяч"), V{"2000"});
  EXPECT_EQ(Digits("от трёх до пяти"), (V{"3", "5"}));
  EXPECT_EQ(Digits("около трехсот пятидесяти тысяч"), V{"350000"});
  EXPECT_EQ(Digits("с четырьмястами рублями"), V{"400"});
  EXPECT_EQ(Digits("Сорока Семи"), V{"47"});
  EXPECT_EQ(Digits("тыщу"), V{"1000"});
}

TEST(SpokenNumbers, EnglishCardinals) {
  EXPECT_EQ(Digits("two hundred fifty"), V{"250"});
  EXPECT_EQ(Digits("two hundred and fifty"), V{"250"});
  EXPECT_EQ(Digits("one thousand"), V{"1000"});
  EXPECT_EQ(Digits("a thousand"), V{"1000"});
  EXPECT_EQ(Digits("a hundred"), V{"100"});
  EXPECT_EQ(Digits("fifteen hundred"), V{"1500"});
  EXPECT_EQ(Digits("two hundred fifty thousand"), V{"250000"});
  EXPECT_EQ(Digits("twenty-five"), V{"25"});
  EXPECT_EQ(Digits("one million two hundred thousand and five"), V{"1200005"});
  EXPECT_EQ(Digits("zero"), V{"0"});
}

TEST(SpokenNumbers, PhoneSaidInGroupsIsOneRun) {
  EXPECT_EQ(Digits("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"),
            V{"89161234567"});
  EXPECT_EQ(Digits("четыре один пять пять пять пять один два три четыре"), V{"4155551234"});
  EXPECT_EQ(Digits("four one five five five five one two three four"), V{"4155551234"});
  EXPECT_EQ(Digits("four one five, five five five, twelve thirty four"), V{"4155551234"});
  EXPECT_EQ(Digits("oh seven seven double oh triple nine"), V{"07700999"});
  EXPECT_EQ(Digits("ноль ноль семь"), V{"007"});
  EXPECT_EQ(Digits("восемь 916 сто двадцать три 45 67"), V{"89161234567"});
}

TEST(SpokenNumbers, RunGeometry) {
  const std::string text =
      "звони плюс семь девятьсот шестнадцать сто двадцать три сорок пять "
      "шестьдесят семь вечером";
  const auto runs = FindNumberRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].digits, "79161234567");
  EXPECT_TRUE(runs[0].plus);
  EXPECT_EQ(text.substr(runs[0].prefix_begin, runs[0].begin - runs[0].prefix_begin), "плюс ");
  EXPECT_EQ(text.substr(runs[0].begin, runs[0].end - runs[0].begin),
            "семь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь");
  ASSERT_EQ(runs[0].groups.size(), 5u);
  EXPECT_EQ(runs[0].groups[1].digits, "916");
  EXPECT_TRUE(runs[0].groups[1].spoken);
  EXPECT_TRUE(runs[0].Spoken());

  const std::string typed = "тел +7 (916) 123-45-67.";
  const auto t = FindNumberRuns(typed);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].digits, "79161234567");
  EXPECT_TRUE(t[0].plus);
  EXPECT_FALSE(t[0].Spoken());
  EXPECT_EQ(typed.substr(t[0].prefix_begin, t[0].end - t[0].prefix_begin), "+7 (916) 123-45-67");
}

TEST(SpokenNumbers, SeparateNumbersStaySeparate) {
  EXPECT_EQ(Digits("two hundred fifty rubles for three items"), (V{"250", "3"}));
  EXPECT_EQ(Digits("двести пятьдесят рублей за три штуки"), (V{"250", "3"}));
  EXPECT_EQ(Digits("пять. шесть"), (V{"5", "6"}));         // sentence end
  EXPECT_EQ(Digits("пять\nшесть"), (V{"5", "6"}));         // line break
  EXPECT_EQ(Digits("10:30"), (V{"10", "30"}));             // a colon ends a run
  EXPECT_EQ(Digits("8.916.123.45.67"), V{"89161234567"});  // a tight dot between digits joins
}

TEST(SpokenNumbers, WeakWordsAloneAreNotNumbers) {
  EXPECT_EQ(Digits("oh I see, this one is fine"), V{});
  EXPECT_EQ(Digits("приеду с семью"), V{});
  EXPECT_EQ(Digits("a few and a lot"), V{});
  EXPECT_EQ(Digits("one two"), V{"12"});
  EXPECT_EQ(Digits("iphone13 и 1920x1080"), V{});  // digits inside words are not numbers
}

TEST(SpokenNumbers, ToDigits) {
  EXPECT_EQ(SpokenNumbersToDigits("двести пятьдесят рублей за три штуки"), "250 рублей за 3 штуки");
  EXPECT_EQ(
      SpokenNumbersToDigits("my number is four one five five five five one two three four ok"),
      "my number is 4155551234 ok");
  EXPECT_EQ(SpokenNumbersToDigits("цена 25 000 или двадцать пять тысяч"), "цена 25 000 или 25000");
  EXPECT_EQ(SpokenNumbersToDigits("plus seven nine one six"), "plus 7916");
  EXPECT_EQ(SpokenNumbersToDigits("ничего"), "ничего");
  EXPECT_EQ(SpokenNumbersToDigits(""), "");
}

TEST(SpokenNumbers, FindSpokenOnlyReportsRunsSaidInWords) {
  const auto runs = FindSpokenNumbers("2021 год, двадцать штук");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].digits, "20");
}

TEST(SpokenNumbers, InvalidUtf8AndLongInputs) {
  EXPECT_EQ(Digits(std::string("пять\xFF\xFEшесть")), (V{"5", "6"}));
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "пять ";
  const auto runs = FindNumberRuns(many);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].digits.size(), 20000u);
}

}  // namespace
}  // namespace vitrina::analytics
