// The audit log, for admins (docs/audit.md).
#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

json::object AuditJson(const store::AuditEntry& e) {
  return {{"id", IdString(e.id)},
          {"at", base::FormatRfc3339(e.at)},
          {"actor_id", e.actor_id ? json::value(IdString(*e.actor_id)) : json::value(nullptr)},
          {"action", e.action},
          {"object_type", e.object_type},
          {"object_id", e.object_id},
          {"details", ParsedOr(e.details)},
          {"evidence", ParsedOr(e.evidence)},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

}  // namespace

void AddAuditRoutes(Api& api) {
  auto& s = api.services();
  api.Add(net::Verb::get, "/api/v1/admin/audit", Access::kAdmin, [&s](Context& ctx) -> Result<net::Response> {
    auto& r = ctx.req;
    store::AuditFilter f;
    f.limit = TRY(ParseLimit(r.Query("limit"), 50, 200));
    f.before_id = TRY(ParseQueryId(r.Query("cursor"), "cursor"));
    f.actor_id = TRY(ParseQueryId(r.Query("actor_id"), "actor_id"));
    if (auto v = r.Query("action"); v && !v->empty()) f.action = *v;
    if (auto v = r.Query("object_type"); v && !v->empty()) f.object_type = *v;
    if (auto v = r.Query("object_id"); v && !v->empty()) f.object_id = *v;
    const int limit = f.limit;
    f.limit = limit + 1;
    auto rows = TRY(s.store.Read([&](store::Tx& tx) { return tx.audit().List(f); }));
    return Api::Json(200, Page(rows, limit, AuditJson, [](const store::AuditEntry& e) { return IdString(e.id); }));
  });
}

}  // namespace vitrina::api
