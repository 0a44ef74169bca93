#include "net/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace vitrina::net {
namespace {

namespace fs = std::filesystem;

// What the server would send: the streamed file's bytes.
std::string BodyOf(const Response& res) {
  if (!res.file) return res.body;
  std::string out(res.file_length, '\0');
  const auto n = res.file->ReadAt(out.data(), out.size(), res.file_offset);
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("vitrina-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<html>app</html>";
    std::ofstream(root_ / "assets" / "app-1234.js") << "console.log(1)";
    std::ofstream(fs::temp_directory_path() / "secret.txt") << "secret";
  }
  void TearDown() override { fs::remove_all(root_); }

  Request Get(std::string path) {
    Request r;
    r.path = std::move(path);
    return r;
  }

  fs::path root_;
};

TEST_F(StaticFilesTest, ServesAssetsImmutableAndIndexRevalidated) {
  StaticFiles files(root_);
  auto js = files.Serve(Get("/assets/app-1234.js"));
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(BodyOf(*js), "console.log(1)");
  bool immutable = false;
  for (auto& [k, v] : js->headers) immutable |= (k == "Cache-Control" && v.find("immutable") != std::string::npos);
  EXPECT_TRUE(immutable);

  auto index = files.Serve(Get("/"));
  ASSERT_TRUE(index);
  EXPECT_EQ(BodyOf(*index), "<html>app</html>");
  bool csp = false, no_cache = false;
  for (auto& [k, v] : index->headers) {
    csp |= k == "Content-Security-Policy" && v.find("frame-ancestors 'none'") != std::string::npos;
    no_cache |= k == "Cache-Control" && v == "no-cache";
  }
  EXPECT_TRUE(csp);
  EXPECT_TRUE(no_cache);
}

TEST_F(StaticFilesTest, SpaFallbackButNotForMissingAssetsOrApi) {
  StaticFiles files(root_);
  auto route = files.Serve(Get("/listings/42"));
  ASSERT_TRUE(route);
  EXPECT_EQ(BodyOf(*route), "<html>app</html>");
  EXPECT_FALSE(files.Serve(Get("/assets/missing.js")));
  EXPECT_FALSE(files.Serve(Get("/api/v1/nothing")));
}

TEST_F(StaticFilesTest, NeverEscapesRoot) {
  StaticFiles files(root_);
  auto res = files.Serve(Get("/../secret.txt"));
  EXPECT_TRUE(!res || BodyOf(*res) != "secret");
}

TEST_F(StaticFilesTest, EtagGives304) {
  StaticFiles files(root_);
  auto first = files.Serve(Get("/assets/app-1234.js"));
  ASSERT_TRUE(first);
  std::string etag;
  for (auto& [k, v] : first->headers) if (k == "ETag") etag = v;
  Request again = Get("/assets/app-1234.js");
  again.headers.emplace_back("if-none-match", etag);
  auto second = files.Serve(again);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 304u);
}

}  // namespace
}  // namespace vitrina::net
