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
#include "asr/speech_recognizer.h"
#include "asr/streaming_recognizer.h"
#include "app/config.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "calls/call_service.h"
#include "chat/chat_service.h"
#include "insights/rollups.h"
#include "jobs/worker_pool.h"
#include "live/live_service.h"
#include "live/live_tap.h"
#include "media/janus_supervisor.h"
#include "media/media_server.h"
#include "media/recording_processor.h"
#include "moderation/moderation_service.h"
#include "speech_analytics/analytics_service.h"
#include "supervision/quality_service.h"
#include "seller/service_level_service.h"
#include "moderation/retention.h"
#include "listings/listing_service.h"
#include "net/http_server.h"
#include "transcripts/transcript_service.h"
#include "store/store.h"

namespace vitrina::app {

class Server {
 public:
  // kAll: HTTP API, media supervisor, housekeeping and job workers (`vitrina serve`).
  // kWorker: job workers only (`vitrina worker`, to scale post-processing out).
  // kAll: HTTP, jobs, the embedded media node's live tap. kWorker: jobs only. kLiveTap: one
  // external media node's live tap only (docs/live.md "Several nodes"; PostgreSQL: its events
  // reach the users' sockets through the store's event bus).
  enum class Mode { kAll, kWorker, kLiveTap };

  // `clock` may be null (the system clock is used); tests pass a ManualClock.
  Server(Config config, const base::Clock* clock = nullptr, Mode mode = Mode::kAll);
  ~Server();

  // Opens the store, applies migrations, binds the port, starts threads.
  [[nodiscard]] base::Result<void> Start();
  void Stop();
  unsigned short port() const { return http_ ? http_->port() : 0; }

  store::Store& store() { return *store_; }
  accounts::AccountService& accounts() { return *accounts_; }
  calls::CallService& calls() { return *calls_; }
  transcripts::TranscriptService& transcripts() { return *transcripts_; }
  moderation::ModerationService& moderation() { return *moderation_; }
  speech_analytics::AnalyticsService& analytics() { return *analytics_; }
  speech_analytics::AnalystService& analyst() { return *analyst_; }
  moderation::Retention& retention() { return *retention_; }
  insights::RollupService& rollups() { return *rollups_; }
  // The embedded Janus (null with external media nodes), e.g. for fault tests.
  media::JanusSupervisor* janus() { return janus_.get(); }
  const std::string& media_events_secret() const { return events_secret_; }
  // The HTTP API (null before Start and in kWorker mode), e.g. for its route table.
  const api::Api* api() const { return api_.get(); }
  const Config& config() const { return config_; }
  // The live tap's UDP port (0: no tap in this process).
  int live_tap_port() const { return tap_ ? tap_->port() : 0; }

 private:
  void Housekeeping();
  base::Result<void> StartMedia();
  void StartJobs();
  // The live tap and service (server_live.cc): none when live.enabled is off or no language
  // has a streaming recogniser.
  base::Result<void> StartLive();
  // kLiveTap: /metrics, /healthz and /readyz (and nothing else) on server.host:server.port.
  base::Result<void> StartLiveTapOps();

  Config config_;
  Mode mode_;
  base::SystemClock system_clock_;
  const base::Clock* clock_;
  base::Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<listings::ListingService> listings_;
  std::unique_ptr<api::LiveHub> hub_;
  std::unique_ptr<store::EventBus> live_bus_;  // several processes: carries hub_'s events
  std::unique_ptr<chat::ChatService> chat_;
  std::vector<std::unique_ptr<media::MediaServer>> media_servers_;
  std::unique_ptr<media::JanusSupervisor> janus_;
  std::unique_ptr<media::RecordingProcessor> processor_;
  std::unique_ptr<calls::CallService> calls_;
  std::unique_ptr<asr::SpeechRecognizer> recognizer_;
  std::unique_ptr<transcripts::TranscriptService> transcripts_;
  std::unique_ptr<moderation::ModerationService> moderation_;
  std::unique_ptr<speech_analytics::AnalystService> analyst_;
  std::unique_ptr<supervision::QualityService> quality_;
  std::unique_ptr<speech_analytics::AnalyticsService> analytics_;
  std::unique_ptr<moderation::Retention> retention_;
  std::unique_ptr<seller::ServiceLevelService> service_levels_;
  std::unique_ptr<insights::RollupService> rollups_;
  std::unique_ptr<insights::DashboardService> dashboard_;
  std::unique_ptr<insights::ExportService> exports_;
  std::unique_ptr<jobs::WorkerPool> jobs_;
  std::string events_secret_;
  std::string admin_key_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::unique_ptr<boost::asio::thread_pool> sign_in_workers_;
  std::unique_ptr<net::HttpServer> http_;
  std::thread housekeeping_;
  // The live path (docs/live.md); declared last so the tap stops before what it uses.
  std::unique_ptr<asr::StreamingRecognizer> live_recognizer_;
  std::unique_ptr<live::LiveService> live_;
  std::unique_ptr<live::LiveTap> tap_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

// Options for the store and for accounts, derived from the configuration.
store::StoreOptions StoreOptionsFrom(const Config& config);
accounts::AuthOptions AuthOptionsFrom(const Config& config);
// Where media nodes may post events from besides loopback: media.event_sources and the
// addresses of media.janus_url's hosts.
std::vector<std::string> MediaEventSources(const Config& config);
// Where recordings live (media/recording_storage.h): files under media.recordings_dir
// (default <data_dir>/recordings), created if missing.
std::shared_ptr<media::RecordingStorage> OpenRecordingStorage(const Config& config);
// Request worker threads: server.workers, or twice the cores.
int RequestWorkers(const Config& config);

}  // namespace vitrina::app
