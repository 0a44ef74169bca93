#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "media/janus_events.h"
#include "media/janus_supervisor.h"
#include "media/private_file.h"

namespace vitrina::media {
namespace {

namespace fs = std::filesystem;

TEST(JanusEvents, VideoRoomPresenceEventsOnly) {
  const auto events = ParseJanusEvents(R"([
    {"type":64,"timestamp":1764000000123456,"event":{"plugin":"janus.plugin.videoroom",
      "data":{"event":"joined","room":123,"id":456,"display":"buyer","token":"t1"}}},
    {"type":64,"timestamp":1764000001000000,"event":{"plugin":"janus.plugin.videoroom",
      "data":{"event":"published","room":123,"id":456}}},
    {"type":64,"timestamp":1764000002000000,"event":{"plugin":"janus.plugin.videoroom",
      "data":{"event":"unpublished","room":123,"id":456}}},
    {"type":64,"timestamp":1764000003000000,"event":{"plugin":"janus.plugin.videoroom",
      "data":{"event":"leaving","room":123,"id":456}}},
    {"type":64,"event":{"plugin":"janus.plugin.echotest","data":{"event":"joined","room":1,"id":2}}},
    {"type":64,"event":{"plugin":"janus.plugin.videoroom","data":{"event":"configured","room":1,"id":2}}},
    {"type":64,"event":{"plugin":"janus.plugin.videoroom","data":{"event":"joined","room":"x","id":2}}},
    {"type":1,"event":{"name":"created"}},
    7, "text", null
  ])");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, MediaEvent::Kind::kJoined);
  EXPECT_EQ(events[0].room, 123);
  EXPECT_EQ(events[0].participant, 456);
  EXPECT_EQ(events[0].at_ms, 1764000000123);
  EXPECT_EQ(events[0].token, "t1");
  EXPECT_EQ(events[1].kind, MediaEvent::Kind::kPublished);
  EXPECT_EQ(events[2].kind, MediaEvent::Kind::kLeft);
  EXPECT_EQ(events[3].kind, MediaEvent::Kind::kLeft);
}

TEST(JanusEvents, SingleObjectAndGarbage) {
  EXPECT_EQ(ParseJanusEvents(R"({"type":64,"event":{"plugin":"janus.plugin.videoroom",
      "data":{"event":"leaving","room":5,"id":6}}})").size(), 1u);
  EXPECT_TRUE(ParseJanusEvents("").empty());
  EXPECT_TRUE(ParseJanusEvents("{").empty());
  EXPECT_TRUE(ParseJanusEvents("[[[]]]").empty());
}

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(JanusConfig, WritesALockedDownConfigIntoTheWorkDir) {
  const fs::path dir = fs::temp_directory_path() / ("vitrina-janus-cfg-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  JanusLaunchOptions o;
  o.work_dir = dir;
  o.http_port = 18088;
  o.ws_port = 18188;
  o.interface = "10.77.0.1";
  o.ice_enforce_list = "v0";
  o.nat_1_1_mapping = "203.0.113.7";
  o.turn_server = "turn.example.com:3478";
  o.turn_user = "u";
  o.turn_password = "p\"q";
  o.admin_key = "k";
  o.events_url = "http://127.0.0.1:8080/api/v1/internal/janus/events";
  o.events_secret = "s";
  ASSERT_TRUE(WriteJanusConfig(o));
  const auto core = Read(dir / "janus.jcfg");
  EXPECT_NE(core.find("interface = \"10.77.0.1\""), std::string::npos) << core;
  EXPECT_NE(core.find("ice_enforce_list = \"v0\""), std::string::npos);
  EXPECT_NE(core.find("nat_1_1_mapping = \"203.0.113.7\""), std::string::npos);
  EXPECT_NE(core.find("turn_server = \"turn.example.com\""), std::string::npos);
  EXPECT_NE(core.find("turn_pwd = \"p\\\"q\""), std::string::npos) << "quotes escaped";
  EXPECT_NE(core.find("configs_folder = \"" + dir.string() + "\""), std::string::npos);
  EXPECT_EQ(core.find("protected_folders"), std::string::npos);
  const auto http = Read(dir / "janus.transport.http.jcfg");
  EXPECT_NE(http.find("ip = \"127.0.0.1\""), std::string::npos);
  EXPECT_NE(http.find("port = 18088"), std::string::npos);
  EXPECT_NE(http.find("admin_http = false"), std::string::npos);
  EXPECT_NE(Read(dir / "janus.transport.websockets.jcfg").find("ws_port = 18188"), std::string::npos);
  const auto room = Read(dir / "janus.plugin.videoroom.jcfg");
  EXPECT_NE(room.find("admin_key = \"k\""), std::string::npos);
  EXPECT_NE(room.find("lock_rtp_forward = true"), std::string::npos);
  const auto evh = Read(dir / "janus.eventhandler.sampleevh.jcfg");
  EXPECT_NE(evh.find("backend = \"" + o.events_url + "\""), std::string::npos);
  EXPECT_NE(evh.find("backend_pwd = \"s\""), std::string::npos);
  EXPECT_EQ(fs::status(dir / "janus.jcfg").permissions() & fs::perms::others_read, fs::perms::none)
      << "secrets inside";
  fs::remove_all(dir);
}

// Sets the process umask for one test and restores it.
class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode;
}

TEST(PrivateFile, IsCreated0600EvenWithAZeroUmaskAndNeverReusesAStaleTemporary) {
  const Umask wide_open(0);
  const fs::path dir = fs::temp_directory_path() / ("vitrina-private-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "secret.jcfg";
  const fs::path tmp = dir / "secret.jcfg.tmp";
  // A stale temporary left readable by everyone (a crash of an older version).
  std::ofstream(tmp) << "stale secret";
  fs::permissions(tmp, fs::perms::all);
  bool seen = false;
  auto written = WritePrivateFile(file, "admin_secret = \"k\"\n", [&](const fs::path& created) {
    // The first moment the file exists under its name: nobody else may read it already.
    seen = true;
    EXPECT_EQ(created, tmp);
    const mode_t mode = ModeOf(created);
    EXPECT_TRUE(S_ISREG(mode));
    EXPECT_EQ(mode & 07777, 0600u) << std::oct << (mode & 07777);
    EXPECT_EQ(fs::file_size(created), 0u) << "a fresh file, not the stale one";
  });
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(seen);
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_EQ(ModeOf(file) & 07777, 0600u);
  EXPECT_EQ(Read(file), "admin_secret = \"k\"\n");
  fs::remove_all(dir);
}

TEST(JanusConfig, NeverFollowsASymlinkPlantedAtTheTemporaryName) {
  const Umask wide_open(0);
  const fs::path dir = fs::temp_directory_path() / ("vitrina-janus-link-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path victim = dir / "victim.txt";
  std::ofstream(victim) << "untouched";
  fs::permissions(victim, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
  fs::create_symlink(victim, dir / "janus.jcfg.tmp");
  JanusLaunchOptions o;
  o.work_dir = dir;
  o.admin_key = "k";
  o.events_secret = "s";
  ASSERT_TRUE(WriteJanusConfig(o));
  EXPECT_EQ(Read(victim), "untouched") << "the secrets went through the planted link";
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(dir / "janus.jcfg")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "janus.jcfg.tmp")));
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path() == victim) continue;
    EXPECT_EQ(ModeOf(entry.path()) & 07777, 0600u) << entry.path();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vitrina::media
