// LocalRecordingStorage: the storage contract (media/recording_storage.h, docs/recordings.md)
// on the local file system.
#include "media/recording_storage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace vitrina::media {
namespace {

namespace fs = std::filesystem;

class LocalRecordingStorageTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::remove_all(root_); }
  void TearDown() override { fs::remove_all(root_); }

  fs::path Produce(std::int64_t call, const std::string& name, const std::string& bytes) {
    const auto dir = storage_.StagingDir(call);
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return dir / name;
  }

  fs::path root_ = fs::temp_directory_path() / ("vitrina-recstore-" + std::to_string(::getpid()));
  LocalRecordingStorage storage_{root_};
};

TEST_F(LocalRecordingStorageTest, CommittedFileIsReadByKeyAtAnyOffset) {
  const auto key = storage_.Commit(7, Produce(7, "combined.webm", "0123456789"));
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(*key, "7/processed/combined.webm");  // what the store keeps, as before
  auto bytes = storage_.Open(*key);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ((*bytes)->size(), 10u);
  char buf[4] = {};
  ASSERT_EQ((*bytes)->ReadAt(buf, 4, 6), 4);
  EXPECT_EQ(std::string(buf, 4), "6789");
  EXPECT_EQ((*bytes)->ReadAt(buf, 4, 10), 0);  // the end
  auto path = storage_.LocalPath(*key);
  ASSERT_TRUE(path);
  EXPECT_TRUE(fs::is_regular_file(*path));
}

TEST_F(LocalRecordingStorageTest, RawDirIsTheCallsOwnFolder) {
  EXPECT_EQ(storage_.RawDir(42), root_ / "42" / "raw");
  EXPECT_NE(storage_.RawDir(42).parent_path(), storage_.RawDir(43).parent_path());
}

TEST_F(LocalRecordingStorageTest, CommitRefusesAnotherCallsFileAndAMissingOne) {
  EXPECT_FALSE(storage_.Commit(8, Produce(7, "a.opus", "x")));
  EXPECT_FALSE(storage_.Commit(7, storage_.StagingDir(7) / "never-written.opus"));
  EXPECT_FALSE(storage_.Commit(7, fs::temp_directory_path() / "elsewhere.opus"));
}

TEST_F(LocalRecordingStorageTest, KeysThatLeaveTheRecordingsAreRefused) {
  for (const char* bad : {"", "/etc/passwd", "../x", "7/../../etc/passwd", "7/./a", "abc/processed/a",
                          "7", "0/processed/a", "-1/processed/a"}) {
    EXPECT_FALSE(RecordingKeyCall(bad)) << bad;
    EXPECT_FALSE(storage_.Open(bad)) << bad;
    EXPECT_FALSE(storage_.LocalPath(bad)) << bad;
  }
  EXPECT_EQ(*RecordingKeyCall("12/processed/buyer.opus"), 12);
}

TEST_F(LocalRecordingStorageTest, RemoveCallTakesRawAndProcessedAndIsIdempotent) {
  const auto key = *storage_.Commit(9, Produce(9, "b.opus", "bb"));
  fs::create_directories(storage_.RawDir(9));
  std::ofstream(storage_.RawDir(9) / "x.mjr") << "raw";
  Produce(10, "keep.opus", "k");
  ASSERT_TRUE(storage_.RemoveCall(9));
  EXPECT_FALSE(fs::exists(root_ / "9"));
  EXPECT_FALSE(storage_.Open(key));
  EXPECT_TRUE(fs::exists(storage_.StagingDir(10) / "keep.opus"));  // only that call
  EXPECT_TRUE(storage_.RemoveCall(9));                              // gone already: fine
}

}  // namespace
}  // namespace vitrina::media
