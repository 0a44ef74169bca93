#include "net/http_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace vitrina::net {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

base::Result<ParsedUrl> ParseUrl(const std::string& url) {
  ParsedUrl out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return base::InvalidArgument("invalid_url", "Not a URL: '" + url + "'");
  }
  out.scheme = url.substr(0, scheme_end);
  if (out.scheme != "http" && out.scheme != "ws") {
    return base::InvalidArgument("invalid_url", "Only http:// and ws:// URLs are supported: '" +
                                                    url + "'");
  }
  const auto rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
    out.port = "80";
  }
  if (out.host.empty() || out.port.empty()) {
    return base::InvalidArgument("invalid_url", "No host in URL '" + url + "'");
  }
  return out;
}

base::Result<HttpClientResponse> HttpRequest(
    const std::string& method, const std::string& url, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout) {
  auto parsed = TRY(ParseUrl(url));
  auto unavailable = [&](const std::string& what) {
    return base::Fail(base::ErrorKind::kUnavailable, "upstream_unavailable",
                      method + " " + url + ": " + what);
  };
  boost::system::error_code ec;
  boost::asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(parsed.host, parsed.port, ec);
  if (ec) return unavailable(ec.message());
  tcp::socket socket(ioc);
  boost::asio::connect(socket, endpoints, ec);
  if (ec) return unavailable(ec.message());
  // Blocking reads/writes honour SO_RCVTIMEO/SO_SNDTIMEO: a hung peer cannot hold a thread.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  http::request<http::string_body> req(http::string_to_verb(method), parsed.target, 11);
  req.set(http::field::host, parsed.host + ":" + parsed.port);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(socket, req, ec);
  if (ec) return unavailable(ec.message());
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(socket, buffer, parser, ec);
  if (ec) return unavailable(ec.message());
  auto& res = parser.get();
  socket.shutdown(tcp::socket::shutdown_both, ec);
  return HttpClientResponse{res.result_int(), std::string(res[http::field::content_type]),
                            std::move(res.body())};
}

}  // namespace vitrina::net
