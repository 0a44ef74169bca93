#include "net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <future>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/time.h>

#include "support/http_client.h"

namespace vitrina::net {
namespace {

using testing::ClientResponse;
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
          if (req.Query("deny")) {
            Response denied;
            denied.status = 401;
            denied.body = "{}";
            return denied;
          }
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

// Resident memory of this process (the server and the test's clients), in bytes.
std::int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

// Downloads `target` over a raw socket with a small receive buffer (so the server meets
// back-pressure), checking each byte against the file's pattern; returns the body bytes seen.
std::uint64_t Download(unsigned short port, const std::string& target, std::uint64_t expect_size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 64 * 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 0;
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)::write(fd, req.data(), req.size());
  std::string head;
  std::uint64_t body = 0;
  bool in_body = false, pattern_ok = true;
  std::vector<char> buf(16 * 1024);
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    std::size_t i = 0;
    if (!in_body) {
      head.append(buf.data(), static_cast<std::size_t>(n));
      const auto end = head.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      in_body = true;
      const std::string rest = head.substr(end + 4);
      for (char c : rest) pattern_ok &= static_cast<unsigned char>(c) == body++ % 251;
      continue;
    }
    for (; i < static_cast<std::size_t>(n); ++i) {
      pattern_ok &= static_cast<unsigned char>(buf[i]) == body++ % 251;
    }
  }
  ::close(fd);
  EXPECT_TRUE(pattern_ok) << "the bytes served are the file's";
  EXPECT_NE(head.find("Content-Length: " + std::to_string(expect_size)), std::string::npos) << head.substr(0, 300);
  return body;
}

TEST_F(HttpServerTest, FileBodiesStreamWithBoundedMemory) {
  // A file far larger than the body chunk, downloaded by several clients at once: the process
  // must not hold the file (or files) in memory. Reading it whole would add 4 x 48 MiB.
  const auto path = std::filesystem::temp_directory_path() / ("vitrina-big-" + std::to_string(::getpid()));
  constexpr std::uint64_t kSize = 48ull << 20;
  {
    std::ofstream out(path, std::ios::binary);
    std::vector<char> block(1 << 20);
    for (std::uint64_t written = 0; written < kSize; written += block.size()) {
      for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((written + i) % 251);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  StartServer([&](Request& req) {
    Response r;
    auto file = OpenFile::Open(path);
    if (!file) {
      r.status = 500;
      return r;
    }
    const auto size = file->size();
    if (req.path == "/tail") {
      r.SendFile(std::move(file), size - 10, 10);
      return r;
    }
    r.content_type = "application/octet-stream";
    r.SendFile(std::move(file), 0, size);
    return r;
  });
  const auto before = ResidentBytes();
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> peak{before};
  std::thread sampler([&] {
    while (!done) {
      peak = std::max(peak.load(), ResidentBytes());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::future<std::uint64_t>> downloads;
  for (int i = 0; i < 4; ++i) {
    downloads.push_back(std::async(std::launch::async, [&] { return Download(server_->port(), "/file", kSize); }));
  }
  for (auto& d : downloads) EXPECT_EQ(d.get(), kSize);
  done = true;
  sampler.join();
  const auto growth = peak.load() - before;
  std::cout << "[ stream   ] 4 x " << (kSize >> 20) << " MiB downloaded; peak RSS growth " << (growth >> 10)
            << " KiB\n";
  EXPECT_LT(growth, 24ll << 20) << "a streamed body must not be held in memory";

  // A slice: exactly its bytes, and HEAD sends the length without a body.
  HttpClient client(server_->port());
  auto tail = client.Send("GET", "/tail");
  ASSERT_EQ(tail.body.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(static_cast<unsigned char>(tail.body[i]), (kSize - 10 + i) % 251);
  auto head = client.Send("HEAD", "/file");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.Header("content-length"), std::to_string(kSize));
  EXPECT_TRUE(head.body.empty());
  std::filesystem::remove(path);
}

TEST_F(HttpServerTest, ALaneKeepsItsFloodOutOfTheWorkersQueue) {
  // Eight stuck requests would hold both workers; in a lane of one thread they hold only it,
  // and other requests are still answered: they never queue behind the lane's.
  boost::asio::thread_pool lane{1};
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> lane_entered{0};
  ServerOptions options;
  options.port = 0;
  server_ = std::make_unique<HttpServer>(
      options,
      [&, released](Request& req) {
        Response r;
        if (req.path == "/slow") {
          ++lane_entered;
          released.wait();
          r.body = "slow";
        } else {
          r.body = "fast";
        }
        return r;
      },
      WsUpgrade(), pool_);
  server_->SetLane([](const Request& req) { return req.path == "/slow"; }, lane);
  ASSERT_TRUE(server_->Start());
  const auto port = server_->port();
  std::vector<std::future<ClientResponse>> flood;
  for (int i = 0; i < 8; ++i) {
    flood.push_back(std::async(std::launch::async, [port] { return HttpClient(port).Send("GET", "/slow"); }));
  }
  while (lane_entered == 0) std::this_thread::yield();
  HttpClient client(port);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.Send("GET", "/fast").body, "fast");
  EXPECT_EQ(lane_entered.load(), 1) << "the lane has one thread: the rest of the flood waits in its own queue";
  release.set_value();
  for (auto& f : flood) EXPECT_EQ(f.get().body, "slow");
  server_->Stop();
  lane.join();
}

}  // namespace
}  // namespace vitrina::net
