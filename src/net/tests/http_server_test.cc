#include "net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>

#include "support/http_client.h"

namespace vitrina::net {
namespace {

using testing::HttpClient;

class EchoWs final : public WsHandler {
 public:
  void OnOpen(std::weak_ptr<WsConnection> c) override {
    conn_ = c;
    c.lock()->Send("hello");
  }
  void OnMessage(std::string_view text) override {
    if (auto c = conn_.lock()) c->Send("echo:" + std::string(text));
  }
  void OnClose() override {}

 private:
  std::weak_ptr<WsConnection> conn_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(Handler handler, ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        options, std::move(handler),
        [](Request& req) -> std::variant<std::unique_ptr<WsHandler>, Response> {
          if (req.Query("deny")) return Response{401, "application/json", "{}", {}};
          return std::make_unique<EchoWs>();
        },
        pool_);
    ASSERT_TRUE(server_->Start());
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    pool_.join();
  }

  boost::asio::thread_pool pool_{2};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesRequestsOverKeepAlive) {
  std::atomic<int> calls{0};
  StartServer([&](Request& req) {
    ++calls;
    Response r;
    r.body = req.path + "|" + req.Query("a").value_or("") + "|" + req.body;
    return r;
  });
  HttpClient client(server_->port());
  auto r1 = client.Send("GET", "/x/y?a=1");
  EXPECT_EQ(r1.status, 200u);
  EXPECT_EQ(r1.body, "/x/y|1|");
  auto r2 = client.Send("POST", "/p", "payload");
  EXPECT_EQ(r2.body, "/p||payload");
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(HttpServerTest, OversizedBodyGets413JsonError) {
  ServerOptions options;
  options.body_limit = 1024;
  StartServer([](Request&) { return Response{}; }, options);
  HttpClient client(server_->port());
  auto r = client.Send("POST", "/p", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.ErrorCode(), "body_too_large");
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  StartServer([](Request&) { return Response{}; });
  HttpClient client(server_->port());
  auto r = client.SendRaw("GARBAGE\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  auto r2 = client.SendRaw("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r2.status, 400u);
  EXPECT_EQ(r2.ErrorCode(), "bad_target");
}

TEST_F(HttpServerTest, SilentClientIsDisconnectedAfterHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  StartServer([](Request&) { return Response{}; }, options);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  timeval tv{10, 0};  // the test fails rather than hangs if the server never closes
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  boost::system::error_code ec;
  socket.read_some(boost::asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, boost::asio::error::eof);  // closed by the server, not our 10 s receive limit
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500) {
  StartServer([](Request&) -> Response { throw std::runtime_error("boom"); });
  HttpClient client(server_->port());
  auto r = client.Send("GET", "/");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.ErrorCode(), "internal");
}

TEST_F(HttpServerTest, StopFinishesInFlightRequest) {
  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  StartServer([&, release_future](Request&) {
    entered.set_value();
    release_future.wait();
    Response r;
    r.body = "finished";
    return r;
  });
  const auto port = server_->port();
  auto result = std::async(std::launch::async, [port] {
    HttpClient client(port);
    return client.Send("GET", "/slow");
  });
  entered.get_future().wait();
  std::thread stopper([&] { server_->Stop(); });
  while (!server_->stopping()) std::this_thread::yield();  // Stop has begun
  release.set_value();
  auto r = result.get();
  stopper.join();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "finished");
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(HttpServerTest, WebSocketUpgradeAndEcho) {
  StartServer([](Request&) { return Response{}; });
  testing::WsClient ws(server_->port(), "/api/v1/ws", {});
  EXPECT_EQ(ws.Read(), "hello");
  ws.Write("ping");
  EXPECT_EQ(ws.Read(), "echo:ping");
}

TEST_F(HttpServerTest, WebSocketRefusedWithResponse) {
  StartServer([](Request&) { return Response{}; });
  EXPECT_ANY_THROW(testing::WsClient(server_->port(), "/api/v1/ws?deny=1", {}));
}

}  // namespace
}  // namespace vitrina::net
