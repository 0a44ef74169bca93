#include "store/postgres/event_bus.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <map>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "base/random.h"
#include "store/postgres/pg.h"

namespace vitrina::store::postgres {
namespace {

// NOTIFY payloads must be shorter than 8000 bytes: larger events go as numbered chunks in one
// transaction (delivered together, in order). Chunk: "<message id> <index> <count> <data>".
constexpr std::size_t kChunkBytes = 7000;
constexpr auto kIncompleteTtl = std::chrono::seconds(30);

// The longest prefix of `s` from `begin` of at most `max` bytes that ends on a UTF-8 character
// boundary (a NOTIFY payload must be valid text).
std::size_t ChunkEnd(const std::string& s, std::size_t begin, std::size_t max) {
  std::size_t end = std::min(s.size(), begin + max);
  while (end < s.size() && end > begin && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return end;
}

class PgEventBus final : public EventBus {
 public:
  PgEventBus(std::string url, std::string channel, int connect_timeout_s)
      : url_(std::move(url)), channel_(std::move(channel)), connect_timeout_s_(connect_timeout_s) {
    origin_ = base::RandomToken(6);
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  }

  ~PgEventBus() override {
    stop_ = true;
    const std::uint64_t one = 1;
    if (wake_ >= 0) {
      [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
    }
    if (listener_.joinable()) listener_.join();
    if (wake_ >= 0) ::close(wake_);
  }

  Result<void> Publish(const std::string& payload) override {
    std::lock_guard lock(publish_mu_);
    if (!publisher_ || !publisher_->Ok()) {
      publisher_.reset();
      publisher_ = TRY(Connection::Open(url_, connect_timeout_s_, 10000));
    }
    const std::string id = origin_ + std::to_string(++sequence_);
    std::vector<std::pair<std::size_t, std::size_t>> chunks;
    for (std::size_t begin = 0; begin < payload.size() || chunks.empty();) {
      const std::size_t end = ChunkEnd(payload, begin, kChunkBytes);
      chunks.emplace_back(begin, end);
      if (end == begin) break;  // empty payload
      begin = end;
    }
    auto sent = [&]() -> Result<void> {
      if (chunks.size() > 1) TRY(publisher_->ExecScript("BEGIN"));
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        auto stmt = TRY(publisher_->Prepare("SELECT pg_notify($1, $2)"));
        std::string text = id + " " + std::to_string(i) + " " + std::to_string(chunks.size()) + " ";
        text.append(payload, chunks[i].first, chunks[i].second - chunks[i].first);
        TRY(stmt.Bind(1, channel_).Bind(2, text).Exec());
      }
      if (chunks.size() > 1) TRY(publisher_->ExecScript("COMMIT"));
      return {};
    }();
    if (!sent && publisher_->InTransaction()) (void)publisher_->ExecScript("ROLLBACK");
    return sent;
  }

  void Subscribe(std::function<void(const std::string&)> fn) override {
    fn_ = std::move(fn);
    std::promise<void> listening;
    auto ready = listening.get_future();
    listener_ = std::thread([this, p = std::move(listening)]() mutable { Listen(std::move(p)); });
    // Published-after-Subscribe holds once LISTEN is in place (or the first attempt failed).
    ready.wait_for(std::chrono::seconds(connect_timeout_s_ + 1));
  }

 private:
  void Listen(std::promise<void> listening) {
    bool announced = false;
    auto announce = [&] {
      if (!announced) listening.set_value();
      announced = true;
    };
    int backoff_ms = 100;
    while (!stop_) {
      auto conn = Connection::Open(url_, connect_timeout_s_, 0);
      if (conn) {
        auto listen = (*conn)->ExecScript("LISTEN \"" + channel_ + "\"");
        if (listen) {
          base::log::Info("event_bus_listening", {{"channel", channel_}});
          announce();
          backoff_ms = 100;
          Pump(**conn);
          if (stop_) break;
          base::log::Warn("event_bus_connection_lost", {{"channel", channel_}});
        }
      } else {
        base::log::Warn("event_bus_connect_failed", {{"channel", channel_}, {"error", conn.error().message}});
      }
      announce();
      // Back off before reconnecting (events published meanwhile are missed: best effort).
      pollfd wake{wake_, POLLIN, 0};
      ::poll(&wake, 1, backoff_ms);
      backoff_ms = std::min(backoff_ms * 2, 5000);
    }
    announce();
  }

  // Delivers notifications until the connection fails or the bus stops.
  void Pump(Connection& conn) {
    PGconn* raw = conn.raw();
    while (!stop_) {
      pollfd fds[2] = {{PQsocket(raw), POLLIN, 0}, {wake_, POLLIN, 0}};
      const int ready = ::poll(fds, 2, 1000);
      if (stop_) return;
      if (ready < 0) continue;
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) return;
      if (!PQconsumeInput(raw) || PQstatus(raw) != CONNECTION_OK) return;
      while (PGnotify* n = PQnotifies(raw)) {
        Accept(n->extra ? n->extra : "");
        PQfreemem(n);
      }
      DropStale();
    }
  }

  void Accept(std::string_view text) {
    // "<id> <index> <count> <data>"
    const auto a = text.find(' ');
    const auto b = a == std::string_view::npos ? a : text.find(' ', a + 1);
    const auto c = b == std::string_view::npos ? b : text.find(' ', b + 1);
    if (c == std::string_view::npos) return;
    const std::string id(text.substr(0, a));
    const std::size_t index = std::strtoull(std::string(text.substr(a + 1, b - a - 1)).c_str(), nullptr, 10);
    const std::size_t count = std::strtoull(std::string(text.substr(b + 1, c - b - 1)).c_str(), nullptr, 10);
    if (count == 0 || index >= count || count > 100000) return;
    const std::string_view data = text.substr(c + 1);
    if (count == 1) {
      Deliver(std::string(data));
      return;
    }
    auto& pending = pending_[id];
    if (pending.parts.empty()) {
      pending.parts.resize(count);
      pending.since = std::chrono::steady_clock::now();
    }
    if (pending.parts.size() != count || pending.parts[index]) return;
    pending.parts[index] = std::string(data);
    if (++pending.received < count) return;
    std::string whole;
    for (auto& part : pending.parts) whole += *part;
    pending_.erase(id);
    Deliver(whole);
  }

  void Deliver(const std::string& payload) {
    if (!fn_) return;
    try {
      fn_(payload);
    } catch (const std::exception& e) {
      base::log::Error("event_bus_subscriber_failed", {{"error", e.what()}});
    }
  }

  void DropStale() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = pending_.begin(); it != pending_.end();) {
      it = now - it->second.since > kIncompleteTtl ? pending_.erase(it) : std::next(it);
    }
  }

  struct Pending {
    std::vector<std::optional<std::string>> parts;
    std::size_t received = 0;
    std::chrono::steady_clock::time_point since;
  };

  const std::string url_;
  const std::string channel_;
  const int connect_timeout_s_;
  std::string origin_;
  int wake_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex publish_mu_;
  std::unique_ptr<Connection> publisher_;
  std::uint64_t sequence_ = 0;
  std::function<void(const std::string&)> fn_;
  std::thread listener_;
  std::map<std::string, Pending> pending_;  // listener thread only
};

}  // namespace

Result<std::unique_ptr<EventBus>> OpenPgEventBus(const std::string& url, const std::string& channel,
                                                 int connect_timeout_s) {
  if (channel.empty() || channel.size() > 63 ||
      channel.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return base::InvalidArgument("bad_channel", "An event channel is lower-case letters, digits and '_'");
  }
  return std::unique_ptr<EventBus>(std::make_unique<PgEventBus>(url, channel, connect_timeout_s));
}

}  // namespace vitrina::store::postgres
