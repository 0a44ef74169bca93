#pragma once
// Where calls' recordings live: the one seam between the call pipeline and the bytes on
// disk, so another backend (object storage, an encrypting one) can take over without the
// calls, transcripts, retention or the HTTP routes knowing. The contract, in full, is in
// docs/recordings.md ("Storage contract"); in short:
//
//  - A call's media is written by the media nodes into RawDir(call): a POSIX directory that
//    every media node, server and worker sees at the same absolute path (Janus records to
//    files; this is the one part that stays a shared file system).
//  - Post-processing writes each finished file into StagingDir(call) (local to the process
//    doing the work) and hands it to Commit, which makes it durable and returns its key. A
//    key is the relative path the store keeps (RecordingFile::path, "<call id>/processed/…");
//    committing the same file again replaces it (jobs are retried).
//  - Readers open a key for its size and reads at any offset (HTTP byte ranges), or ask for
//    a LocalPath when a tool (ffmpeg, the recogniser) needs a file name.
//  - RemoveCall forgets everything of a call, raw and processed; what is already gone is not
//    an error.
// Keys from the store are checked: relative, no "..", under the call's own folder.
// Implementations are safe to use from several threads.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http.h"

namespace vitrina::media {

class RecordingStorage {
 public:
  virtual ~RecordingStorage() = default;

  // "local:/srv/vitrina/recordings", for logs and health output.
  virtual std::string Describe() const = 0;

  // Where the media nodes record the call (created on demand by the caller).
  virtual std::filesystem::path RawDir(std::int64_t call_id) const = 0;
  // Where post-processing writes the call's finished files before Commit.
  virtual std::filesystem::path StagingDir(std::int64_t call_id) const = 0;
  // Makes `produced` (a file inside StagingDir(call_id)) durable; returns its key.
  virtual base::Result<std::string> Commit(std::int64_t call_id, const std::filesystem::path& produced) = 0;

  // The stored object behind `key`: its size and reads at any offset.
  virtual base::Result<std::shared_ptr<const net::ByteSource>> Open(std::string_view key) const = 0;
  // A file name local tools can read the object at (local storage: the file itself).
  virtual base::Result<std::filesystem::path> LocalPath(std::string_view key) const = 0;

  // Everything stored for the call, raw and processed, is gone after this.
  virtual base::Result<void> RemoveCall(std::int64_t call_id) = 0;
};

// Files under one root directory, shared with the media nodes (media.recordings_dir):
// <root>/<call id>/raw/ (Janus) and <root>/<call id>/processed/ (finished files, committed in
// place: staging and storage are the same folder).
class LocalRecordingStorage final : public RecordingStorage {
 public:
  explicit LocalRecordingStorage(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  std::string Describe() const override;
  std::filesystem::path RawDir(std::int64_t call_id) const override;
  std::filesystem::path StagingDir(std::int64_t call_id) const override;
  base::Result<std::string> Commit(std::int64_t call_id, const std::filesystem::path& produced) override;
  base::Result<std::shared_ptr<const net::ByteSource>> Open(std::string_view key) const override;
  base::Result<std::filesystem::path> LocalPath(std::string_view key) const override;
  base::Result<void> RemoveCall(std::int64_t call_id) override;

 private:
  std::filesystem::path root_;
};

// Checks a key from the store: relative, no "." or ".." parts, "<call id>/…". The call id
// it names, or an error (a corrupt row must not reach outside the recordings).
base::Result<std::int64_t> RecordingKeyCall(std::string_view key);

}  // namespace vitrina::media
