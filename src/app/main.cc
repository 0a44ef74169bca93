// vitrina: the command-line entry point (serve, worker, migrate, jobs, user add, demo-seed, analytics,
// media janus-config, version).
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <pthread.h>

#include <CLI/CLI.hpp>

#include "accounts/account_service.h"
#include "app/config.h"
#include "app/demo_call.h"
#include "app/demo_history.h"
#include "app/demo_quality.h"
#include "app/demo_seed.h"
#include "app/janus_node.h"
#include "insights/rollups.h"
#include "app/server.h"
#include "app/version.h"
#include "base/log.h"
#include "base/random.h"
#include "base/time_format.h"
#include "calls/call_service.h"
#include "jobs/job_admin.h"
#include "listings/listing_service.h"
#include "media/janus_supervisor.h"
#include "media/recording_processor.h"
#include "store/open.h"
#include "store/store.h"
#include "store/transfer.h"

namespace {

using namespace vitrina;

struct CommonFlags {
  std::string config_file;
  std::string data_dir;
  std::optional<int> port;
  std::string host;
  std::string static_dir;
  std::string log_level;
};

app::Config LoadConfig(const CommonFlags& flags) {
  app::Config config;
  std::string file = flags.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("VITRINA_CONFIG")) file = env;
  }
  if (!file.empty()) app::ApplyTomlFile(config, file);
  app::ApplyEnvironment(config);
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (flags.port) app::ApplyValue(config, "server.port", std::to_string(*flags.port));
  if (!flags.host.empty()) config.host = flags.host;
  if (!flags.static_dir.empty()) config.static_dir = flags.static_dir;
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  return config;
}

int Fail(const base::Error& e) {
  std::cerr << "error: " << e.code << ": " << e.message << "\n";
  return 1;
}

std::unique_ptr<store::Store> OpenMigrated(const app::Config& config) {
  auto store = store::OpenStore(app::StoreOptionsFrom(config));
  if (!store) {
    Fail(store.error());
    return nullptr;
  }
  if (auto v = (*store)->Migrate(); !v) {
    Fail(v.error());
    return nullptr;
  }
  return std::move(*store);
}

// `vitrina migrate --from <sqlite file> --to postgresql://...`: copy, check, report.
int CopyToPostgres(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty()) {
    std::cerr << "migrate: --from <sqlite file> and --to <postgresql URL> go together\n";
    return 2;
  }
  if (!std::filesystem::exists(from)) {
    std::cerr << "migrate: no SQLite database at " << from << "\n";
    return 2;
  }
  auto report = store::CopySqliteToPostgres(from, to, [](const std::string& table, std::int64_t done,
                                                          std::int64_t total) {
    std::cerr << "\rcopying " << table << ": " << done << "/" << total << "   " << std::flush;
  });
  std::cerr << "\n";
  if (!report) return Fail(report.error());
  std::cout << "schema version " << report->schema_version << "\n";
  std::cout << "table\tsqlite\tpostgres\n";
  for (const auto& t : report->tables) {
    std::cout << t.name << "\t" << t.source_rows << "\t" << t.target_rows
              << (t.source_rows == t.target_rows ? "" : "\tMISMATCH") << "\n";
  }
  std::cout << "audit chain: " << report->audit.entries << " entries, "
            << (report->audit.first_broken ? "BROKEN at " + std::to_string(*report->audit.first_broken) + " (" +
                                                 report->audit.reason + ")"
                                           : std::string("verifies"))
            << ", head " << (report->target_audit_head == report->source_audit_head ? "matches" : "DIFFERS")
            << " the source's\n";
  std::cout << (report->ok ? "copy checked: OK\n" : "copy check FAILED\n");
  return report->ok ? 0 : 1;
}

int Serve(const app::Config& config, app::Server::Mode mode = app::Server::Mode::kAll) {
  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  app::Server server(config, nullptr, mode);
  if (auto started = server.Start(); !started) return Fail(started.error());
  if (mode == app::Server::Mode::kWorker) {
    std::cout << "Vitrina " << app::kVersion << " worker running " << config.job_workers
              << " job threads" << std::endl;
  } else if (mode == app::Server::Mode::kLiveTap) {
    std::cout << "Vitrina " << app::kVersion << " live tap receiving RTP on " << config.live_bind << ":"
              << server.live_tap_port() << ", metrics on http://" << config.host << ":" << server.port()
              << "/metrics" << std::endl;
  } else {
    std::cout << "Vitrina " << app::kVersion << " listening on http://" << config.host << ":"
              << server.port() << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  base::log::Info("shutdown_requested", {{"signal", sig}});
  server.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Vitrina: recorded buyer–seller video calls as evidence"};
  cli.require_subcommand(1);
  CommonFlags flags;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--config", flags.config_file, "TOML configuration file (or VITRINA_CONFIG)");
    cmd->add_option("--data-dir", flags.data_dir, "Data directory (or VITRINA_DATA_DIR)");
    cmd->add_option("--log-level", flags.log_level, "trace, debug, info, warn, error, off");
  };

  auto* serve = cli.add_subcommand("serve", "Run the server");
  add_common(serve);
  serve->add_option("--port", flags.port, "TCP port (or VITRINA_PORT); 0 picks a free port");
  serve->add_option("--host", flags.host, "Listen address (or VITRINA_HOST)");
  serve->add_option("--static-dir", flags.static_dir, "Built web UI directory (or VITRINA_STATIC_DIR)");

  auto* migrate = cli.add_subcommand(
      "migrate", "Apply database migrations; with --from and --to, copy a SQLite site into PostgreSQL");
  add_common(migrate);
  std::string migrate_from;
  std::string migrate_to;
  migrate->add_option("--from", migrate_from, "SQLite database file to copy from");
  migrate->add_option("--to", migrate_to, "Empty PostgreSQL database to copy into (postgresql://...)");

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create an account (or update it with --update)");
  add_common(user_add);
  std::string email, password, name, role = "user";
  bool update = false;
  user_add->add_option("--email", email, "Email")->required();
  user_add->add_option("--password", password, "Password (8+ characters)")->required();
  user_add->add_option("--name", name, "Display name (default: the email's local part)");
  user_add->add_option("--role", role, "user, moderator, analyst or admin")
      ->check(CLI::IsMember({"user", "moderator", "analyst", "admin"}));
  user_add->add_flag("--update", update, "Update password and role if the account exists");

  auto* seed = cli.add_subcommand("demo-seed", "Create the demo accounts and listings");
  add_common(seed);

  auto* worker = cli.add_subcommand("worker", "Run background job workers only (no HTTP)");
  add_common(worker);

  auto* live_tap = cli.add_subcommand(
      "live-tap", "Run the live audio tap of an external media node (no HTTP; PostgreSQL; docs/live.md)");
  add_common(live_tap);
  live_tap->add_option("--port", flags.port,
                       "TCP port of its /metrics, /healthz and /readyz (or VITRINA_PORT); 0 picks a free port");
  live_tap->add_option("--host", flags.host, "Listen address of those (or VITRINA_HOST)");

  auto* jobs_cmd = cli.add_subcommand("jobs", "Inspect and retry background jobs");
  jobs_cmd->require_subcommand(1);
  auto* jobs_list = jobs_cmd->add_subcommand("list", "List jobs, newest first");
  add_common(jobs_list);
  std::optional<std::string> job_state;
  int job_limit = 50;
  jobs_list->add_option("--state", job_state, "queued, running, done or failed");
  jobs_list->add_option("--limit", job_limit, "How many")->check(CLI::Range(1, 10000));
  auto* jobs_retry = jobs_cmd->add_subcommand("retry", "Queue a failed job again");
  add_common(jobs_retry);
  store::Id job_id = 0;
  jobs_retry->add_option("id", job_id, "Job id")->required();

  auto* reprocess = cli.add_subcommand(
      "reprocess", "Queue a call's transcription again (a new transcript version), or its recording");
  add_common(reprocess);
  store::Id reprocess_call = 0;
  bool reprocess_recording = false;
  std::optional<std::string> reprocess_language;
  reprocess->add_option("--call", reprocess_call, "Call id")->required();
  reprocess->add_flag("--recording", reprocess_recording,
                      "Post-process the raw recordings again first (if they are still there)");
  reprocess->add_option("--language", reprocess_language, "Transcribe in this language (default asr.language)");

  auto* audit_cmd = cli.add_subcommand("audit", "The audit log");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "Check every link of the audit log's hash chain; exit 1 at the first broken entry");
  add_common(audit_verify);

  auto* analytics_cmd = cli.add_subcommand("analytics", "The analysts' dashboards");
  analytics_cmd->require_subcommand(1);
  auto* rebuild_rollups = analytics_cmd->add_subcommand(
      "rebuild-rollups", "Recompute every day's dashboard rollups from the raw data (a running server keeps them up to date by itself)");
  add_common(rebuild_rollups);

  auto* media_cmd = cli.add_subcommand("media", "Media (Janus) nodes");
  media_cmd->require_subcommand(1);
  auto* janus_config = media_cmd->add_subcommand(
      "janus-config", "Write the configuration of an external Janus node (one of media.janus_url) into a directory");
  add_common(janus_config);
  app::JanusNodeFlags node;
  janus_config->add_option("--dir", node.dir, "Directory for the node's configuration files")->required();
  janus_config->add_option("--http-ip", node.http_ip, "Address of the HTTP API vitrina calls (default 127.0.0.1)");
  janus_config->add_option("--http-port", node.http_port, "Port of the HTTP API (default media.janus_http_port)");
  janus_config->add_option("--http-acl", node.http_acl,
                           "Address prefixes allowed on the HTTP API, comma-separated: the servers' (default 127.)");
  janus_config->add_option("--ws-ip", node.ws_ip, "Address of the browsers' WebSocket (default: every address)");
  janus_config->add_option("--ws-port", node.ws_port, "Port of the browsers' WebSocket (default media.janus_ws_port)");
  janus_config->add_option("--admin-key", node.admin_key, "VideoRoom admin key (default media.admin_key)");
  janus_config->add_option("--events-url", node.events_url,
                           "Where the node posts its events: a vitrina server or load balancer, "
                           "http://HOST:PORT/api/v1/internal/janus/events (default 127.0.0.1:server.port)");
  janus_config->add_option("--events-secret", node.events_secret, "Events password (default media.events_secret)");
  janus_config->add_option("--rtp-ports", node.rtp_ports, "UDP media port range (default media.rtp_port_range)");
  janus_config->add_option("--interface", node.interface, "Address for ICE candidates (default media.interface)");
  janus_config->add_option("--ice-enforce-list", node.ice_enforce_list,
                           "Interfaces or prefixes ICE may use (default media.ice_enforce_list, else --interface)");
  janus_config->add_option("--lib-dir", node.lib_dir, "Janus plugin folders' parent (default media.janus_lib_dir)");

  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);

  if (version->parsed()) {
    std::cout << "vitrina " << app::kVersion << "\n";
    return 0;
  }
  app::Config config;
  try {
    config = LoadConfig(flags);
  } catch (const app::ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }
  base::log::Init(config.log_level);
  if (!base::InitCrypto()) {
    std::cerr << "libsodium could not be initialised\n";
    return 1;
  }

  if (janus_config->parsed()) {
    auto options = app::JanusNodeOptions(config, node);
    if (!options) return Fail(options.error());
    if (auto written = media::WriteJanusConfig(*options); !written) return Fail(written.error());
    std::cerr << "Janus node configuration written to " << options->work_dir.string() << " (files 0600: they hold "
              << "the admin key and the events secret). Start the node with:\n";
    std::cout << app::JanusCommandLine(*options) << "\n";
    return 0;
  }
  if (serve->parsed()) return Serve(config);
  if (worker->parsed()) return Serve(config, app::Server::Mode::kWorker);
  if (live_tap->parsed()) return Serve(config, app::Server::Mode::kLiveTap);
  if (migrate->parsed() && (!migrate_from.empty() || !migrate_to.empty())) {
    return CopyToPostgres(migrate_from, migrate_to);
  }

  std::filesystem::create_directories(config.data_dir);
  auto store = OpenMigrated(config);
  if (!store) return 1;
  if (migrate->parsed()) {
    std::cout << "schema version " << *store->SchemaVersion() << " (" << store->Describe() << ")\n";
    return 0;
  }
  base::SystemClock clock;
  if (jobs_list->parsed()) {
    auto rows = jobs::ListJobs(*store, job_state, std::nullopt, job_limit);
    if (!rows) return Fail(rows.error());
    std::cout << "id\tkind\tstate\tattempts\tupdated\terror\n";
    for (const auto& j : *rows) {
      std::cout << j.id << "\t" << j.kind << "\t" << j.state << "\t" << j.attempts << "/"
                << j.max_attempts << "\t" << base::FormatRfc3339(j.updated_at) << "\t"
                << j.last_error.value_or("") << "\n";
    }
    return 0;
  }
  if (jobs_retry->parsed()) {
    auto job = jobs::RetryJob(*store, job_id, clock.NowMs());
    if (!job) return Fail(job.error());
    std::cout << "job " << job->id << " queued again\n";
    return 0;
  }
  if (rebuild_rollups->parsed()) {
    insights::RollupService rollups(*store, clock, nullptr);
    int last_percent = -1;
    auto days = rollups.Rebuild([&](int done, int total) {
      const int percent = total > 0 ? done * 100 / total : 100;
      if (percent != last_percent) {
        std::cerr << "\rrollups: " << done << "/" << total << " days (" << percent << " %)" << std::flush;
        last_percent = percent;
      }
    });
    std::cerr << "\n";
    if (!days) return Fail(days.error());
    std::cout << "rollups rebuilt: " << *days << " days\n";
    return 0;
  }
  if (audit_verify->parsed()) {
    auto result = store::VerifyAuditChain(*store);
    if (!result) return Fail(result.error());
    if (result->first_broken) {
      std::cout << "audit log BROKEN at entry " << *result->first_broken << ": " << result->reason << " ("
                << result->entries << " entries read)\n";
      return 1;
    }
    std::cout << "audit log intact: " << result->entries << " entries, every link and hash verified\n";
    return 0;
  }
  if (reprocess->parsed()) {
    media::RecordingProcessor processor;
    calls::CallOptions call_options;
    call_options.recordings = app::OpenRecordingStorage(config);
    calls::CallService calls(*store, clock, {}, processor, call_options, nullptr);
    auto job = calls.Reprocess(reprocess_call, reprocess_recording, reprocess_language);
    if (!job) return Fail(job.error());
    std::cout << "job " << *job << " queued (" << (reprocess_recording ? calls::kPostprocessJob : calls::kTranscribeJob)
              << "); a running server or `vitrina worker` picks it up\n";
    return 0;
  }
  accounts::AccountService accounts(*store, clock, app::AuthOptionsFrom(config));
  if (user_add->parsed()) {
    auto parsed_role = accounts::ParseRole(role);
    accounts::Registration r{email, password, name.empty() ? email.substr(0, email.find('@')) : name,
                             "UTC", {*parsed_role}};
    auto created = accounts.CreateUser(r, update);
    if (!created) return Fail(created.error());
    std::cout << "user " << created->id << " " << created->email << " roles:";
    for (const auto& r2 : created->roles) std::cout << " " << r2;
    std::cout << "\n";
    return 0;
  }
  if (seed->parsed()) {
    listings::ListingService listings(*store, clock);
    const char* env_password = std::getenv("VITRINA_DEMO_PASSWORD");
    auto used = app::SeedDemo(accounts, listings, env_password ? env_password : "");
    if (!used) return Fail(used.error());
    auto demo_call = app::SeedDemoCall(*store, clock, *app::OpenRecordingStorage(config), config.ffmpeg);
    if (!demo_call) {
      std::cerr << "demo call not created (" << demo_call.error().message << "); everything else is seeded\n";
    } else if (*demo_call) {
      std::cout << "Recorded demo call " << **demo_call
                << " (buyer and seller, yesterday): transcribed once the server runs; search it at /search\n";
    }
    // A month of generated calls, complaints and decisions, under the server's moderation rules
    // (as Server::Start sets them).
    app::DemoHistoryOptions history_options;
    history_options.moderation.sla.due_ms = {config.sla_p1_minutes * 60'000, config.sla_p2_minutes * 60'000,
                                             config.sla_p3_minutes * 60'000};
    history_options.moderation.lease_ms = config.case_lease_minutes * 60'000;
    history_options.moderation.appeal_window_ms = config.appeal_window_days * 86'400'000;
    history_options.moderation.language = config.asr_language;
    history_options.moderation.reward_currency = config.reward_currency;
    auto history = app::SeedDemoHistory(*store, clock, history_options);
    if (!history) {
      std::cerr << "generated history incomplete (" << history.error().code << ": " << history.error().message
                << "); the demo accounts are seeded\n";
    } else if (!history->created) {
      std::cout << "Generated history: present from an earlier run (" << app::kMarkerEmail << ")\n";
    } else {
      std::cout << "Generated history: " << history->users << " users, " << history->calls
                << " calls over the last 30 days, " << history->complaints << " complaints, " << history->decisions
                << " decisions (" << history->transcripts
                << " transcripts analysed by the server's jobs once it runs)\n";
    }
    // The quality team's month for the supervisor's pages (after the history: its calls).
    auto team = app::SeedQualityTeam(*store, clock, history_options.moderation);
    if (!team) {
      std::cerr << "quality team not seeded (" << team.error().code << ": " << team.error().message << ")\n";
    } else if (team->created) {
      std::cout << "Quality team: " << team->moderators << " moderators, " << team->decisions << " decisions ("
                << team->honeypot_cases << " on honeypots), " << team->reviews << " double reviews\n";
    }
    std::cout << "Demo accounts (password: " << *used << ")\n"
              << "  seller@demo.test     seller with three listings\n"
              << "  buyer@demo.test      buyer\n"
              << "  moderator@demo.test  moderator, all verticals, ru/en\n"
              << "  moderator2@demo.test second moderator (appeals go to someone else)\n"
              << "  supervisor@demo.test supervisor: moderation quality at /quality\n"
              << "  analyst@demo.test    analyst\n"
              << "  admin@demo.test      admin\n";
    return 0;
  }
  return 0;
}
