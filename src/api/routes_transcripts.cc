// Transcripts (docs/transcripts.md) and transcript search (docs/search.md).
#include "api/api.h"
#include "api/json_io.h"
#include "base/time_format.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

json::object TranscriptJson(const store::Transcript& t) {
  json::array segments;
  for (const auto& s : t.segments) {
    json::array words;
    for (const auto& w : s.words) {
      words.push_back({{"w", w.w}, {"start_ms", w.start_ms}, {"end_ms", w.end_ms}, {"conf", w.conf}});
    }
    segments.push_back({{"id", IdString(s.id)},
                        {"speaker", s.speaker},
                        {"start_ms", s.start_ms},
                        {"end_ms", s.end_ms},
                        {"text", s.text},
                        {"confidence", s.confidence},
                        {"words", std::move(words)}});
  }
  return {{"call_id", IdString(t.call_id)},
          {"version", t.version},
          {"engine", t.engine},
          {"model", t.model},
          {"language", t.language},
          {"created_at", base::FormatRfc3339(t.created_at)},
          {"segments", std::move(segments)}};
}

// A date (YYYY-MM-DD, UTC; as `to` it means the end of that day) or an RFC 3339 time.
Result<std::optional<base::TimeMs>> ParseTimeQuery(const std::optional<std::string>& v, std::string_view name,
                                                   bool end_of_day) {
  if (!v || v->empty()) return std::nullopt;
  std::optional<base::TimeMs> t;
  if (v->size() == 10) {
    t = base::ParseRfc3339(*v + "T00:00:00Z");
    if (t && end_of_day) *t += 86'400'000 - 1;
  } else {
    t = base::ParseRfc3339(*v);
  }
  if (!t) {
    return base::InvalidArgument("invalid_filter", "Query parameter '" + std::string(name) +
                                                       "' must be a date (YYYY-MM-DD) or an RFC 3339 time");
  }
  return t;
}

}  // namespace

void AddTranscriptRoutes(Api& api) {
  auto& s = api.services();
  api.Add(net::Verb::get, "/api/v1/calls/{id}/transcript", Access::kUser,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            std::optional<std::int64_t> version;
            if (auto v = TRY(ParseQueryId(ctx.req.Query("version"), "version"))) version = *v;
            return Api::Json(200, TranscriptJson(TRY(s.transcripts.Get(ctx.user(), id, version))));
          });

  api.Add(net::Verb::get, "/api/v1/calls/{id}/captions.vtt", Access::kUser,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            net::Response res;
            res.body = TRY(s.transcripts.Captions(ctx.user(), id));
            res.content_type = "text/vtt; charset=utf-8";
            res.SetHeader("Cache-Control", "private, no-store");
            return res;
          });

  api.Add(net::Verb::get, "/api/v1/search", Access::kUser, [&s](Context& ctx) -> Result<net::Response> {
    auto& r = ctx.req;
    transcripts::SearchParams p;
    p.q = r.Query("q").value_or("");
    if (auto v = r.Query("speaker"); v && !v->empty()) {
      if (*v != "buyer" && *v != "seller") {
        return base::InvalidArgument("invalid_filter", "speaker must be buyer or seller");
      }
      p.speaker = *v;
    }
    p.user_id = TRY(ParseQueryId(r.Query("user_id"), "user_id"));
    p.listing_id = TRY(ParseQueryId(r.Query("listing_id"), "listing_id"));
    p.call_id = TRY(ParseQueryId(r.Query("call_id"), "call_id"));
    if (auto v = r.Query("vertical"); v && !v->empty()) {
      if (!listings::ListingService::IsValidVertical(*v)) {
        return base::InvalidArgument("invalid_filter", "Unknown vertical '" + *v + "'");
      }
      p.vertical = *v;
    }
    p.from = TRY(ParseTimeQuery(r.Query("from"), "from", false));
    p.to = TRY(ParseTimeQuery(r.Query("to"), "to", true));
    if (p.from && p.to && *p.from > *p.to) {
      return base::InvalidArgument("invalid_filter", "'from' is after 'to'");
    }
    if (auto v = r.Query("cursor"); v && !v->empty()) p.cursor = *v;
    p.limit = TRY(ParseLimit(r.Query("limit"), 20, 50));
    const auto results = TRY(s.transcripts.Search(ctx.user(), p));
    json::array items;
    for (const auto& item : results.items) {
      items.push_back({{"call_id", IdString(item.hit.call_id)},
                       {"segment_id", IdString(item.hit.segment_id)},
                       {"speaker", item.hit.speaker},
                       {"start_ms", item.hit.start_ms},
                       {"end_ms", item.hit.end_ms},
                       {"snippet", item.snippet},
                       {"call_started_at", base::FormatRfc3339(item.hit.call_started_at)},
                       {"listing_id", IdString(item.listing_id)},
                       {"listing_title", item.listing_title}});
    }
    return Api::Json(200, json::object{{"items", std::move(items)},
                                       {"next_cursor", results.next_cursor ? json::value(*results.next_cursor)
                                                                           : json::value(nullptr)}});
  });

  api.Add(net::Verb::post, "/api/v1/admin/calls/{id}/reprocess", Access::kAdmin,
          [&s](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "call_not_found"));
            json::object body;
            if (!ctx.req.body.empty()) body = TRY(ParseObject(ctx.req.body));
            const bool recording = TRY(OptBool(body, "recording")).value_or(false);
            const auto language = TRY(OptString(body, "language"));
            if (language && (language->empty() || language->size() > 16 ||
                             language->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
                                 std::string::npos)) {
              return base::InvalidArgument("invalid_language", "language must be a tag like en or ru");
            }
            const auto job_id = TRY(s.calls.Reprocess(id, recording, language, ctx.user().id));
            return Api::Json(202, json::object{{"job_id", IdString(job_id)}});
          });
}

}  // namespace vitrina::api
