#pragma once
// Transport-level request/response values handed between the server and its handler.
// Plain data: no sockets here, so handlers and tests can build them freely.

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

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  Response& SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Handles one HTTP request. Runs on a worker thread (it may block on the database).
using Handler = std::function<Response(Request&)>;

// A live WebSocket as seen by the application. Send/Close may be called from any thread.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void Send(std::string text) = 0;
  virtual void Close() = 0;
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
