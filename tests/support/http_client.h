#pragma once
// A small blocking HTTP/WebSocket client for tests (Boost.Beast). One connection,
// reopened when the server closes it. Not thread-safe: one per test thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json.hpp>

namespace vitrina::testing {

struct ClientResponse {
  unsigned status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  boost::json::value Json() const;
  std::string Header(const std::string& name) const;
  // The error code of a JSON error body, or "" if the body is not one.
  std::string ErrorCode() const;
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();

  ClientResponse Send(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends `raw` bytes as they are and returns the response (for malformed-request tests).
  ClientResponse SendRaw(const std::string& raw);

 private:
  void Connect();

  unsigned short port_;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::beast::tcp_stream> stream_;
  bool fresh_ = false;  // the current connection has not served a request yet
};

// A blocking WebSocket client; Read() waits up to `timeout_ms`.
class WsClient {
 public:
  WsClient(unsigned short port, const std::string& target,
           const std::vector<std::pair<std::string, std::string>>& headers);
  void Write(const std::string& text);
  std::optional<std::string> Read(int timeout_ms = 5000);
  // True once a Read saw the server close the connection (as opposed to a timeout).
  bool closed() const { return closed_; }
  // The close frame's code and reason once closed() (0 and "" when the server sent none).
  unsigned close_code() const { return ws_.reason().code; }
  std::string close_reason() const { return std::string(ws_.reason().reason.data(), ws_.reason().reason.size()); }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  bool closed_ = false;
};

}  // namespace vitrina::testing
