// Operations: health, readiness, metrics, the OpenAPI document.
#include "api/api.h"
#include "api/openapi.h"

namespace vitrina::api {

namespace json = boost::json;

void AddOpsRoutes(Api& api) {
  auto& s = api.services();
  api.Add(net::Verb::get, "/healthz", Access::kOpen, [](Context&) -> Result<net::Response> {
    return Api::Json(200, json::object{{"status", "ok"}});
  });
  api.Add(net::Verb::get, "/readyz", Access::kOpen, [&s](Context&) -> Result<net::Response> {
    auto version = s.store.SchemaVersion();
    if (!version || *version == 0) {
      return base::Fail(base::ErrorKind::kUnavailable, "not_ready",
                        version ? "Database has no schema yet" : version.error().message);
    }
    // Calls need a media server, the rest of the product does not: report it, stay ready.
    json::array media;
    for (const auto& [node, up] : s.calls.MediaStatus()) {
      media.push_back(json::object{{"node", node}, {"up", up}});
    }
    return Api::Json(200, json::object{{"status", "ready"}, {"schema_version", *version},
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
