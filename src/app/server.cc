#include "app/server.h"

#include <filesystem>

#include "app/version.h"
#include "base/log.h"

namespace vitrina::app {

namespace fs = std::filesystem;

store::StoreOptions StoreOptionsFrom(const Config& c) {
  store::StoreOptions o;
  o.driver = c.db_driver;
  o.sqlite_path = SqlitePath(c);
  o.pool_size = c.db_pool_size;
  return o;
}

accounts::AuthOptions AuthOptionsFrom(const Config& c) {
  accounts::AuthOptions o;
  o.session_ttl_ms = c.session_ttl_hours * 3600 * 1000;
  o.login_max_failures_per_email = c.login_max_failures_per_email;
  o.login_max_failures_per_ip = c.login_max_failures_per_ip;
  o.login_window_ms = c.login_window_minutes * 60 * 1000;
  o.password_hash.opslimit = static_cast<unsigned long long>(c.password_opslimit);
  o.password_hash.memlimit_bytes = static_cast<std::size_t>(c.password_memlimit_kib) * 1024;
  return o;
}

Server::Server(Config config, const base::Clock* clock)
    : config_(std::move(config)), clock_(clock ? clock : &system_clock_) {}

Server::~Server() { Stop(); }

base::Result<void> Server::Start() {
  std::error_code ec;
  fs::create_directories(config_.data_dir, ec);
  if (ec) {
    return base::Fail(base::ErrorKind::kUnavailable, "data_dir",
                      "Cannot create data directory " + config_.data_dir + ": " + ec.message());
  }
  auto store_options = StoreOptionsFrom(config_);
  store_options.background_checkpoint = true;  // Housekeeping() calls Maintain() every second
  store_ = TRY(store::OpenStore(store_options));
  const int version = TRY(store_->Migrate());
  base::log::Info("store_ready", {{"store", store_->Describe()}, {"schema_version", version}});

  accounts_ = std::make_unique<accounts::AccountService>(*store_, *clock_, AuthOptionsFrom(config_));
  listings_ = std::make_unique<listings::ListingService>(*store_, *clock_);
  hub_ = std::make_unique<api::LiveHub>(metrics_);
  chat_ = std::make_unique<chat::ChatService>(*store_, *clock_, hub_.get());

  api::ApiOptions api_options;
  api_options.cookie_secure = config_.cookie_secure;
  api_options.trust_forwarded_for = config_.trust_forwarded_for;
  for (std::size_t start = 0; start < config_.allowed_origins.size();) {
    auto comma = config_.allowed_origins.find(',', start);
    if (comma == std::string::npos) comma = config_.allowed_origins.size();
    std::string origin = config_.allowed_origins.substr(start, comma - start);
    std::erase(origin, ' ');
    if (!origin.empty()) api_options.allowed_origins.push_back(std::move(origin));
    start = comma + 1;
  }
  api_options.version = std::string(kVersion);
  if (!config_.static_dir.empty()) {
    if (!fs::is_regular_file(fs::path(config_.static_dir) / "index.html")) {
      base::log::Warn("static_dir_missing_index", {{"dir", config_.static_dir}});
    }
    api_options.static_dir = config_.static_dir;
  }
  api_ = std::make_unique<api::Api>(
      api::Services{*store_, *clock_, metrics_, *accounts_, *listings_, *chat_, *hub_}, api_options);

  // Workers block on SQLite (a few hundred µs per request): about two per core keeps the
  // cores busy without paying for needless context switches (docs/PERFORMANCE.md).
  const int workers = config_.workers > 0
                          ? config_.workers
                          : static_cast<int>(std::max(2u, 2 * std::thread::hardware_concurrency()));
  workers_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(workers));
  net::ServerOptions http_options;
  http_options.address = config_.host;
  http_options.port = static_cast<unsigned short>(config_.port);
  http_options.io_threads = config_.io_threads;
  http_options.body_limit = static_cast<std::size_t>(config_.body_limit_bytes);
  http_options.header_timeout = std::chrono::milliseconds(config_.header_timeout_ms);
  http_options.body_timeout = std::chrono::milliseconds(config_.body_timeout_ms);
  http_options.drain_timeout = std::chrono::milliseconds(config_.drain_timeout_ms);
  http_ = std::make_unique<net::HttpServer>(
      http_options, [this](net::Request& r) { return api_->Handle(r); },
      [this](net::Request& r) { return api_->UpgradeWs(r); }, *workers_);
  TRY(http_->Start());
  housekeeping_ = std::thread([this] { Housekeeping(); });
  base::log::Info("listening", {{"host", config_.host}, {"port", http_->port()}});
  return {};
}

void Server::Housekeeping() {
  std::unique_lock lock(mu_);
  auto next_purge = std::chrono::steady_clock::now();
  while (!stopping_) {
    lock.unlock();
    if (auto done = store_->Maintain(); !done) {
      base::log::Warn("store_maintenance_failed", {{"error", done.error().message}});
    }
    if (std::chrono::steady_clock::now() >= next_purge) {
      if (auto purged = accounts_->PurgeExpiredSessions(); purged && *purged > 0) {
        base::log::Info("sessions_purged", {{"count", *purged}});
      }
      next_purge += std::chrono::minutes(10);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

void Server::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (housekeeping_.joinable()) housekeeping_.join();
  if (http_) http_->Stop();      // stop accepting, finish in-flight requests
  if (workers_) workers_->join();  // then let queued work drain
  http_.reset();
  base::log::Info("stopped");
}

}  // namespace vitrina::app
