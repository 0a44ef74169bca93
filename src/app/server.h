#pragma once
// The whole server wired together: store, services, API, HTTP server, worker pool and
// housekeeping. Used by `vitrina serve` and, in-process on port 0, by integration tests.
// Start/Stop from one thread.

#include <boost/asio/thread_pool.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "accounts/account_service.h"
#include "api/api.h"
#include "api/live_hub.h"
#include "app/config.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "chat/chat_service.h"
#include "listings/listing_service.h"
#include "net/http_server.h"
#include "store/store.h"

namespace vitrina::app {

class Server {
 public:
  // `clock` may be null (the system clock is used); tests pass a ManualClock.
  Server(Config config, const base::Clock* clock = nullptr);
  ~Server();

  // Opens the store, applies migrations, binds the port, starts threads.
  [[nodiscard]] base::Result<void> Start();
  void Stop();
  unsigned short port() const { return http_ ? http_->port() : 0; }

  store::Store& store() { return *store_; }
  accounts::AccountService& accounts() { return *accounts_; }
  const Config& config() const { return config_; }

 private:
  void Housekeeping();

  Config config_;
  base::SystemClock system_clock_;
  const base::Clock* clock_;
  base::Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<listings::ListingService> listings_;
  std::unique_ptr<api::LiveHub> hub_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::unique_ptr<net::HttpServer> http_;
  std::thread housekeeping_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

// Options for the store and for accounts, derived from the configuration.
store::StoreOptions StoreOptionsFrom(const Config& config);
accounts::AuthOptions AuthOptionsFrom(const Config& config);

}  // namespace vitrina::app
