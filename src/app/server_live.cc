// The live path's wiring (docs/live.md): the streaming recogniser, the service that knows whose
// stream is whose, the tap of the embedded media node, and the taps of external nodes.

#include "app/asr_setup.h"
#include "app/server.h"
#include "base/log.h"

namespace vitrina::app {

namespace {

// "host:port" → an rtp_forward destination; nullopt for an empty or bad entry.
std::optional<media::AudioForward> ParseTap(const std::string& entry) {
  const auto colon = entry.rfind(':');
  if (entry.empty() || colon == std::string::npos || colon == 0) return std::nullopt;
  media::AudioForward to;
  to.host = entry.substr(0, colon);
  try {
    to.port = std::stoi(entry.substr(colon + 1));
  } catch (...) {
    return std::nullopt;
  }
  if (to.port <= 0 || to.port > 65535) return std::nullopt;
  return to;
}

// Comma-separated, empty entries kept (they pair with media.janus_url by position).
std::vector<std::string> Entries(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (std::size_t start = 0; start <= text.size();) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    std::erase(item, ' ');
    out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

}  // namespace

base::Result<void> Server::StartLive() {
  if (!config_.live_enabled) {
    base::log::Info("live_disabled", {});
    return {};
  }
  live_recognizer_ = TRY(MakeStreamingRecognizer(config_));
  if (!live_recognizer_) {
    base::log::Warn("live_unavailable", {{"reason", "no language has a streaming recogniser"}});
    return {};
  }
  live::LiveServiceOptions options;
  options.language = config_.asr_language;
  live_ = std::make_unique<live::LiveService>(
      *store_, *clock_, metrics_,
      [hub = hub_.get()](store::Id user, const std::string& json) { hub->SendToUser(user, json); },
      [analytics = analytics_.get()] { return analytics->LiveMatcher(); }, options);

  if (config_.janus_url.empty() || mode_ == Mode::kLiveTap) {
    // The embedded Janus runs here, or this process is an external node's tap.
    live::LiveTapOptions tap;
    tap.bind = config_.live_bind;
    tap.port = config_.live_port;
    tap.max_sessions = config_.live_max_sessions;
    tap.workers = config_.live_workers;
    tap.end_silence_ms = config_.live_end_silence_ms;
    tap_ = std::make_unique<live::LiveTap>(tap, *live_recognizer_, *live_, metrics_);
    if (auto started = tap_->Start(); !started) {
      // The calls work without it.
      base::log::Warn("live_tap_failed", {{"error", started.error().message}});
      tap_.reset();
    } else {
      media::AudioForward to;
      to.host = config_.live_bind == "0.0.0.0" ? "127.0.0.1" : config_.live_bind;
      to.port = tap_->port();
      live_->SetTap(0, to);
    }
  }
  if (mode_ == Mode::kLiveTap) {
    if (!live_bus_) {
      base::log::Warn("live_tap_without_bus",
                      {{"reason", "SQLite serves one process: run the tap inside `vitrina serve`"}});
    }
    return {};
  }
  if (!config_.janus_url.empty()) {
    const auto taps = Entries(config_.live_taps);
    for (std::size_t i = 0; i < taps.size(); ++i) {
      if (auto to = ParseTap(taps[i])) {
        live_->SetTap(i, *to);
      } else if (!taps[i].empty()) {
        return base::InvalidArgument("config", "live.taps: '" + taps[i] + "' is not host:port");
      }
    }
  }
  calls_->SetPublishedHook([live = live_.get()](const store::Call& call, bool seller,
                                                media::MediaServer& server, std::size_t node) {
    live->OnPublished(call, seller, server, node);
  });
  return {};
}

base::Result<void> Server::StartLiveTapOps() {
  workers_ = std::make_unique<boost::asio::thread_pool>(1);
  net::ServerOptions options;
  options.address = config_.host;
  options.port = static_cast<unsigned short>(config_.port);
  options.io_threads = 1;
  auto handler = [this](net::Request& r) {
    net::Response res;
    if (r.method != net::Verb::get) {
      res.status = 405;
      res.body = R"({"error":{"code":"method_not_allowed","message":"Only GET here"}})";
    } else if (r.path == "/metrics") {
      res.content_type = "text/plain; version=0.0.4; charset=utf-8";
      res.body = metrics_.RenderPrometheus();
    } else if (r.path == "/healthz") {
      res.body = R"({"status":"ok"})";
    } else if (r.path == "/readyz") {
      const bool ready = tap_ && store_->Ping().has_value();
      res.status = ready ? 200 : 503;
      res.body = ready ? R"({"status":"ready"})" : R"({"status":"not_ready"})";
    } else {
      res.status = 404;
      res.body = R"({"error":{"code":"not_found","message":"A live tap serves /metrics, /healthz and /readyz"}})";
    }
    return res;
  };
  auto no_ws = [](net::Request&) -> std::variant<std::unique_ptr<net::WsHandler>, net::Response> {
    net::Response res;
    res.status = 404;
    res.body = R"({"error":{"code":"not_found","message":"No WebSocket on a live tap"}})";
    return res;
  };
  http_ = std::make_unique<net::HttpServer>(options, handler, no_ws, *workers_);
  TRY(http_->Start());
  base::log::Info("live_tap_ops_listening", {{"host", config_.host}, {"port", http_->port()}});
  return {};
}

}  // namespace vitrina::app
