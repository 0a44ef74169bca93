#pragma once
// A fresh directory under $TMPDIR for one test, removed with everything in it on destruction.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace vitrina::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "vitrina-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vitrina::testing
