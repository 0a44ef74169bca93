#include "base/random.h"

#include <gtest/gtest.h>

#include <set>

namespace vitrina::base {
namespace {

TEST(RandomTest, TokensAreUrlSafeAndDistinct) {
  ASSERT_TRUE(InitCrypto());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = RandomToken(32);
    EXPECT_EQ(t.size(), 43u);  // 256 bits in base64url without padding
    EXPECT_EQ(t.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RandomTest, Sha256MatchesKnownVector) {
  ASSERT_TRUE(InitCrypto());
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RandomTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace vitrina::base

TEST(RandomTest, Sha256StreamMatchesOneShotWhateverThePieces) {
  ASSERT_TRUE(vitrina::base::InitCrypto());
  const std::string data = "The quick brown fox jumps over the lazy dog, twice over the lazy dog.";
  for (std::size_t piece : {1u, 3u, 7u, 64u, 1000u}) {
    vitrina::base::Sha256Stream h;
    for (std::size_t at = 0; at < data.size(); at += piece) h.Update(std::string_view(data).substr(at, piece));
    EXPECT_EQ(h.FinalHex(), vitrina::base::Sha256Hex(data)) << piece;
  }
  vitrina::base::Sha256Stream empty;
  EXPECT_EQ(empty.FinalHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
