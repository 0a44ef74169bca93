// The embedded OpenAPI document describes every route the API registers.
#include <gtest/gtest.h>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/beast/http/verb.hpp>

#include <filesystem>
#include <sstream>

#include "accounts/account_service.h"
#include "api/api.h"
#include "api/openapi.h"
#include "store/open.h"

namespace vitrina::api {
namespace {

// Never called: the route table only needs a recognizer to exist.
class NoRecognizer final : public asr::SpeechRecognizer {
 public:
  Result<asr::Recognition> Recognize(std::span<const std::int16_t>, std::int64_t, const std::string&) override {
    return base::Internal("not in this test");
  }
  std::string Describe() const override { return "none"; }
};

// path -> methods, read from the `paths:` section by indentation (2 spaces: path,
// 4 spaces: method). Enough for our own document; not a YAML parser.
std::map<std::string, std::set<std::string>> DocumentedOperations() {
  std::map<std::string, std::set<std::string>> out;
  std::istringstream in{std::string(OpenApiDocument())};
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.rfind("paths:", 0) == 0) {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ' && line[0] != '#') break;  // next top-level key
    if (line.size() > 3 && line.compare(0, 2, "  ") == 0 && line[2] == '/') {
      path = line.substr(2, line.find(':', 2) - 2);
      if (path.front() == '\'' || path.front() == '"') path = path.substr(1, path.size() - 2);
    } else if (line.size() > 5 && line.compare(0, 4, "    ") == 0 && line[4] != ' ' && !path.empty()) {
      out[path].insert(line.substr(4, line.find(':') - 4));
    }
  }
  return out;
}

TEST(OpenApiTest, EveryRouteIsDocumented) {
  const auto documented = DocumentedOperations();
  ASSERT_FALSE(documented.empty());
  // Build the real route table (services are never called).
  const auto dir = std::filesystem::temp_directory_path() / ("vitrina-openapi-" + std::to_string(::getpid()));
  store::StoreOptions so;
  so.sqlite.path = (dir / "x.db").string();
  auto store = std::move(*store::OpenStore(so));
  base::SystemClock clock;
  base::Metrics metrics;
  accounts::AccountService accounts(*store, clock, {});
  listings::ListingService listings(*store, clock);
  LiveHub hub(metrics);
  chat::ChatService chat(*store, clock, &hub);
  media::RecordingProcessor processor;
  calls::CallService calls(*store, clock, {}, processor, {}, &hub);
  NoRecognizer recognizer;
  transcripts::TranscriptService transcripts(*store, clock, metrics, recognizer, calls, &hub, {});
  moderation::ModerationService moderation(*store, clock, metrics, calls, {});
  speech_analytics::AnalystService analyst(*store, clock, speech_analytics::Pseudonymizer("k"), {});
  speech_analytics::AnalyticsService analytics(*store, clock, metrics, {}, {}, &analyst.pseudonyms());
  seller::ServiceLevelService service_levels(*store, clock);
  insights::DashboardService dashboard(*store, clock);
  insights::ExportService exports(*store, clock, analyst.pseudonyms(), "/nonexistent");
  supervision::QualityService quality(*store, clock);
  Api api(Services{*store, clock, metrics, accounts, listings, chat, calls, transcripts, moderation, analytics,
                   analyst, service_levels, dashboard, exports, quality, hub},
          {});
  ASSERT_GT(api.routes().size(), 20u);
  for (const auto& [verb, pattern] : api.routes()) {
    const std::string method =
        boost::algorithm::to_lower_copy(std::string(boost::beast::http::to_string(verb)));
    auto it = documented.find(pattern);
    ASSERT_NE(it, documented.end()) << pattern << " is not in docs/api/openapi.yaml";
    EXPECT_TRUE(it->second.count(method)) << method << " " << pattern << " is not documented";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vitrina::api
