#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vitrina::app {
namespace {

TEST(ConfigTest, TomlThenEnvironmentOverride) {
  const auto path = std::filesystem::temp_directory_path() / "vitrina-config-test.toml";
  std::ofstream(path) << "[server]\nport = 9000\nhost = \"0.0.0.0\"\n[storage]\ndata_dir = \"/tmp/v\"\n";
  Config c;
  ApplyTomlFile(c, path.string());
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.data_dir, "/tmp/v");
  setenv("VITRINA_PORT", "9100", 1);
  ApplyEnvironment(c);
  unsetenv("VITRINA_PORT");
  EXPECT_EQ(c.port, 9100);
  std::filesystem::remove(path);
}

TEST(ConfigTest, RejectsUnknownKeysAndBadValues) {
  const auto path = std::filesystem::temp_directory_path() / "vitrina-config-bad.toml";
  std::ofstream(path) << "[server]\nprot = 9000\n";
  Config c;
  EXPECT_THROW(ApplyTomlFile(c, path.string()), ConfigError);
  EXPECT_THROW(ApplyValue(c, "server.port", "70000"), ConfigError);
  EXPECT_THROW(ApplyValue(c, "server.port", "abc"), ConfigError);
  EXPECT_THROW(ApplyValue(c, "server.cookie_secure", "maybe"), ConfigError);
  std::filesystem::remove(path);
}

TEST(ConfigTest, EveryKeyHasAnEnvironmentVariable) {
  for (const auto& key : Keys()) {
    EXPECT_TRUE(key.env.starts_with("VITRINA_")) << key.toml_path;
    EXPECT_FALSE(key.help.empty()) << key.toml_path;
  }
}

}  // namespace
}  // namespace vitrina::app
