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

namespace vitrina::net {
namespace {

TEST(HttpTest, ByteRangesAreResolvedByValueNotByText) {
  // Every spelling of "from the start" starts at byte 0: what the recording's audit keys on.
  for (const char* h : {"bytes=0-", "bytes=00-", "bytes=000-99", "bytes=-1000", "bytes=-99999999", "bytes=0-0"}) {
    auto r = ParseByteRange(h, 1000);
    ASSERT_TRUE(r) << h;
    EXPECT_EQ(r->first, 0u) << h;
  }
  EXPECT_EQ(ParseByteRange("bytes=-99999999", 1000)->last, 999u);
  EXPECT_EQ(ParseByteRange("bytes=0-0", 1000)->length(), 1u);
  auto tail = ParseByteRange("bytes=-10", 1000);
  EXPECT_EQ(tail->first, 990u);
  EXPECT_EQ(tail->last, 999u);
  auto mid = ParseByteRange("bytes=10-5000", 1000);
  EXPECT_EQ(mid->first, 10u);
  EXPECT_EQ(mid->last, 999u);
  for (const char* h : {"bytes=1000-", "bytes=5-4", "bytes=-0", "bytes=-", "bytes=0-1,5-6", "items=0-",
                        "bytes= 0-", "bytes=a-", "bytes=0x1-"}) {
    EXPECT_FALSE(ParseByteRange(h, 1000)) << h;
  }
  EXPECT_FALSE(ParseByteRange("bytes=0-", 0)) << "nothing to serve in an empty file";
}

}  // namespace
}  // namespace vitrina::net
