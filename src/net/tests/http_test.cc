#include "net/http.h"

#include <gtest/gtest.h>

namespace vitrina::net {
namespace {

TEST(HttpTest, ParsesTargetWithDecodedQuery) {
  std::string path;
  std::multimap<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/api/v1/listings?q=red+bike&vertical=goods&x=%D0%B0", path, query));
  EXPECT_EQ(path, "/api/v1/listings");
  EXPECT_EQ(query.find("q")->second, "red bike");
  EXPECT_EQ(query.find("vertical")->second, "goods");
  EXPECT_EQ(query.find("x")->second, "\xD0\xB0");
}

TEST(HttpTest, RejectsBadTargets) {
  std::string path;
  std::multimap<std::string, std::string> query;
  EXPECT_FALSE(ParseTarget("no-slash", path, query));
  EXPECT_FALSE(ParseTarget("/a%zz", path, query));
  EXPECT_FALSE(ParseTarget("/a%00b", path, query));
  EXPECT_FALSE(ParseTarget("/a?b=%4", path, query));
}

TEST(HttpTest, ReadsCookiesAndHeaders) {
  Request req;
  req.headers = {{"cookie", "a=1; vitrina_session=tok; b=2"}, {"x-csrf-token", "c"}};
  EXPECT_EQ(req.Cookie("vitrina_session"), "tok");
  EXPECT_EQ(req.Cookie("b"), "2");
  EXPECT_FALSE(req.Cookie("missing"));
  EXPECT_EQ(req.Header("x-csrf-token"), "c");
}

}  // namespace
}  // namespace vitrina::net
