// The analysts' dashboard and exports (docs/API.md "Analyst workspace", docs/analytics.md
// "## Dashboards" and "## Exports").

#include <filesystem>
#include <system_error>

#include "api/api.h"
#include "api/json_io.h"
#include "insights/dashboard.h"
#include "insights/exports.h"

namespace vitrina::api {

void AddInsightsRoutes(Api& api) {
  auto& s = api.services();

  api.Add(net::Verb::get, "/api/v1/analytics/dashboard", Access::kAnalyst,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto from = TRY(QueryTime(ctx.req.Query("from"), "from"));
            const auto to = TRY(QueryTime(ctx.req.Query("to"), "to"));
            return Api::Json(200, TRY(s.dashboard.Dashboard(from, to, ctx.req.Query("vertical"))));
          });

  api.Add(
      net::Verb::get, "/api/v1/analytics/export", Access::kAnalyst,
      [&s](Context& ctx) -> Result<net::Response> {
        const auto kind = insights::ParseExportKind(ctx.req.Query("kind").value_or(""));
        if (!kind) {
          return base::InvalidArgument(
              "invalid_filter", "kind must be calls, utterances, flags, complaints or decisions");
        }
        const auto format = insights::ParseExportFormat(ctx.req.Query("format").value_or("csv"));
        if (!format) return base::InvalidArgument("invalid_filter", "format must be csv or jsonl");
        const auto from = TRY(QueryTime(ctx.req.Query("from"), "from"));
        const auto to = TRY(QueryTime(ctx.req.Query("to"), "to", /*day_end=*/true));
        const auto made = TRY(s.exports.Export(ctx.user(), *kind, *format, from, to));
        // Open, then unlink: the bytes live only as long as the response that sends them.
        auto file = net::OpenFile::Open(made.path);
        std::error_code ec;
        std::filesystem::remove(made.path, ec);
        if (!file) return base::Internal("export spool file unreadable: " + made.path.string());
        net::Response res;
        res.content_type = made.content_type;
        res.SetHeader("Content-Disposition", "attachment; filename=\"" + made.filename + "\"");
        res.SetHeader("Cache-Control", "private, no-store");
        res.SetHeader("X-Export-Rows", std::to_string(made.rows));
        res.SetHeader("X-Export-Sha256", made.sha256);
        const auto size = file->size();
        res.SendFile(std::move(file), 0, size);
        return res;
      });
}

}  // namespace vitrina::api
