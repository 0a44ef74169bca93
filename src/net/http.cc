#include "net/http.h"

#include <boost/algorithm/string/trim.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace vitrina::net {

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::Cookie(std::string_view cookie_name) const {
  for (const auto& [name, value] : headers) {
    if (name != "cookie") continue;
    std::string_view rest(value);
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(pair.substr(0, eq));
      boost::algorithm::trim(key);
      if (key == cookie_name) {
        std::string v(pair.substr(eq + 1));
        boost::algorithm::trim(v);
        return v;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<const OpenFile> OpenFile::Open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  const std::int64_t mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return std::shared_ptr<const OpenFile>(
      new OpenFile(fd, static_cast<std::uint64_t>(st.st_size), mtime_ns));
}

OpenFile::~OpenFile() { ::close(fd_); }

long OpenFile::ReadAt(void* buf, std::size_t n, std::uint64_t offset) const {
  ssize_t got;
  do {
    got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  return static_cast<long>(got);
}

std::optional<ByteRange> ParseByteRange(std::string_view h, std::uint64_t size) {
  if (!h.starts_with("bytes=") || size == 0) return std::nullopt;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return std::nullopt;  // one range only
  const auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto first = number(h.substr(0, dash));
  const auto last = number(h.substr(dash + 1));
  if (!first && !last) return std::nullopt;
  if (!first) {  // suffix: the last n bytes (all of them when n >= size)
    if (*last == 0) return std::nullopt;
    return ByteRange{size - std::min(*last, size), size - 1};
  }
  if (*first >= size || (last && *last < *first)) return std::nullopt;
  return ByteRange{*first, std::min(last.value_or(size - 1), size - 1)};
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hex(in[i + 1]);
      int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool ParseTarget(std::string_view target, std::string& path,
                 std::multimap<std::string, std::string>& query) {
  if (target.empty() || target.front() != '/') return false;
  auto qpos = target.find('?');
  auto raw_path = target.substr(0, qpos);
  auto decoded = PercentDecode(raw_path, false);
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  path = std::move(*decoded);
  if (qpos == std::string_view::npos) return true;
  std::string_view rest = target.substr(qpos + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return false;
    query.emplace(std::move(*key), std::move(*value));
  }
  return true;
}

}  // namespace vitrina::net
