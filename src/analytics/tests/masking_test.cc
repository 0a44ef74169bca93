#include "analytics/masking.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "search/text.h"

namespace vitrina::analytics {
namespace {

TEST(Luhn, ValidAndInvalid) {
  EXPECT_TRUE(LuhnValid("4111111111111111"));
  EXPECT_TRUE(LuhnValid("5555555555554444"));
  EXPECT_TRUE(LuhnValid("2200000000000004"));
  EXPECT_TRUE(LuhnValid("378282246310005"));
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("4111111111111112"));
  EXPECT_FALSE(LuhnValid("1234567890123456"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid("4111 1111"));
  EXPECT_FALSE(LuhnValid("0"));
  EXPECT_FALSE(LuhnValid(""));
}

TEST(Mask, CardsInDigits) {
  EXPECT_EQ(Mask("карта 4111 1111 1111 1111 сбер"), "карта [card] сбер");
  EXPECT_EQ(Mask("card 4111-1111-1111-1111."), "card [card].");
  EXPECT_EQ(Mask("номер 5555555555554444"), "номер [card]");
  EXPECT_EQ(Mask("мир 2200 0000 0000 0004"), "мир [card]");
  EXPECT_EQ(Mask("amex 3782 822463 10005"), "amex [card]");
}

TEST(Mask, CardsInWords) {
  EXPECT_EQ(Mask("карта четыре один один один один один один один один один один один один один "
                 "один один"),
            "карта [card]");
  EXPECT_EQ(Mask("сорок один одиннадцать одиннадцать одиннадцать одиннадцать одиннадцать "
                 "одиннадцать одиннадцать"),
            "[card]");
  EXPECT_EQ(Mask("it is five five five five, five five five five, five five five five, four four "
                 "four four thanks"),
            "it is [card] thanks");
}

TEST(Mask, SixteenDigitsFailingLuhnAreLeftAlone) {
  EXPECT_EQ(Mask("заказ 1234 5678 9012 3456"), "заказ 1234 5678 9012 3456");
  EXPECT_EQ(Mask("трек 1234567890123456"), "трек 1234567890123456");
  EXPECT_EQ(Mask("4111 1111 1111 1112"), "4111 1111 1111 1112");
}

TEST(Mask, PhonesInDigits) {
  EXPECT_EQ(Mask("звони +7 (916) 123-45-67 вечером"), "звони [phone] вечером");
  EXPECT_EQ(Mask("звони 8 (916) 123-45-67"), "звони [phone]");
  EXPECT_EQ(Mask("8-916-123-45-67"), "[phone]");
  EXPECT_EQ(Mask("89161234567"), "[phone]");
  EXPECT_EQ(Mask("+79161234567!"), "[phone]!");
  EXPECT_EQ(Mask("8 800 555 35 35"), "[phone]");
  EXPECT_EQ(Mask("8(916)1234567"), "[phone]");
  EXPECT_EQ(Mask("call (415) 555-1234 now"), "call [phone] now");
  EXPECT_EQ(Mask("call 415-555-1234"), "call [phone]");
  EXPECT_EQ(Mask("+1 415 555 1234"), "[phone]");
  EXPECT_EQ(Mask("+44 20 7946 0958"), "[phone]");
  EXPECT_EQ(Mask("тел.: 916 123 45 67"), "тел.: [phone]");
  EXPECT_EQ(Mask("8.916.123.45.67"), "[phone]");
}

TEST(Mask, PhonesInWords) {
  EXPECT_EQ(Mask("мой номер восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят "
                 "семь звоните"),
            "мой номер [phone] звоните");
  EXPECT_EQ(Mask("плюс семь девять один шесть один два три четыре пять шесть семь"), "[phone]");
  EXPECT_EQ(Mask("my number is four one five five five five one two three four"),
            "my number is [phone]");
  EXPECT_EQ(Mask("four one five, five five five, twelve thirty four"), "[phone]");
  EXPECT_EQ(Mask("восемь 916 сто двадцать три 45 67"), "[phone]");
  EXPECT_EQ(Mask("oh seven seven double oh nine one one two three four"), "[phone]");
}

TEST(Mask, SevenOrMoreDigitsSaidOneByOneAreAPhoneEvenWhenCutOff) {
  // What a recogniser gave for a phone number whose start the recording cut off.
  EXPECT_EQ(Mask("culture zero two five five five zero one four seven you buy"), "culture [phone] you buy");
  EXPECT_EQ(Mask("номер девять один шесть один два три четыре"), "номер [phone]");
  // Six said digits, or seven typed ones, or digits said in groups, are not enough.
  EXPECT_EQ(Mask("code five five five zero one four"), "code five five five zero one four");
  EXPECT_EQ(Mask("order 5550147 is late"), "order 5550147 is late");
  EXPECT_EQ(Mask("сто двадцать три сорок пять шестьдесят семь"), "сто двадцать три сорок пять шестьдесят семь");
}

TEST(Mask, TwoPhonesInOneList) {
  EXPECT_EQ(Mask("8 916 123 45 67, 8 916 765 43 21"), "[phone], [phone]");
  EXPECT_EQ(Mask("89161234567 или 89167654321"), "[phone] или [phone]");
}

TEST(Mask, TypedEmails) {
  EXPECT_EQ(Mask("пиши на ivan.petrov@mail.ru, отвечу"), "пиши на [email], отвечу");
  EXPECT_EQ(Mask("Ivan_1990+avito@Gmail.COM."), "[email].");
  EXPECT_EQ(Mask("иван@почта.рф"), "[email]");
  EXPECT_EQ(Mask("ivan@gmail"), "[email]");
}

TEST(Mask, SpokenEmails) {
  EXPECT_EQ(Mask("write to ivan at mail dot ru please"), "write to [email] please");
  EXPECT_EQ(Mask("почта иван собака мейл точка ру"), "почта [email]");
  EXPECT_EQ(Mask("ivan dot petrov at gmail dot com"), "[email]");
  EXPECT_EQ(Mask("иван нижнее подчеркивание петров собака яндекс точка ру"), "[email]");
  EXPECT_EQ(Mask("ivan at gmail"), "[email]");
  EXPECT_EQ(Mask("иван собака яндекс"), "[email]");
  EXPECT_EQ(Mask("ivan at mail.ru"), "[email]");
  EXPECT_EQ(Mask("ivan at mail dot co dot uk"), "[email]");
  // Limits (docs/analytics.md): two words with a pause and no joining word; no "@" in speech.
  EXPECT_EQ(Mask("ivan petrov at gmail dot com"), "ivan [email]");
  EXPECT_EQ(Mask("телеграм собака иван"), "телеграм собака иван");
}

TEST(Mask, LinksDomainsAndHandles) {
  EXPECT_EQ(Mask("оплата тут https://avito-dostavka.ru/pay?id=123 срочно"),
            "оплата тут [link] срочно");
  EXPECT_EQ(Mask("see (http://example.com/a_(b))."), "see ([link]).");
  EXPECT_EQ(Mask("www.example.org/x, ok"), "[link], ok");
  EXPECT_EQ(Mask("заходи на avito-dostavka.ru."), "заходи на [link].");
  EXPECT_EQ(Mask("пиши в t.me/ivan_petrov"), "пиши в [link]");
  EXPECT_EQ(Mask("wa.me/79161234567"), "[link]");
  EXPECT_EQ(Mask("сайт авито-доставка.рф"), "сайт [link]");
  EXPECT_EQ(Mask("bit.ly/3xYz"), "[link]");
  EXPECT_EQ(Mask("пиши в телеграм @ivan_petrov"), "пиши в телеграм [link]");
  EXPECT_EQ(Mask("insta @ivan.petrov!"), "insta [link]!");
  EXPECT_EQ(Mask("tg://resolve?domain=ivan"), "[link]");
  EXPECT_EQ(Mask("зайди на авито доставка точка ру"), "зайди на авито [link]");
  EXPECT_EQ(Mask("avito dash dostavka dot ru slash pay"), "[link]");
  EXPECT_EQ(Mask("т точка ме слэш иван"), "[link]");
  EXPECT_EQ(Mask("look at google dot com"), "look at [link]");
}

TEST(Mask, FalsePositivesAreLeftAlone) {
  const char* texts[] = {
      "5000 рублей",
      "цена 25 000",
      "цена 1 500 000 рублей",
      "цена 1 500 000 000",
      "two hundred fifty thousand",
      "двести пятьдесят тысяч рублей",
      "2021 год",
      "в 2019 2020 2021 годах",
      "two thousand twenty one",
      "размеры 42 44 46 48 50",
      "сорок два сорок четыре сорок шесть сорок восемь пятьдесят",
      "at 10 30 or 10:30",
      "в 10 30 11 00 12 30",
      "12.05.2021",
      "192.168.1.1",
      "iphone 13 pro 256",
      "заказ 1234567",
      "3 штуки по 150",
      "123-45-67",
      "file.txt and script.py, readme.md, т.е. e.g.",
      "I'm at home, look at that",
      "у меня собака, злая собака",
      "the dot com era",
      "email me later",
      "@ 5 and @10",
      "http:// and www.",
      "0000 0000 0000 0000",
      "",
  };
  for (const char* t : texts) EXPECT_EQ(Mask(t), t) << t;
}

TEST(Mask, MixedSentences) {
  EXPECT_EQ(Mask("Переведи 5000 на карту 4111 1111 1111 1111 и напиши на ivan@mail.ru или в "
                 "t.me/ivan_petrov, звони +7 (916) 123-45-67"),
            "Переведи 5000 на карту [card] и напиши на [email] или в [link], звони [phone]");
  EXPECT_EQ(Mask("скинь двести пятьдесят рублей на карту четыре один один один один один один один "
                 "один один один один один один один один а номер восемь девятьсот шестнадцать "
                 "сто двадцать три сорок пять шестьдесят семь"),
            "скинь двести пятьдесят рублей на карту [card] а номер [phone]");
  EXPECT_EQ(Mask("two hundred fifty rubles for three items, call four one five five five five one "
                 "two three four or ivan at gmail dot com"),
            "two hundred fifty rubles for three items, call [phone] or [email]");
  EXPECT_EQ(Mask("ivan1990@mail.ru 89161234567"), "[email] [phone]");
}

TEST(Mask, FindPiiGivesByteRanges) {
  const std::string text = "тел 89161234567 и ivan@mail.ru";
  const auto m = FindPii(text);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].kind, PiiKind::kPhone);
  EXPECT_EQ(text.substr(m[0].begin, m[0].end - m[0].begin), "89161234567");
  EXPECT_EQ(m[1].kind, PiiKind::kEmail);
  EXPECT_EQ(text.substr(m[1].begin, m[1].end - m[1].begin), "ivan@mail.ru");
}

bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (search::NextCodePoint(s, &i) == search::kInvalidCodePoint) return false;
  }
  return true;
}

// Random mixes of the pieces masking looks at: output stays valid UTF-8 and never grows the
// PII back; invalid bytes in the input are carried through without a crash.
TEST(Mask, Utf8SafeOnRandomInput) {
  const char* pieces[] = {"пять",  " ",   "8",  "916",   "-",        "(",       ")",    "+",
                          "@",     ".",   "ru", "точка", "ру",       "собака",  "at",   "dot",
                          "com",   "ё",   "«",  "»",     "\xC2\xA0", "http://", "www.", "/",
                          "тысяч", "one", "oh", "😀",     ",",        "\n",      "ivan", "4111"};
  std::uint32_t x = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = static_cast<int>(x % 40);
    for (int i = 0; i < n; ++i) {
      x = x * 1664525u + 1013904223u;
      text += pieces[(x >> 8) % (sizeof(pieces) / sizeof(pieces[0]))];
    }
    x = x * 1664525u + 1013904223u;
    const std::string masked = Mask(text);
    ASSERT_TRUE(ValidUtf8(masked)) << text;
  }
  // An invalid byte ends a local part, so "@mail.ru" is read as a handle.
  const std::string broken = "ivan\xFF@mail.ru \xD0 8916123456\xE2\x82 7";
  EXPECT_EQ(Mask(broken), "ivan\xFF[link] \xD0 [phone]\xE2\x82 7");
}

TEST(Mask, LongTextIsLinear) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "пять 8 916 ivan@mail.ru a.b.c ";
  const std::string masked = Mask(text);
  EXPECT_LT(masked.size(), text.size());
  // Chains that nearly make an address: each word is looked at a bounded number of times.
  std::string chain;
  for (int i = 0; i < 20000; ++i) chain += "x dot ";
  EXPECT_EQ(Mask(chain), chain);
  std::string ats;
  for (int i = 0; i < 20000; ++i) ats += "a.b@";
  EXPECT_EQ(Mask(ats).substr(0, 7), "[email]");
}

}  // namespace
}  // namespace vitrina::analytics
