#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/algorithm/string/case_conv.hpp>

#include <algorithm>
#include <stdexcept>

#include <sys/socket.h>
#include <sys/time.h>

namespace vitrina::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

boost::json::value ClientResponse::Json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

std::string ClientResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string ClientResponse::ErrorCode() const {
  auto v = Json();
  if (!v.is_object()) return "";
  auto* err = v.as_object().if_contains("error");
  if (!err || !err->is_object()) return "";
  auto* code = err->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : "";
}

HttpClient::HttpClient(unsigned short port) : port_(port) {}
HttpClient::~HttpClient() = default;

void HttpClient::Connect() {
  stream_ = std::make_unique<beast::tcp_stream>(ioc_);
  stream_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  // Beast's expiry only applies to async operations: bound blocking reads at the socket so
  // a test can fail but never hang.
  timeval tv{30, 0};
  ::setsockopt(stream_->socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  fresh_ = true;
}

namespace {
ClientResponse Convert(http::response<http::string_body>& res) {
  ClientResponse out;
  out.status = res.result_int();
  for (const auto& f : res) {
    out.headers.emplace(boost::algorithm::to_lower_copy(std::string(f.name_string())),
                        std::string(f.value()));
  }
  out.body = res.body();
  return out;
}
}  // namespace

ClientResponse HttpClient::Send(const std::string& method, const std::string& target,
                                const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!stream_) {
      Connect();
    } else {
      fresh_ = false;
    }
    const bool reused = !fresh_;
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    bool has_type = false;
    std::vector<std::string> given;  // a name given twice is sent as two lines
    for (auto& [k, v] : headers) {
      const auto lower = boost::algorithm::to_lower_copy(k);
      if (std::find(given.begin(), given.end(), lower) != given.end()) {
        req.insert(k, v);
      } else {
        req.set(k, v);
        given.push_back(lower);
      }
      has_type |= boost::algorithm::to_lower_copy(k) == "content-type";
    }
    if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    beast::error_code ec;
    stream_->expires_after(std::chrono::seconds(30));
    http::write(*stream_, req, ec);
    if (ec) {
      stream_.reset();
      continue;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    parser.skip(method == "HEAD");  // a HEAD response announces a length but sends no body
    http::read(*stream_, buffer, parser, ec);
    if (ec) {
      stream_.reset();
      // Only a kept-alive connection that the server had already closed is retried.
      if (attempt == 0 && reused && ec == http::error::end_of_stream) continue;
      throw std::runtime_error("HTTP read failed: " + ec.message());
    }
    auto res = parser.release();
    auto out = Convert(res);
    if (!res.keep_alive()) stream_.reset();
    return out;
  }
  throw std::runtime_error("HTTP request failed");
}

ClientResponse HttpClient::SendRaw(const std::string& raw) {
  Connect();
  asio::write(stream_->socket(), asio::buffer(raw));
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code ec;
  stream_->expires_after(std::chrono::seconds(30));
  http::read(*stream_, buffer, res, ec);
  stream_.reset();
  if (ec) return ClientResponse{};
  return Convert(res);
}

WsClient::WsClient(unsigned short port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers)
    : ws_(ioc_) {
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws_.set_option(beast::websocket::stream_base::decorator(
      [headers](beast::websocket::request_type& req) {
        for (auto& [k, v] : headers) req.set(k, v);
      }));
  ws_.handshake("127.0.0.1:" + std::to_string(port), target);
}

void WsClient::Write(const std::string& text) {
  ws_.text(true);
  ws_.write(asio::buffer(text));
}

std::optional<std::string> WsClient::Read(int timeout_ms) {
  beast::flat_buffer buffer;
  std::optional<std::string> out;
  beast::error_code result = asio::error::timed_out;
  ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
    result = ec;
    if (!ec) out = beast::buffers_to_string(buffer.data());
  });
  ioc_.restart();
  ioc_.run_for(std::chrono::milliseconds(timeout_ms));
  if (!out && result != asio::error::timed_out) closed_ = true;
  if (!out && !closed_) {
    // Timed out: cancel the read so the stream stays usable (Beast then closes it).
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
  }
  return out;
}

}  // namespace vitrina::testing
