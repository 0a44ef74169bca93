#include "net/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
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
  const ParsedUrl parsed = TRY(ParseUrl(url));
  http::request<http::string_body> req(http::string_to_verb(method), parsed.target, 11);
  req.set(http::field::host, parsed.host + ":" + parsed.port);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = body;
    req.prepare_payload();
  }

  // One deadline over the whole exchange. (Not SO_RCVTIMEO on a blocking socket: Asio's
  // blocking read goes back to poll() without a timeout on the EAGAIN that produces, so a
  // peer that accepts and never answers would hold the caller until it closes.) Everything
  // runs on this thread inside ioc.run(), so the plain variables below need no lock.
  boost::asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  boost::asio::steady_timer deadline(ioc, timeout);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);

  const char* stage = "resolve";
  boost::system::error_code failure;
  bool timed_out = false;
  bool finished = false;
  auto finish = [&](const boost::system::error_code& ec) {
    finished = true;
    failure = ec;
    deadline.cancel();
  };
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec || finished) return;  // cancelled: the exchange ended in time
    timed_out = true;
    // Both make the pending operation complete with operation_aborted. (A name lookup already
    // inside getaddrinfo still finishes first: the system resolver has its own timeout.)
    resolver.cancel();
    boost::system::error_code ignored;
    socket.close(ignored);
  });
  // The deadline may fire after a step completed but before its handler ran (closing nothing
  // then): every step checks before starting the next one.
  resolver.async_resolve(parsed.host, parsed.port,
                         [&](const boost::system::error_code& ec, const tcp::resolver::results_type& eps) {
    if (ec || timed_out) return finish(ec);
    stage = "connect";
    boost::asio::async_connect(socket, eps, [&](const boost::system::error_code& ec, const tcp::endpoint&) {
      if (ec || timed_out) return finish(ec);
      stage = "send";
      http::async_write(socket, req, [&](const boost::system::error_code& ec, std::size_t) {
        if (ec || timed_out) return finish(ec);
        stage = "receive";
        http::async_read(socket, buffer, parser,
                         [&](const boost::system::error_code& ec, std::size_t) { finish(ec); });
      });
    });
  });
  ioc.run();

  auto unavailable = [&](const std::string& what) {
    return base::Fail(base::ErrorKind::kUnavailable, "upstream_unavailable", method + " " + url + ": " + what);
  };
  if (timed_out) {
    return unavailable("no complete answer within " + std::to_string(timeout.count()) + " ms (at " + stage + ")");
  }
  if (failure) return unavailable(std::string(stage) + ": " + failure.message());
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  auto& res = parser.get();
  return HttpClientResponse{res.result_int(), std::string(res[http::field::content_type]), std::move(res.body())};
}

}  // namespace vitrina::net
