#include "asr/http_post.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace vitrina::asr::internal {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

base::Result<net::HttpClientResponse> PostWithDeadline(
    const std::string& url, std::string body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout) {
  const net::ParsedUrl parsed = TRY(net::ParseUrl(url));

  http::request<http::string_body> req(http::verb::post, parsed.target, 11);
  req.set(http::field::host, parsed.host + ":" + parsed.port);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();

  // Everything runs on this thread inside ioc.run(): the handlers and the deadline's handler
  // never run at the same time, so the plain variables below need no lock.
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  asio::steady_timer deadline(ioc, timeout);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);

  const char* stage = "resolve";
  error_code failure;
  bool timed_out = false;
  bool finished = false;
  auto finish = [&](const error_code& ec) {
    finished = true;
    failure = ec;
    deadline.cancel();
  };

  deadline.async_wait([&](const error_code& ec) {
    if (ec || finished) return;  // cancelled: the exchange ended in time
    timed_out = true;
    // Both make the pending operation complete with operation_aborted. (A name lookup already
    // inside getaddrinfo still finishes first: the system resolver has its own timeout.)
    resolver.cancel();
    error_code ignored;
    socket.close(ignored);
  });

  resolver.async_resolve(
      parsed.host, parsed.port, [&](const error_code& ec, const tcp::resolver::results_type& eps) {
        // The deadline may have fired after this step completed but before its handler ran
        // (it closed nothing then): every step checks before starting the next one.
        if (ec || timed_out) return finish(ec);
        stage = "connect";
        asio::async_connect(socket, eps, [&](const error_code& ec, const tcp::endpoint&) {
          if (ec || timed_out) return finish(ec);
          stage = "send";
          http::async_write(socket, req, [&](const error_code& ec, std::size_t) {
            if (ec || timed_out) return finish(ec);
            stage = "receive";
            http::async_read(socket, buffer, parser,
                             [&](const error_code& ec, std::size_t) { finish(ec); });
          });
        });
      });
  ioc.run();

  auto unavailable = [&](const std::string& what) {
    return base::Fail(base::ErrorKind::kUnavailable, "upstream_unavailable",
                      "POST " + url + ": " + what);
  };
  if (timed_out) {
    return unavailable("no complete answer within " + std::to_string(timeout.count()) + " ms (at " +
                       stage + ")");
  }
  if (failure) return unavailable(std::string(stage) + ": " + failure.message());
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  auto& res = parser.get();
  return net::HttpClientResponse{res.result_int(), std::string(res[http::field::content_type]),
                                 std::move(res.body())};
}

}  // namespace vitrina::asr::internal
