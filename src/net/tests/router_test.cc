#include "net/router.h"

#include <gtest/gtest.h>

namespace vitrina::net {
namespace {

TEST(RouterTest, MatchesLiteralsAndParams) {
  Router<int> r;
  r.Add(Verb::get, "/api/v1/listings", 1);
  r.Add(Verb::get, "/api/v1/listings/{id}", 2);
  r.Add(Verb::post, "/api/v1/listings/{id}/conversations", 3);
  r.Add(Verb::get, "/api/v1/listings/mine", 4);

  auto m = r.Find(Verb::get, "/api/v1/listings/42");
  ASSERT_NE(m.value, nullptr);
  EXPECT_EQ(*m.value, 2);
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(m.pattern, "/api/v1/listings/{id}");

  m = r.Find(Verb::get, "/api/v1/listings/mine");
  ASSERT_NE(m.value, nullptr);
  EXPECT_EQ(*m.value, 4);

  m = r.Find(Verb::post, "/api/v1/listings/7/conversations");
  ASSERT_NE(m.value, nullptr);
  EXPECT_EQ(*m.value, 3);
  EXPECT_EQ(m.params.at("id"), "7");
}

TEST(RouterTest, DistinguishesUnknownPathFromWrongMethod) {
  Router<int> r;
  r.Add(Verb::get, "/a/{x}", 1);
  auto m = r.Find(Verb::delete_, "/a/1");
  EXPECT_EQ(m.value, nullptr);
  EXPECT_TRUE(m.path_known);
  m = r.Find(Verb::get, "/a/1/b");
  EXPECT_EQ(m.value, nullptr);
  EXPECT_FALSE(m.path_known);
  m = r.Find(Verb::head, "/a/1");  // HEAD falls back to GET
  ASSERT_NE(m.value, nullptr);
}

}  // namespace
}  // namespace vitrina::net
