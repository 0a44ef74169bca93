#include "app/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <latch>
#include <memory>

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>

#include "app/asr_setup.h"
#include "app/version.h"
#include "base/log.h"
#include "base/random.h"
#include "media/private_file.h"
#include "store/open.h"

namespace vitrina::app {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    std::erase(item, ' ');
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

// The analysts' pseudonym key: read from its file, or made (32 random bytes) and written with
// mode 0600 on first start. A key that is too short is refused rather than used.
base::Result<speech_analytics::Pseudonymizer> LoadPseudonymizer(const Config& config) {
  const fs::path path = !config.analytics_pseudonym_key_file.empty()
                            ? fs::path(config.analytics_pseudonym_key_file)
                            : fs::path(config.data_dir) / "pseudonym.key";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(path.parent_path(), ec);
    TRY(media::WritePrivateFile(path, base::RandomToken(32) + "\n"));
    base::log::Info("pseudonym_key_created", {{"path", path.string()}});
  }
  std::ifstream in(path);
  std::string key;
  std::getline(in, key);
  if (key.size() < 32) {
    return base::Internal("the pseudonym key " + path.string() + " is shorter than 32 characters");
  }
  return speech_analytics::Pseudonymizer(key);
}

// "ws://host:port/path" → "ws://host:port" (a CSP source).
std::string OriginOf(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace

std::shared_ptr<media::RecordingStorage> OpenRecordingStorage(const Config& config) {
  const auto root = fs::absolute(RecordingsDir(config));
  std::error_code ec;
  fs::create_directories(root, ec);
  return std::make_shared<media::LocalRecordingStorage>(root);
}

std::vector<std::string> MediaEventSources(const Config& c) {
  std::vector<std::string> out = SplitList(c.media_event_sources);
  // Each external node's own address (its HTTP API host, resolved once at start).
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  for (const auto& url : SplitList(c.janus_url)) {
    const auto scheme = url.find("://");
    std::string host = scheme == std::string::npos ? url : url.substr(scheme + 3);
    host = host.substr(0, host.find('/'));
    if (!host.empty() && host.front() == '[') {
      host = host.substr(1, host.find(']') - 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    boost::system::error_code ec;
    const auto found = resolver.resolve(host, "", ec);
    if (ec) {
      base::log::Warn("media_node_unresolved", {{"host", host}, {"error", ec.message()}});
      continue;
    }
    for (const auto& entry : found) {
      const auto address = entry.endpoint().address();
      out.push_back(address.to_string());
      if (address.is_v4()) out.push_back("::ffff:" + address.to_string());  // v4-mapped peers
    }
  }
  return out;
}

store::StoreOptions StoreOptionsFrom(const Config& c) {
  store::StoreOptions o;
  o.driver = c.db_driver;
  o.sqlite.path = SqlitePath(c);
  o.postgres.url = c.db_url;
  o.postgres.statement_timeout_ms = c.db_statement_timeout_ms;
  o.pool_size = c.db_pool_size;
  return o;
}

// Lowers the scheduling priority of each of the pool's `threads` threads by `nice` (Linux
// threads have their own nice value). One task per thread, held until all have started.
void LowerPriority(boost::asio::thread_pool& pool, int threads, int nice) {
  if (nice <= 0) return;
  // Shared: a thread may still be inside arrive_and_wait when this function returns.
  auto all_started = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i) {
    boost::asio::post(pool, [all_started, nice] {
      if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) != 0) {
        base::log::Warn("setpriority_failed", {{"errno", errno}});
      }
      all_started->arrive_and_wait();
    });
  }
  all_started->wait();
}

int RequestWorkers(const Config& c) {
  return c.workers > 0 ? c.workers : static_cast<int>(std::max(2u, 2 * std::thread::hardware_concurrency()));
}

accounts::AuthOptions AuthOptionsFrom(const Config& c) {
  accounts::AuthOptions o;
  o.session_ttl_ms = c.session_ttl_hours * 3600 * 1000;
  o.login_max_failures_per_email = c.login_max_failures_per_email;
  o.login_max_failures_per_ip = c.login_max_failures_per_ip;
  o.login_window_ms = c.login_window_minutes * 60 * 1000;
  o.password_hash.opslimit = static_cast<unsigned long long>(c.password_opslimit);
  o.password_hash.memlimit_bytes = static_cast<std::size_t>(c.password_memlimit_kib) * 1024;
  o.password_hash.max_concurrent =
      c.password_hash_concurrency > 0 ? c.password_hash_concurrency : std::max(1, RequestWorkers(c) / 4);
  o.password_hash.max_waiting = c.password_hash_queue > 0 ? c.password_hash_queue : o.password_hash.max_concurrent;
  o.password_hash.max_wait = std::chrono::milliseconds(c.password_hash_wait_ms);
  o.register_max_per_ip = c.register_max_per_ip;
  o.register_max_taken_per_ip = c.register_max_taken_per_ip;
  o.register_window_ms = c.register_window_minutes * 60 * 1000;
  // Several processes share a PostgreSQL database: their login and registration limits count
  // in it, or each process would grant the whole budget again. SQLite: one process, memory.
  o.shared_limits = c.db_driver == "postgres";
  return o;
}

Server::Server(Config config, const base::Clock* clock, Mode mode)
    : config_(std::move(config)), mode_(mode), clock_(clock ? clock : &system_clock_) {}

Server::~Server() { Stop(); }

base::Result<void> Server::Start() {
  std::error_code ec;
  fs::create_directories(config_.data_dir, ec);
  if (ec) {
    return base::Fail(base::ErrorKind::kUnavailable, "data_dir",
                      "Cannot create data directory " + config_.data_dir + ": " + ec.message());
  }
  auto store_options = StoreOptionsFrom(config_);
  store_options.sqlite.background_checkpoint = true;  // Housekeeping() calls Maintain() every second
  store_ = TRY(store::OpenStore(store_options));
  const int version = TRY(store_->Migrate());
  base::log::Info("store_ready", {{"store", store_->Describe()}, {"schema_version", version}});

  accounts_ = std::make_unique<accounts::AccountService>(*store_, *clock_, AuthOptionsFrom(config_));
  listings_ = std::make_unique<listings::ListingService>(*store_, *clock_);
  api::LiveHubOptions hub_options;
  hub_options.max_per_user = static_cast<std::size_t>(config_.ws_max_per_user);
  hub_options.max_total = static_cast<std::size_t>(config_.ws_max_total);
  hub_ = std::make_unique<api::LiveHub>(metrics_, hub_options);
  // With PostgreSQL, several server and worker processes: live events go through the
  // database's event bus to the sockets of every process (docs/postgres.md "Live events").
  live_bus_ = TRY(store_->OpenEventBus("vitrina_live"));
  if (live_bus_) {
    hub_->SetRelay(live_bus_.get());
    live_bus_->Subscribe([hub = hub_.get()](const std::string& event) { hub->Deliver(event); });
  }
  chat_ = std::make_unique<chat::ChatService>(*store_, *clock_, hub_.get());

  // Media nodes: the embedded Janus (started below, once our port is known) or external ones.
  const bool embedded = config_.janus_url.empty();
  events_secret_ = !config_.media_events_secret.empty() ? config_.media_events_secret
                                                        : base::RandomToken(24);
  admin_key_ = !config_.media_admin_key.empty() ? config_.media_admin_key : base::RandomToken(24);
  if (!embedded && (config_.media_admin_key.empty() || config_.media_events_secret.empty())) {
    return base::InvalidArgument(
        "config", "media.admin_key and media.events_secret are required with external Janus nodes");
  }
  if (!embedded && !config_.janus_public_url.empty() &&
      SplitList(config_.janus_public_url).size() != SplitList(config_.janus_url).size()) {
    return base::InvalidArgument("config",
                                 "media.janus_public_url must list one URL per media.janus_url node");
  }
  std::vector<calls::MediaNode> nodes;
  std::string connect_src;
  const auto api_urls = embedded ? std::vector<std::string>{"http://127.0.0.1:" +
                                                            std::to_string(config_.janus_http_port) +
                                                            "/janus"}
                                 : SplitList(config_.janus_url);
  const auto public_urls = SplitList(config_.janus_public_url);
  for (std::size_t i = 0; i < api_urls.size(); ++i) {
    media::JanusNode node;
    node.api_url = api_urls[i];
    node.public_url = i < public_urls.size() ? public_urls[i] : "";
    node.ws_port = config_.janus_ws_port;
    media::JanusOptions janus_options;
    janus_options.admin_key = admin_key_;
    media_servers_.push_back(media::MakeJanusMediaServer(node, janus_options));
    nodes.push_back({media_servers_.back().get(), node.public_url, node.ws_port});
    const std::string source = node.public_url.empty()
                                   ? "ws://*:" + std::to_string(node.ws_port)
                                   : OriginOf(node.public_url);
    if (connect_src.find(source) == std::string::npos) {
      connect_src += (connect_src.empty() ? "" : " ") + source;
    }
  }
  media::RecordingProcessor::Options processor_options;
  processor_options.janus_pp_rec = config_.janus_pp_rec;
  processor_options.ffmpeg = config_.ffmpeg;
  processor_options.ffprobe = config_.ffprobe;
  processor_ = std::make_unique<media::RecordingProcessor>(processor_options);
  calls::CallOptions call_options;
  call_options.early_join_ms = config_.early_join_minutes * 60'000;
  call_options.no_show_grace_ms = config_.no_show_grace_minutes * 60'000;
  call_options.leave_grace_ms = config_.leave_grace_seconds * 1000;
  call_options.recordings = OpenRecordingStorage(config_);
  call_options.room_bitrate = config_.room_bitrate;
  call_options.ice_servers_json = config_.ice_servers;
  base::log::Info("recording_storage", {{"storage", call_options.recordings->Describe()}});
  calls_ = std::make_unique<calls::CallService>(*store_, *clock_, std::move(nodes), *processor_,
                                                call_options, hub_.get());
  recognizer_ = TRY(MakeRecognizer(config_));
  base::log::Info("speech_recognizer", {{"recognizer", recognizer_->Describe()}});
  transcripts::TranscriptOptions transcript_options;
  transcript_options.default_language = config_.asr_language;
  transcript_options.recordings = call_options.recordings;
  transcripts_ = std::make_unique<transcripts::TranscriptService>(
      *store_, *clock_, metrics_, *recognizer_, *calls_, hub_.get(), transcript_options);
  moderation::ModerationOptions moderation_options;
  moderation_options.sla.due_ms = {config_.sla_p1_minutes * 60'000, config_.sla_p2_minutes * 60'000,
                                   config_.sla_p3_minutes * 60'000};
  moderation_options.lease_ms = config_.case_lease_minutes * 60'000;
  moderation_options.appeal_window_ms = config_.appeal_window_days * 86'400'000;
  moderation_options.language = config_.asr_language;
  moderation_options.reward_currency = config_.reward_currency;
  moderation_options.honeypot_rate = static_cast<int>(config_.honeypot_rate);
  moderation_options.honeypot_seed = base::RandomU64();
  moderation_options.double_review_percent = static_cast<int>(config_.double_review_percent);  // where in each block: nobody can know
  moderation_ = std::make_unique<moderation::ModerationService>(*store_, *clock_, metrics_, *calls_,
                                                                moderation_options);
  speech_analytics::AnalyticsOptions analytics_options;
  analytics_options.analysis.metrics.silence_min_ms = config_.analytics_silence_min_ms;
  analytics_options.analysis.metrics.overlap_min_ms = config_.analytics_overlap_min_ms;
  analytics_options.analysis.metrics.span_merge_pause_ms = config_.analytics_span_merge_pause_ms;
  analyst_ = std::make_unique<speech_analytics::AnalystService>(*store_, *clock_,
                                                               TRY(LoadPseudonymizer(config_)), moderation_options);
  analytics_ = std::make_unique<speech_analytics::AnalyticsService>(
      *store_, *clock_, metrics_, moderation_options, analytics_options, &analyst_->pseudonyms());
  TRY(analytics_->SeedDefaultRules());
  quality_ = std::make_unique<supervision::QualityService>(*store_, *clock_, moderation_options.language);
  retention_ = std::make_unique<moderation::Retention>(
      *store_, *clock_, metrics_,
      moderation::RetentionOptions{config_.retention_days * 86'400'000, call_options.recordings});
  service_levels_ = std::make_unique<seller::ServiceLevelService>(*store_, *clock_);
  rollups_ = std::make_unique<insights::RollupService>(*store_, *clock_, &metrics_);
  dashboard_ = std::make_unique<insights::DashboardService>(*store_, *clock_);
  exports_ = std::make_unique<insights::ExportService>(*store_, *clock_, analyst_->pseudonyms(),
                                                       fs::absolute(fs::path(config_.data_dir) / "tmp" / "exports"));
  if (mode_ != Mode::kWorker) TRY(StartLive());
  if (mode_ == Mode::kLiveTap) {
    if (!tap_) return base::Fail(base::ErrorKind::kUnavailable, "live_tap", "the live tap did not start");
    return StartLiveTapOps();
  }
  if (mode_ == Mode::kWorker) {
    StartJobs();
    base::log::Info("worker_started", {{"threads", config_.job_workers}});
    return {};
  }

  api::ApiOptions api_options;
  api_options.cookie_secure = config_.cookie_secure;
  api_options.trust_forwarded_for = config_.trust_forwarded_for;
  api_options.allowed_origins = SplitList(config_.allowed_origins);
  api_options.version = std::string(kVersion);
  api_options.media_events_secret = events_secret_;
  api_options.media_event_sources = MediaEventSources(config_);
  api_options.extra_connect_src = connect_src;
  api_options.refusal_delay = std::chrono::milliseconds(config_.refusal_delay_ms);
  if (!config_.static_dir.empty()) {
    if (!fs::is_regular_file(fs::path(config_.static_dir) / "index.html")) {
      base::log::Warn("static_dir_missing_index", {{"dir", config_.static_dir}});
    }
    api_options.static_dir = config_.static_dir;
  }
  api_ = std::make_unique<api::Api>(
      api::Services{*store_, *clock_, metrics_, *accounts_, *listings_, *chat_, *calls_, *transcripts_,
                    *moderation_, *analytics_, *analyst_, *service_levels_, *dashboard_, *exports_, *quality_, *hub_},
      api_options);

  // Workers block on SQLite (a few hundred µs per request): about two per core keeps the
  // cores busy without paying for needless context switches (docs/PERFORMANCE.md).
  const int workers = RequestWorkers(config_);
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
  // Sign-in and registration (anonymous, and where password hashing happens) run in a lane of
  // their own at the lowest CPU priority: a flood of them queues behind itself, never ahead of a
  // signed-in user's requests (docs/threat-model.md, docs/PERFORMANCE.md "Abuse").
  const auto hashing = AuthOptionsFrom(config_).password_hash;
  const int lane = config_.sign_in_workers > 0 ? config_.sign_in_workers
                                               : hashing.max_concurrent + hashing.max_waiting + 1;
  sign_in_workers_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(lane));
  LowerPriority(*sign_in_workers_, lane, config_.sign_in_nice);
  http_->SetLane(api::Api::IsSignIn, *sign_in_workers_);
  TRY(http_->Start());
  TRY(StartMedia());

  StartJobs();
  housekeeping_ = std::thread([this] { Housekeeping(); });
  base::log::Info("listening", {{"host", config_.host}, {"port", http_->port()}});
  return {};
}

void Server::StartJobs() {
  jobs::WorkerOptions job_options;
  job_options.threads = config_.job_workers;
  job_options.lease_ms = config_.job_lease_seconds * 1000;
  job_options.retry_base_ms = config_.job_retry_base_seconds * 1000;
  jobs_ = std::make_unique<jobs::WorkerPool>(*store_, *clock_, metrics_, job_options);
  jobs_->Register(
      calls::kPostprocessJob,
      [this](const store::Job& job, jobs::JobContext&) { return calls_->ProcessRecording(job); },
      [this](const store::Job& job, const std::string& reason) { calls_->RecordingGivenUp(job, reason); });
  jobs_->Register(
      calls::kTranscribeJob,
      [this](const store::Job& job, jobs::JobContext& ctx) { return transcripts_->Transcribe(job, ctx); },
      [this](const store::Job& job, const std::string& reason) { transcripts_->TranscriptionGivenUp(job, reason); });
  jobs_->Register(transcripts::kAnalyzeJob, [this](const store::Job& job, jobs::JobContext& ctx) {
    return analytics_->Analyze(job, ctx);
  });
  jobs_->Register(speech_analytics::kBackfillJob, [this](const store::Job& job, jobs::JobContext& ctx) {
    return analytics_->Backfill(job, ctx);
  });
  jobs_->Register(moderation::kRetentionJob, [this](const store::Job&, jobs::JobContext& ctx) -> base::Result<void> {
    TRY(retention_->Purge(&ctx));
    return {};
  });
  jobs_->Register(std::string(seller::kServiceLevelJob), [this](const store::Job&, jobs::JobContext& ctx) -> base::Result<void> {
    const auto sellers = TRY(service_levels_->RecomputeAll(&ctx));
    base::log::Info("service_levels_computed", {{"sellers", sellers}});
    return {};
  });
  jobs_->Register(std::string(insights::kRollupJob), [this](const store::Job&, jobs::JobContext& ctx) -> base::Result<void> {
    TRY(rollups_->Run(&ctx));
    return {};
  });
  if (config_.job_workers > 0) jobs_->Start();
}

base::Result<void> Server::StartMedia() {
  if (!config_.janus_url.empty()) {
    for (const auto& server : media_servers_) {
      if (auto ok = server->Ping(); !ok) {
        base::log::Warn("media_node_unreachable", {{"node", server->Describe()}, {"error", ok.error().message}});
      }
    }
    return {};
  }
  media::JanusLaunchOptions o;
  o.janus_bin = config_.janus_bin;
  o.work_dir = fs::absolute(fs::path(config_.data_dir) / "janus");
  o.lib_dir = config_.janus_lib_dir;
  o.http_port = config_.janus_http_port;
  o.ws_port = config_.janus_ws_port;
  // Browsers reach Janus where they reach us.
  if (config_.host != "0.0.0.0" && config_.host != "::") o.ws_ip = config_.host;
  o.interface = config_.media_interface;
  o.ice_enforce_list = !config_.ice_enforce_list.empty() ? config_.ice_enforce_list : config_.media_interface;
  o.rtp_port_range = config_.rtp_port_range;
  o.nat_1_1_mapping = config_.nat_1_1_mapping;
  o.stun_server = config_.stun_server;
  o.turn_server = config_.turn_server;
  o.turn_user = config_.turn_user;
  o.turn_password = config_.turn_password;
  o.admin_key = admin_key_;
  o.events_url = "http://127.0.0.1:" + std::to_string(http_->port()) + "/api/v1/internal/janus/events";
  o.events_secret = events_secret_;
  janus_ = std::make_unique<media::JanusSupervisor>(o, *media_servers_.front(), metrics_,
                                                    [this] { calls_->OnMediaRestart(); });
  return janus_->Start();
}

void Server::Housekeeping() {
  std::unique_lock lock(mu_);
  auto next_purge = std::chrono::steady_clock::now();
  auto next_retention = std::chrono::steady_clock::now();
  auto next_queue_gauge = std::chrono::steady_clock::now();
  auto next_socket_check = std::chrono::steady_clock::now();
  auto next_rollup = std::chrono::steady_clock::now();
  // The service-level job runs once per UTC day (and once at start-up).
  std::int64_t service_level_day = -1;
  // Complaint themes are recomputed each night (the first day change after start), ahead of
  // the page asking (docs/quality.md "Complaint themes").
  std::int64_t themes_day = service_level::DayOf(clock_->NowMs());
  metrics_.Describe("vitrina_moderation_cases", "gauge",
                    "Undecided moderation cases by state (open, assigned) and SLA (breached, at_risk)");
  while (!stopping_) {
    lock.unlock();
    if (auto done = store_->Maintain(); !done) {
      base::log::Warn("store_maintenance_failed", {{"error", done.error().message}});
    }
    calls_->Sweep();
    // Live sockets end with their session: at its expiry, and soon after it is revoked.
    hub_->CloseExpired(clock_->NowMs());
    if (std::chrono::steady_clock::now() >= next_socket_check) {
      hub_->Revalidate([this](const std::string& session_hash) {
        auto active = accounts_->SessionActive(session_hash);
        return !active || *active;  // a store hiccup closes nobody
      });
      next_socket_check += std::chrono::seconds(config_.ws_revalidate_seconds);
    }
    if (std::chrono::steady_clock::now() >= next_purge) {
      if (auto purged = accounts_->PurgeExpiredSessions(); purged && *purged > 0) {
        base::log::Info("sessions_purged", {{"count", *purged}});
      }
      if (auto purged = accounts_->PurgeExpiredRateLimits(); !purged) {
        base::log::Warn("rate_limit_purge_failed", {{"error", purged.error().message}});
      } else if (*purged > 0) {
        base::log::Info("rate_limits_purged", {{"count", *purged}});
      }
      next_purge += std::chrono::minutes(10);
    }
    if (std::chrono::steady_clock::now() >= next_retention) {
      if (auto queued = retention_->Schedule(); !queued) {
        base::log::Warn("retention_schedule_failed", {{"error", queued.error().message}});
      } else if (*queued) {
        jobs_->Wake();
      }
      next_retention += std::chrono::minutes(config_.retention_check_minutes);
    }
    if (const auto day = service_level::DayOf(clock_->NowMs()); day != service_level_day) {
      if (auto queued = service_levels_->Schedule(); !queued) {
        base::log::Warn("service_level_schedule_failed", {{"error", queued.error().message}});
      } else {
        service_level_day = day;
        if (*queued) jobs_->Wake();
      }
    }
    if (const auto day = service_level::DayOf(clock_->NowMs()); day != themes_day) {
      themes_day = day;
      if (auto refreshed = quality_->RefreshThemes(); !refreshed) {
        base::log::Warn("themes_refresh_failed", {{"error", refreshed.error().message}});
      }
    }
    if (std::chrono::steady_clock::now() >= next_rollup) {
      if (auto queued = rollups_->Schedule(); !queued) {
        base::log::Warn("rollup_schedule_failed", {{"error", queued.error().message}});
      } else if (*queued) {
        jobs_->Wake();
      }
      next_rollup = std::chrono::steady_clock::now() + std::chrono::seconds(config_.rollup_interval_seconds);
    }
    if (std::chrono::steady_clock::now() >= next_queue_gauge) {
      if (auto sum = moderation_->queue().Summary(); sum) {
        metrics_.Set("vitrina_moderation_cases", {{"state", "open"}}, sum->open);
        metrics_.Set("vitrina_moderation_cases", {{"state", "assigned"}}, sum->assigned);
        metrics_.Set("vitrina_moderation_cases", {{"state", "breached"}}, sum->breached);
        metrics_.Set("vitrina_moderation_cases", {{"state", "at_risk"}}, sum->at_risk);
      }
      next_queue_gauge += std::chrono::seconds(30);
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
  if (tap_) tap_->Stop();  // no more captions or warnings into a closing hub
  if (http_) http_->Stop();      // stop accepting, finish in-flight requests
  if (workers_) workers_->join();  // then let queued work drain
  if (sign_in_workers_) sign_in_workers_->join();
  http_.reset();
  if (jobs_) jobs_->Stop();        // running jobs finish; queued ones wait for the next start
  if (janus_) janus_->Stop();
  live_bus_.reset();  // its thread delivers into hub_
  base::log::Info("stopped");
}

}  // namespace vitrina::app
