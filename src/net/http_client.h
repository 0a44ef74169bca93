#pragma once
// A small blocking HTTP/1.1 client for server-to-server calls (the media server's API,
// later speech-recognition servers). One request per connection: these calls are rare and
// go to local or LAN peers, so pooling would buy little. Thread-safe (no shared state).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace vitrina::net {

struct HttpClientResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

struct ParsedUrl {
  std::string scheme;  // http | ws
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
};

// Parses "http://host:port/path" (and ws://). Only plain-text schemes are supported.
base::Result<ParsedUrl> ParseUrl(const std::string& url);

// Sends one request; any status is a value, only connection/timeout failures are errors
// (kind kUnavailable, code "upstream_unavailable", saying at which step). `timeout` bounds the
// whole exchange: name lookup, connect, sending and the complete answer (capped at 64 MiB).
base::Result<HttpClientResponse> HttpRequest(
    const std::string& method, const std::string& url, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout);

}  // namespace vitrina::net
