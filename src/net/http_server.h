#pragma once
// HTTP/1.1 + WebSocket server on Boost.Beast.
//
// I/O runs on `io_threads` threads of its own io_context; every request is handed to the
// `workers` pool to run the handler (which may block on the database), and the response is
// posted back to the connection's strand to be written. So I/O threads never block.
// Stop() is graceful: it stops accepting, lets in-flight requests finish (up to
// `drain_timeout`), closes idle keep-alive connections and WebSockets, then joins.
// Start/Stop/port are for the owning thread; the handlers are called as described above.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "net/http.h"

namespace vitrina::net {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: pick a free port (see HttpServer::port)
  int io_threads = 2;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{30'000};  // also the keep-alive idle limit
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds drain_timeout{10'000};
  std::chrono::milliseconds ws_idle_timeout{60'000};  // pings are sent at half of it
  std::string ws_path = "/api/v1/ws";
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler, WsUpgrade ws_upgrade,
             boost::asio::thread_pool& workers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Requests `pick` selects run on `pool` instead of the workers: a lane of their own, so a
  // flood of them (e.g. anonymous sign-in attempts) queues behind itself and never ahead of
  // other requests. Set before Start(); `pick` runs on an I/O thread and must be cheap.
  void SetLane(std::function<bool(const Request&)> pick, boost::asio::thread_pool& pool);

  [[nodiscard]] base::Result<void> Start();
  unsigned short port() const { return bound_port_; }
  void Stop();

  // Internal: connections register themselves so Stop() can reach them.
  class Connection;
  void Register(Connection* c, std::weak_ptr<Connection> weak);
  void Unregister(Connection* c);

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  const WsUpgrade& ws_upgrade() const { return ws_upgrade_; }
  boost::asio::thread_pool& workers() { return workers_; }
  // The pool that runs `req`'s handler (the lane's, or the workers).
  boost::asio::thread_pool& PoolFor(const Request& req) {
    return lane_pool_ != nullptr && lane_pick_(req) ? *lane_pool_ : workers_;
  }
  bool stopping() const { return stopping_.load(); }

 private:
  void DoAccept();

  ServerOptions options_;
  Handler handler_;
  WsUpgrade ws_upgrade_;
  boost::asio::thread_pool& workers_;
  std::function<bool(const Request&)> lane_pick_;
  boost::asio::thread_pool* lane_pool_ = nullptr;
  // Declared before ioc_: handlers destroyed with ioc_ may still unregister connections.
  std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  boost::asio::io_context ioc_;
  // Keeps the I/O threads running while a request is on the worker pool (the connection
  // then has no pending I/O, and the context would otherwise return from run()).
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  unsigned short bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

// A connection (HTTP or WebSocket) as the server sees it for shutdown.
class HttpServer::Connection {
 public:
  virtual ~Connection() = default;
  // Called from Stop(): finish the current exchange, then close. Any thread.
  virtual void Shutdown() = 0;
};

}  // namespace vitrina::net
