#include "net/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/algorithm/string/case_conv.hpp>

#include <unistd.h>

#include <cerrno>
#include <deque>
#include <optional>

#include "base/log.h"

namespace vitrina::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxQueuedWsMessages = 1024;

// A response body read from a ByteSource in chunks of kFileBodyChunk bytes: the serializer asks
// for the next chunk only after the previous one was written, so memory stays one chunk per
// connection whatever the file's size or the client's speed.
struct FileRangeBody {
  struct value_type {
    std::shared_ptr<const ByteSource> file;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  static std::uint64_t size(const value_type& v) { return v.length; }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& v)
        : v_(v), pos_(v.offset), remain_(v.length), buf_(new char[kFileBodyChunk]) {}
    void init(beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (remain_ == 0) return boost::none;
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remain_, kFileBodyChunk));
      const long n = v_.file->ReadAt(buf_.get(), want, pos_);
      if (n <= 0) {  // the file shrank or failed under us: end the connection, not the process
        ec = n == 0 ? beast::error_code(http::error::short_read)
                    : beast::error_code(errno, boost::system::generic_category());
        return boost::none;
      }
      pos_ += static_cast<std::uint64_t>(n);
      remain_ -= static_cast<std::uint64_t>(n);
      return std::make_pair(asio::const_buffer(buf_.get(), static_cast<std::size_t>(n)), remain_ > 0);
    }

   private:
    const value_type& v_;
    std::uint64_t pos_;
    std::uint64_t remain_;
    std::unique_ptr<char[]> buf_;
  };
};

template <typename Message>
void SetCommonFields(Message& out, const Response& res, bool keep_alive) {
  out.set(http::field::server, "vitrina");
  if (res.status != 204 && res.status != 304) out.set(http::field::content_type, res.content_type);
  for (const auto& [name, value] : res.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
}

http::response<http::string_body> ToBeast(Response&& res, unsigned version, bool keep_alive,
                                          bool head) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  SetCommonFields(out, res, keep_alive);
  if (res.status == 204 || res.status == 304) {
    out.body().clear();
  } else if (res.file) {  // HEAD of a file: its length, no bytes (the file is not read)
    out.body().clear();
    out.content_length(res.file_length);
  } else {
    const std::size_t size = res.body.size();
    out.body() = head ? std::string() : std::move(res.body);
    out.content_length(size);
  }
  return out;
}

Response JsonError(unsigned status, std::string_view code, std::string_view message) {
  Response res;
  res.status = status;
  res.body = std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" +
             std::string(message) + R"("}})";
  return res;
}

// One WebSocket connection. Owns the stream; reads run continuously, writes are queued.
class WsSession final : public HttpServer::Connection,
                        public WsConnection,
                        public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(HttpServer& server, beast::tcp_stream&& stream, std::unique_ptr<WsHandler> handler)
      : server_(server), ws_(std::move(stream)), handler_(std::move(handler)) {}

  ~WsSession() override { server_.Unregister(this); }

  void Run(http::request<http::string_body> req) {
    server_.Register(this, shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = server_.options().ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "vitrina"); }));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Finish();
      self->open_ = true;
      self->handler_->OnOpen(std::weak_ptr<WsConnection>(self));
      self->DoRead();
    });
  }

  void Send(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (!self->open_ || self->closing_) return;
      if (self->queue_.size() >= kMaxQueuedWsMessages) {
        base::log::Warn("ws_slow_consumer_closed");
        return self->Close();
      }
      self->queue_.push_back(std::move(text));
      if (self->queue_.size() == 1) self->DoWrite();
    });
  }

  void Close() override { CloseWith(websocket::close_code::going_away, {}); }

  void CloseWith(std::uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      if (!self->open_ || self->closing_) return;
      self->closing_ = true;
      websocket::close_reason why(code);
      why.reason.assign(reason.data(), std::min<std::size_t>(reason.size(), why.reason.max_size()));
      self->ws_.async_close(why, [self](beast::error_code) { self->Finish(); });
    });
  }

  void Shutdown() override { Close(); }

 private:
  void DoRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Finish();
      if (self->ws_.got_text()) {
        std::string text = beast::buffers_to_string(self->buffer_.data());
        self->handler_->OnMessage(text);
      }
      self->buffer_.consume(self->buffer_.size());
      self->DoRead();
    });
  }

  void DoWrite() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->Finish();
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->DoWrite();
                    });
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    handler_->OnClose();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  HttpServer& server_;
  websocket::stream<beast::tcp_stream> ws_;
  std::unique_ptr<WsHandler> handler_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

// One HTTP/1.1 connection: reads a request, runs the handler on the worker pool, writes
// the response, repeats while keep-alive holds.
class HttpSession final : public HttpServer::Connection,
                          public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(HttpServer& server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)) {}

  ~HttpSession() override {
    if (registered_) server_.Unregister(this);
  }

  void Run() {
    registered_ = true;
    server_.Register(this, shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoReadHeader(); });
  }

  void Shutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->shutdown_requested_ = true;
      if (!self->busy_) self->Close();  // idle keep-alive: close now; else after the write
    });
  }

 private:
  void DoReadHeader() {
    if (shutdown_requested_) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
    parser_->body_limit(server_.options().body_limit);
    stream_.expires_after(server_.options().header_timeout);
    busy_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    busy_ = true;
    if (ec == http::error::body_limit) return WriteErrorAndClose(413, "body_too_large", "Request body is too large");
    if (ec == http::error::header_limit) return WriteErrorAndClose(431, "headers_too_large", "Request headers are too large");
    if (ec) {
      if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
          ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
          ec != asio::error::eof) {
        return WriteErrorAndClose(400, "bad_request", "Malformed HTTP request");
      }
      return Close();
    }
    auto& req = parser_->get();
    if (websocket::is_upgrade(req)) return OnUpgrade();
    if (auto expect = req[http::field::expect]; !expect.empty()) {
      if (!beast::iequals(expect, "100-continue")) {
        return WriteErrorAndClose(417, "expectation_failed", "Unsupported Expect header");
      }
      // The client waits for this before sending the body.
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->Close();
                          self->DoReadBody();
                        });
      return;
    }
    DoReadBody();
  }

  void DoReadBody() {
    stream_.expires_after(server_.options().body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->OnBody(ec);
                     });
  }

  bool FillRequest(Request& out, const http::request<http::string_body>& req) {
    out.method = req.method();
    out.target = std::string(req.target());
    if (!ParseTarget(out.target, out.path, out.query)) return false;
    for (const auto& field : req) {
      out.headers.emplace_back(boost::algorithm::to_lower_copy(std::string(field.name_string())),
                               std::string(field.value()));
    }
    beast::error_code ignored;
    auto endpoint = stream_.socket().remote_endpoint(ignored);
    if (!ignored) out.remote_ip = endpoint.address().to_string();
    return true;
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) return WriteErrorAndClose(413, "body_too_large", "Request body is too large");
    if (ec) {
      if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
          ec == asio::error::eof || ec == asio::error::connection_reset) {
        return Close();
      }
      return WriteErrorAndClose(400, "bad_request", "Malformed HTTP request");
    }
    stream_.expires_never();
    auto beast_req = parser_->release();
    auto req = std::make_shared<Request>();
    if (!FillRequest(*req, beast_req)) {
      return WriteErrorAndClose(400, "bad_target", "Malformed request target");
    }
    req->body = std::move(beast_req.body());
    const unsigned version = beast_req.version();
    const bool keep_alive = beast_req.keep_alive();
    const bool head = beast_req.method() == http::verb::head;
    asio::post(server_.PoolFor(*req), [self = shared_from_this(), req, version, keep_alive, head] {
      Response res;
      try {
        res = self->server_.handler()(*req);
      } catch (const std::exception& e) {
        base::log::Error("handler_exception", {{"what", e.what()}, {"path", req->path}});
        res = JsonError(500, "internal", "Internal error");
      }
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res), version, keep_alive, head]() mutable {
                   self->Write(std::move(res), version, keep_alive, head);
                 });
    });
  }

  void OnUpgrade() {
    auto beast_req = std::make_shared<http::request<http::string_body>>(parser_->release());
    auto req = std::make_shared<Request>();
    if (!FillRequest(*req, *beast_req) || req->path != server_.options().ws_path ||
        !server_.ws_upgrade()) {
      return WriteErrorAndClose(404, "not_found", "No WebSocket endpoint here");
    }
    asio::post(server_.workers(), [self = shared_from_this(), req, beast_req] {
      auto decision = self->server_.ws_upgrade()(*req);
      asio::post(self->stream_.get_executor(),
                 [self, beast_req, decision = std::move(decision)]() mutable {
                   if (auto* res = std::get_if<Response>(&decision)) {
                     return self->Write(std::move(*res), beast_req->version(), false, false);
                   }
                   if (self->shutdown_requested_) return self->Close();
                   auto handler = std::move(std::get<std::unique_ptr<WsHandler>>(decision));
                   auto ws = std::make_shared<WsSession>(self->server_, std::move(self->stream_),
                                                         std::move(handler));
                   self->upgraded_ = true;
                   ws->Run(std::move(*beast_req));
                 });
    });
  }

  void Write(Response&& res, unsigned version, bool keep_alive, bool head) {
    if (res.delay.count() > 0 && !server_.stopping()) {
      auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor(), res.delay);
      res.delay = std::chrono::milliseconds(0);
      timer->async_wait([self = shared_from_this(), timer, res = std::move(res), version, keep_alive,
                         head](beast::error_code) mutable {
        self->Write(std::move(res), version, keep_alive, head);
      });
      return;
    }
    keep_alive = keep_alive && !shutdown_requested_ && !server_.stopping();
    if (res.file && !head && res.status != 204 && res.status != 304) {
      return WriteFile(std::move(res), version, keep_alive);
    }
    auto msg = std::make_shared<http::response<http::string_body>>(
        ToBeast(std::move(res), version, keep_alive, head));
    stream_.expires_after(server_.options().body_timeout);
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg](beast::error_code ec, std::size_t) {
                        if (ec || !msg->keep_alive()) return self->Close();
                        self->DoReadHeader();
                      });
  }

  // A file body: written piece by piece, each write with its own timeout, so a long download
  // at any steady speed completes while a stalled client is cut off after body_timeout.
  void WriteFile(Response&& res, unsigned version, bool keep_alive) {
    using Message = http::response<FileRangeBody>;
    struct State {
      Message msg;
      std::optional<http::response_serializer<FileRangeBody>> sr;
    };
    auto state = std::make_shared<State>();
    state->msg = Message{static_cast<http::status>(res.status), version};
    SetCommonFields(state->msg, res, keep_alive);
    state->msg.body() = FileRangeBody::value_type{res.file, res.file_offset, res.file_length};
    state->msg.content_length(res.file_length);
    state->sr.emplace(state->msg);
    WriteFilePart(std::move(state));
  }

  template <typename State>
  void WriteFilePart(std::shared_ptr<State> state) {
    stream_.expires_after(server_.options().body_timeout);
    http::async_write_some(stream_, *state->sr,
                           [self = shared_from_this(), state](beast::error_code ec, std::size_t) {
                             if (ec) return self->Close();
                             if (!state->sr->is_done()) return self->WriteFilePart(state);
                             if (!state->msg.keep_alive()) return self->Close();
                             self->DoReadHeader();
                           });
  }

  void WriteErrorAndClose(unsigned status, std::string_view code, std::string_view message) {
    Write(JsonError(status, code, message), 11, false, false);
  }

  void Close() {
    if (upgraded_) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  HttpServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool registered_ = false;
  bool busy_ = false;
  bool shutdown_requested_ = false;
  bool upgraded_ = false;
};

}  // namespace

HttpServer::HttpServer(ServerOptions options, Handler handler, WsUpgrade ws_upgrade,
                       asio::thread_pool& workers)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      ws_upgrade_(std::move(ws_upgrade)),
      workers_(workers),
      acceptor_(asio::make_strand(ioc_)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::SetLane(std::function<bool(const Request&)> pick, asio::thread_pool& pool) {
  lane_pick_ = std::move(pick);
  lane_pool_ = &pool;
}

base::Result<void> HttpServer::Start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return base::InvalidArgument("bad_address", "Invalid listen address: " + options_.address);
  }
  tcp::endpoint endpoint{address, options_.port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return base::Fail(base::ErrorKind::kUnavailable, "listen_failed",
                      "Cannot listen on " + options_.address + ":" +
                          std::to_string(options_.port) + ": " + ec.message());
  }
  bound_port_ = acceptor_.local_endpoint().port();
  started_ = true;
  work_.emplace(ioc_.get_executor());
  DoAccept();
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  return base::Ok();
}

void HttpServer::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping_) return;
    if (!ec) std::make_shared<HttpSession>(*this, std::move(socket))->Run();
    DoAccept();
  });
}

void HttpServer::Register(Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(mu_);
  connections_[c] = std::move(weak);
}

void HttpServer::Unregister(Connection* c) {
  std::lock_guard lock(mu_);
  connections_.erase(c);
  if (connections_.empty()) drained_.notify_all();
}

void HttpServer::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [ptr, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) c->Shutdown();
  live.clear();
  {
    std::unique_lock lock(mu_);
    drained_.wait_for(lock, options_.drain_timeout, [this] { return connections_.empty(); });
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace vitrina::net
