// Operations: health, readiness, metrics, the OpenAPI document.
#include "api/api.h"
#include "api/openapi.h"
#include "base/log.h"

namespace vitrina::api {

namespace json = boost::json;

void AddOpsRoutes(Api& api) {
  auto& s = api.services();
  api.Add(net::Verb::get, "/healthz", Access::kOpen, [](Context&) -> Result<net::Response> {
    return Api::Json(200, json::object{{"status", "ok"}});
  });
  // Open to anyone (load balancers, probes): counts only, never the media nodes' internal
  // addresses; those are for admins (GET /api/v1/admin/status).
  api.Add(net::Verb::get, "/readyz", Access::kOpen, [&s](Context&) -> Result<net::Response> {
    auto version = s.store.SchemaVersion();
    if (!version || *version == 0) {
      // The message may name the database file: the log has it, the caller gets a code.
      if (!version) base::log::Warn("not_ready", {{"error", version.error().message}});
      return base::Fail(base::ErrorKind::kUnavailable, "not_ready",
                        version ? "Database has no schema yet" : "Database cannot be read");
    }
    // Calls need a media server, the rest of the product does not: report it, stay ready.
    std::int64_t nodes = 0, up = 0;
    for (const auto& [node, node_up] : s.calls.MediaStatus()) {
      ++nodes;
      if (node_up) ++up;
    }
    return Api::Json(200, json::object{{"status", "ready"}, {"schema_version", *version},
                                       {"media", json::object{{"nodes", nodes}, {"up", up}}}});
  });
  // The same checks with the details an operator needs: each media node by its address.
  api.Add(net::Verb::get, "/api/v1/admin/status", Access::kAdmin, [&s](Context&) -> Result<net::Response> {
    auto version = s.store.SchemaVersion();
    json::array media;
    for (const auto& [node, up] : s.calls.MediaStatus()) {
      media.push_back(json::object{{"node", node}, {"up", up}});
    }
    json::object database{{"ready", version && *version > 0},
                          {"schema_version", version ? json::value(*version) : json::value(nullptr)}};
    if (!version) database["error"] = version.error().message;
    const bool ready = version && *version > 0;
    return Api::Json(200, json::object{{"status", ready ? "ready" : "not_ready"},
                                       {"database", std::move(database)},
                                       {"media", std::move(media)}});
  });
  api.Add(net::Verb::get, "/metrics", Access::kOpen, [&s](Context&) -> Result<net::Response> {
    net::Response res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = s.metrics.RenderPrometheus();
    return res;
  });
  api.Add(net::Verb::get, "/api/v1/openapi.yaml", Access::kOpen,
          [](Context&) -> Result<net::Response> {
            net::Response res;
            res.content_type = "application/yaml; charset=utf-8";
            res.body = std::string(OpenApiDocument());
            return res;
          });
  api.Add(net::Verb::get, "/api/v1/version", Access::kOpen,
          [&api](Context&) -> Result<net::Response> {
            return Api::Json(200, json::object{{"version", api.options().version}});
          });
}

}  // namespace vitrina::api
