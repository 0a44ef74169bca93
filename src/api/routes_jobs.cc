// The background job queue, for admins: what ran, what failed and why; retry a failed job.
#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"
#include "jobs/job_admin.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

json::value OptText(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object JobJson(const store::Job& j) {
  boost::system::error_code ec;
  auto payload = json::parse(j.payload, ec);
  if (ec) payload = j.payload;
  return {{"id", IdString(j.id)},
          {"kind", j.kind},
          {"state", j.state},
          {"payload", std::move(payload)},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"run_after", base::FormatRfc3339(j.run_after)},
          {"lease_owner", OptText(j.lease_owner)},
          {"lease_until", j.lease_until ? json::value(base::FormatRfc3339(*j.lease_until)) : nullptr},
          {"last_error", OptText(j.last_error)},
          {"progress", OptText(j.progress)},
          {"created_at", base::FormatRfc3339(j.created_at)},
          {"updated_at", base::FormatRfc3339(j.updated_at)}};
}

}  // namespace

void AddJobRoutes(Api& api) {
  auto& s = api.services();
  api.Add(net::Verb::get, "/api/v1/admin/jobs", Access::kAdmin, [&s](Context& ctx) -> Result<net::Response> {
    const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
    const auto before = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
    auto rows = TRY(jobs::ListJobs(s.store, ctx.req.Query("state"), before, limit + 1));
    return Api::Json(200, Page(rows, limit, JobJson, [](const store::Job& j) { return IdString(j.id); }));
  });
  api.Add(net::Verb::post, "/api/v1/admin/jobs/{id}/retry", Access::kAdmin,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "job_not_found"));
            auto job = TRY(jobs::RetryJob(s.store, id, s.clock.NowMs(), ctx.user().id));
            return Api::Json(200, JobJson(job));
          });
}

}  // namespace vitrina::api
