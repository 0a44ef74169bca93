#pragma once
// Transport-level request/response values handed between the server and its handler.
// Plain data: no sockets here, so handlers and tests can build them freely.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <boost/beast/http/verb.hpp>

namespace vitrina::net {

using Verb = boost::beast::http::verb;

struct Request {
  Verb method = Verb::get;
  std::string target;  // raw request target, e.g. "/api/v1/listings?limit=10"
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;                  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;       // names lower-cased
  std::string body;
  std::string remote_ip;
  std::unordered_map<std::string, std::string> params;            // filled by the Router
  std::string route;                                              // matched pattern, for metrics

  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
};

// Bytes a response body is read from, at any offset (so byte ranges cost nothing extra). The
// server streams it in bounded chunks (kFileBodyChunk bytes per write, the next read only once
// the last write finished), so a download of any size holds one chunk in memory per
// connection. Implementations: OpenFile (a file on disk), and whatever a storage backend
// serves from (media::RecordingStorage). Immutable once made; ReadAt from any thread.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Up to `n` bytes at `offset` into `buf`: the count read, 0 at the end, -1 with errno set.
  virtual long ReadAt(void* buf, std::size_t n, std::uint64_t offset) const = 0;
};

// A file opened for sending as a response body. Closed when the last response holding it is
// gone. Immutable after Open; any thread.
class OpenFile final : public ByteSource {
 public:
  // nullptr when the file cannot be opened or is not a regular file.
  static std::shared_ptr<const OpenFile> Open(const std::filesystem::path& path);
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  int fd() const { return fd_; }
  std::uint64_t size() const override { return size_; }
  long ReadAt(void* buf, std::size_t n, std::uint64_t offset) const override;
  std::int64_t mtime_ns() const { return mtime_ns_; }

 private:
  OpenFile(int fd, std::uint64_t size, std::int64_t mtime_ns)
      : fd_(fd), size_(size), mtime_ns_(mtime_ns) {}
  int fd_;
  std::uint64_t size_;
  std::int64_t mtime_ns_;
};

inline constexpr std::size_t kFileBodyChunk = 64 * 1024;

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is bytes [file_offset, file_offset + file_length) of `file`, streamed
  // by the server; `body` is ignored. A HEAD response sends the length and no bytes.
  std::shared_ptr<const ByteSource> file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;
  // Held this long before it is written (a timer on the connection; no thread waits): a
  // refusal of a flood (429, 503 busy) slows a client that waits for answers to one a
  // second, instead of inviting the next request at once.
  std::chrono::milliseconds delay{0};

  Response& SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Response& SendFile(std::shared_ptr<const ByteSource> f, std::uint64_t offset, std::uint64_t length) {
    file = std::move(f);
    file_offset = offset;
    file_length = length;
    body.clear();
    return *this;
  }
};

// One byte range of a `Range` header, resolved against a file of `size` bytes: inclusive
// [first, last]. Parsed by value, not by text: "bytes=00-", "bytes=0-" and "bytes=-<n>" for
// n >= size all start at byte 0.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
};
// nullopt when the header is not one satisfiable "bytes=" range (several ranges included).
std::optional<ByteRange> ParseByteRange(std::string_view header, std::uint64_t size);

// Handles one HTTP request. Runs on a worker thread (it may block on the database).
using Handler = std::function<Response(Request&)>;

// A live WebSocket as seen by the application. Send/Close may be called from any thread.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void Send(std::string text) = 0;
  // Closes with 1001 (going away).
  virtual void Close() = 0;
  // Closes with an application's code (4000-4999) and a short reason the page can read.
  virtual void CloseWith(std::uint16_t code, std::string reason) = 0;
};

// Application side of one WebSocket, owned by the connection. OnOpen/OnMessage/OnClose are
// called on the connection's I/O strand, one at a time: they must not block (post blocking
// work away). The connection is given as a weak_ptr: holding it strongly would be a cycle.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void OnOpen(std::weak_ptr<WsConnection> connection) = 0;
  virtual void OnMessage(std::string_view text) = 0;
  virtual void OnClose() = 0;
};

// Decides on an upgrade request (runs on a worker thread): a handler accepts it,
// a Response refuses it (e.g. 401).
using WsUpgrade = std::function<std::variant<std::unique_ptr<WsHandler>, Response>(Request&)>;

// Percent-decodes `in` ('+' as space when `plus_is_space`); nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Splits a request target into its decoded path and query; nullopt if malformed.
bool ParseTarget(std::string_view target, std::string& path,
                 std::multimap<std::string, std::string>& query);

}  // namespace vitrina::net
