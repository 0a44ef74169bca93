#pragma once
// Writing a file that holds secrets (the embedded Janus's configuration: admin key, event
// handler password, TURN password) so that no moment exists at which another local user
// could read it: the temporary file is created with mode 0600 by open(2) itself (the umask
// can only narrow that, and fchmod pins it), a stale temporary -- or a symlink planted at
// its name -- is removed first and never followed (O_EXCL | O_NOFOLLOW), and only the
// complete, fsync'ed file is renamed over the destination. On failure the temporary is
// removed. Header-only: used by janus_supervisor.cc and tested in tests/janus_test.cc.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vitrina::media {

// `created` (tests only) runs right after the temporary file is created, before anything is
// written to it, with the temporary's path.
inline base::Result<void> WritePrivateFile(
    const std::filesystem::path& path, std::string_view text,
    const std::function<void(const std::filesystem::path&)>& created = {}) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  auto fail = [&](const std::string& what, int err) {
    ::unlink(tmp.c_str());
    return base::Internal("cannot write " + tmp.string() + ": " + what + ": " + std::strerror(err));
  };
  // A leftover from a crash (possibly created by an older version with a wider mode), or
  // anything else at that name: never reuse it.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) {
    const int err = errno;
    return base::Internal("cannot remove stale " + tmp.string() + ": " + std::strerror(err));
  }
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    // Not ours (someone created it between unlink and open): leave it alone.
    return base::Internal("cannot create " + tmp.string() + ": " + std::strerror(err));
  }
  if (::fchmod(fd, 0600) != 0) {  // the umask cannot widen 0600; this is belt and braces
    const int err = errno;
    ::close(fd);
    return fail("fchmod", err);
  }
  if (created) created(tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail("write", err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return fail("fsync", err);
  }
  if (::close(fd) != 0) return fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return base::Internal("cannot write " + path.string() + ": rename: " + std::strerror(err));
  }
  return {};
}

}  // namespace vitrina::media
