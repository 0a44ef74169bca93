#include "service_level/duplicates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace vitrina::service_level {
namespace {

// A reworded repost (other word order, inflections, words added and dropped) and a different
// item of the same seller, in Russian and in English.
constexpr const char* kSofaTitle = "Продаю диван угловой, почти новый";
constexpr const char* kSofaText =
    "Угловой диван, серый, раскладывается, есть ящик для белья. Пользовались полгода, без "
    "пятен и потёртостей. Самовывоз с Таганской.";
constexpr const char* kSofaRewordedTitle = "Угловой диван как новый";
constexpr const char* kSofaRewordedText =
    "Диван угловой серого цвета, раскладной, с ящиком для белья. Пользовались всего полгода, "
    "пятен и потертостей нет. Самовывоз, метро Таганская.";
constexpr const char* kChairTitle = "Кресло-кровать";
constexpr const char* kChairText =
    "Кресло-кровать, синее, раскладывается. Пользовались год, без пятен. Самовывоз с "
    "Таганской.";

constexpr const char* kBikeTitle = "Road bike Trek Domane, size 56";
constexpr const char* kBikeText =
    "Selling my Trek Domane road bike, size 56. Shimano 105 groupset, new tyres, serviced last "
    "month. Minor scratches on the frame. Pick up only.";
constexpr const char* kBikeRewordedTitle = "Trek Domane road bicycle, size 56";
constexpr const char* kBikeRewordedText =
    "Trek Domane road bicycle for sale, frame size 56, Shimano 105 groupset. Tyres are new and "
    "it was serviced last month. A few minor scratches on the frame. Pickup only.";
constexpr const char* kOtherBikeTitle = "Mountain bike Giant Talon, size 56";
constexpr const char* kOtherBikeText =
    "Selling my Giant Talon mountain bike, size 56. Hydraulic disc brakes, front suspension "
    "fork. Some scratches. Pick up only.";

bool Near(const char* t1, const char* d1, const char* t2, const char* d2) {
  return NearDuplicate(Sign(t1, d1), Sign(t2, d2));
}

TEST(DuplicatesTest, RussianRewordedRepostIsFound) {
  EXPECT_TRUE(Near(kSofaTitle, kSofaText, kSofaRewordedTitle, kSofaRewordedText));
  EXPECT_GE(
      EstimateJaccard(Sign(kSofaTitle, kSofaText), Sign(kSofaRewordedTitle, kSofaRewordedText)),
      0.5);
}

TEST(DuplicatesTest, RussianDifferentItemIsNot) {
  EXPECT_FALSE(Near(kSofaTitle, kSofaText, kChairTitle, kChairText));
  EXPECT_LT(EstimateJaccard(Sign(kSofaTitle, kSofaText), Sign(kChairTitle, kChairText)), 0.4);
}

TEST(DuplicatesTest, EnglishRewordedRepostIsFound) {
  EXPECT_TRUE(Near(kBikeTitle, kBikeText, kBikeRewordedTitle, kBikeRewordedText));
}

TEST(DuplicatesTest, EnglishDifferentItemIsNot) {
  EXPECT_FALSE(Near(kBikeTitle, kBikeText, kOtherBikeTitle, kOtherBikeText));
  EXPECT_LT(EstimateJaccard(Sign(kBikeTitle, kBikeText), Sign(kOtherBikeTitle, kOtherBikeText)),
            0.4);
}

TEST(DuplicatesTest, StemmingMakesInflectionsOneWord) {
  EXPECT_EQ(Shingles("Продаю детскую коляску", ""), Shingles("продаю детская коляска", ""));
  EXPECT_EQ(Shingles("Selling kids' bikes", ""), Shingles("sell kid bike", ""));
  const ListingSignature a = Sign("Продаю детскую коляску", "Прогулочная, складная.");
  const ListingSignature b = Sign("Детская коляска, продаю", "Складная прогулочная");
  EXPECT_DOUBLE_EQ(EstimateJaccard(a, b), 1.0);
  EXPECT_TRUE(NearDuplicate(a, b));
}

TEST(DuplicatesTest, ShopBoilerplateWithDifferentTitlesIsNotACopy) {
  const std::string boilerplate =
      "Магазин мебели. Гарантия один год, доставка по Москве и области, сборка бесплатно. "
      "Оплата при получении наличными или картой. Звоните с 9 до 21 без выходных.";
  const ListingSignature sofa = Sign("Диван Милан", "Диван. " + boilerplate);
  const ListingSignature wardrobe = Sign("Шкаф-купе Орион", "Шкаф. " + boilerplate);
  EXPECT_GE(EstimateJaccard(sofa, wardrobe), 0.5);  // the text alone would call it a copy
  EXPECT_FALSE(NearDuplicate(sofa, wardrobe));      // the titles say otherwise
}

TEST(DuplicatesTest, DifferentNumbersInTitlesAreDifferentItems) {
  const std::string text = "Новый, в плёнке, чек и гарантия. Доставка по городу.";
  EXPECT_FALSE(NearDuplicate(Sign("iPhone 12 128 ГБ", text), Sign("iPhone 13 128 ГБ", text)));
  EXPECT_FALSE(NearDuplicate(Sign("2-комнатная квартира, 54 м²", text),
                             Sign("3-комнатная квартира, 54 м²", text)));
  EXPECT_TRUE(NearDuplicate(Sign("iPhone 12 128 ГБ", text), Sign("Айфон iPhone 12, 128 ГБ", text)));
}

TEST(DuplicatesTest, SignaturesAreDeterministic) {
  const ListingSignature a = Sign(kBikeTitle, kBikeText);
  const ListingSignature b = Sign(kBikeTitle, kBikeText);
  EXPECT_EQ(a.minhash, b.minhash);
  EXPECT_EQ(a.minhash.size(), 150u);
  EXPECT_DOUBLE_EQ(EstimateJaccard(a, b), 1.0);
  EXPECT_TRUE(Sign("", "").minhash.empty());
  EXPECT_EQ(EstimateJaccard(Sign("", ""), Sign("", "")), 0.0);
  EXPECT_FALSE(NearDuplicate(Sign("", "!!"), Sign("", "?")));
}

ListingInfo L(std::int64_t id, TimeMs created, std::string title, std::string text) {
  ListingInfo l;
  l.id = id;
  l.created_at = created;
  l.updated_at = created;
  l.title = std::move(title);
  l.description = std::move(text);
  l.active = true;
  return l;
}

TEST(DuplicatesTest, RepeatsPointToTheOldestAndOrderDoesNotMatter) {
  std::vector<ListingInfo> listings = {
      L(5, 3000, kSofaRewordedTitle, kSofaRewordedText),
      L(2, 1000, kSofaTitle, kSofaText),
      L(9, 2000, kSofaTitle, kSofaText),
      L(3, 500, kChairTitle, kChairText),
      L(4, 4000, kBikeTitle, kBikeText),
  };
  const std::vector<Repeat> expected = {{9, 2, 1.0}, {5, 2, 0}};
  std::vector<Repeat> got = FindRepeats(listings);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], expected[0]);
  EXPECT_EQ(got[1].listing_id, 5);
  EXPECT_EQ(got[1].original_id, 2);
  EXPECT_GE(got[1].similarity, 0.5);
  std::reverse(listings.begin(), listings.end());
  EXPECT_EQ(FindRepeats(listings), got);
  // Same creation time: the smaller id is the original.
  EXPECT_EQ(FindRepeats({L(8, 100, kBikeTitle, kBikeText), L(7, 100, kBikeTitle, kBikeText)}),
            (std::vector<Repeat>{{8, 7, 1.0}}));
}

// A seller with 3,000 listings generated from a vocabulary, 30 of them copied with a word
// changed: exactly those are found, quickly (LSH, not every pair).
TEST(DuplicatesTest, ManyListingsFindExactlyThePlantedCopies) {
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::size_t>(state >> 33);
  };
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 2000; ++i) {  // letters only: the title guard's numbers stay out of it
    std::string word = "z";
    for (int n = i; n > 0; n /= 8) word += static_cast<char>('b' + n % 8);
    vocabulary.push_back(word + "ov");
  }
  std::vector<ListingInfo> listings;
  for (int i = 0; i < 3000; ++i) {
    std::string title = vocabulary[next() % 2000] + " " + vocabulary[next() % 2000];
    std::string text;
    for (int w = 0; w < 25; ++w) text += vocabulary[next() % 2000] + " ";
    listings.push_back(L(i + 1, 1000 + i, title, text));
  }
  for (int i = 0; i < 30; ++i) {
    const ListingInfo& original = listings[static_cast<std::size_t>(i * 97)];
    listings.push_back(L(10'000 + i, 100'000 + i, original.title,
                         original.description + vocabulary[next() % 2000]));
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Repeat> repeats = FindRepeats(listings);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_EQ(repeats.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(repeats[static_cast<std::size_t>(i)].listing_id, 10'000 + i);
    EXPECT_EQ(repeats[static_cast<std::size_t>(i)].original_id, i * 97 + 1);
  }
  EXPECT_LT(ms, 5000) << "3,030 listings took " << ms << " ms";
}

}  // namespace
}  // namespace vitrina::service_level
