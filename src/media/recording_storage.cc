#include "media/recording_storage.h"

#include <charconv>
#include <system_error>

namespace vitrina::media {

namespace fs = std::filesystem;

base::Result<std::int64_t> RecordingKeyCall(std::string_view key) {
  const fs::path p{std::string(key)};
  if (key.empty() || p.is_absolute()) {
    return base::Internal("recording key is not a relative path: " + std::string(key));
  }
  for (const auto& part : p) {
    if (part == "." || part == ".." || part.empty()) {
      return base::Internal("recording key leaves its folder: " + std::string(key));
    }
  }
  const auto first = p.begin()->string();
  std::int64_t call = 0;
  const auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), call);
  if (ec != std::errc() || end != first.data() + first.size() || call <= 0 ||
      std::distance(p.begin(), p.end()) < 2) {
    return base::Internal("recording key names no call: " + std::string(key));
  }
  return call;
}

LocalRecordingStorage::LocalRecordingStorage(fs::path root) : root_(std::move(root)) {}

std::string LocalRecordingStorage::Describe() const { return "local:" + root_.string(); }

fs::path LocalRecordingStorage::RawDir(std::int64_t call_id) const {
  return root_ / std::to_string(call_id) / "raw";
}

fs::path LocalRecordingStorage::StagingDir(std::int64_t call_id) const {
  return root_ / std::to_string(call_id) / "processed";
}

base::Result<std::string> LocalRecordingStorage::Commit(std::int64_t call_id, const fs::path& produced) {
  // Staging is the stored place already: the file is committed where it lies (the processor
  // wrote it whole and renamed it in). What remains is the key, which must be the call's.
  std::error_code ec;
  const auto rel = fs::relative(produced, root_, ec);
  if (ec || rel.empty()) return base::Internal("recording outside " + root_.string() + ": " + produced.string());
  const auto key = rel.generic_string();
  if (TRY(RecordingKeyCall(key)) != call_id) {
    return base::Internal("recording " + produced.string() + " is not call " + std::to_string(call_id) + "'s");
  }
  if (!fs::is_regular_file(produced, ec)) return base::Internal("recording not written: " + produced.string());
  return key;
}

base::Result<std::shared_ptr<const net::ByteSource>> LocalRecordingStorage::Open(std::string_view key) const {
  const auto path = TRY(LocalPath(key));
  auto file = net::OpenFile::Open(path);
  if (!file) return base::Internal("recording file unreadable: " + path.string());
  return std::shared_ptr<const net::ByteSource>(std::move(file));
}

base::Result<fs::path> LocalRecordingStorage::LocalPath(std::string_view key) const {
  TRY(RecordingKeyCall(key));
  return root_ / fs::path(std::string(key));
}

base::Result<void> LocalRecordingStorage::RemoveCall(std::int64_t call_id) {
  std::error_code ec;
  fs::remove_all(root_ / std::to_string(call_id), ec);
  if (ec) return base::Internal("removing the recordings of call " + std::to_string(call_id) + ": " + ec.message());
  return {};
}

}  // namespace vitrina::media
