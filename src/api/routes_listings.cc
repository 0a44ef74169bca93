// Listings: create, edit, archive, read, feed.
#include "api/api.h"
#include "api/json_io.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

Result<listings::ListingInput> ReadListingInput(const json::object& body,
                                                const std::string& seller_timezone) {
  listings::ListingInput in;
  in.title = TRY(OptString(body, "title"));
  in.description = TRY(OptString(body, "description"));
  in.price = TRY(OptInt(body, "price"));
  in.vertical = TRY(OptString(body, "vertical"));
  in.video_call_ready = TRY(OptBool(body, "video_call_ready"));
  if (const auto* hours = body.if_contains("call_hours"); hours && !hours->is_null()) {
    in.call_hours = TRY(listings::ParseCallHours(*hours, seller_timezone));
  }
  if (const auto* price = body.if_contains("price"); price && !price->is_null() && !in.price) {
    return base::InvalidArgument("invalid_type", "Field 'price' must be an integer");
  }
  return in;
}

Result<std::optional<bool>> ParseBoolQuery(const std::optional<std::string>& v, std::string_view name) {
  if (!v || v->empty()) return std::optional<bool>();
  if (*v == "true" || *v == "1") return std::optional<bool>(true);
  if (*v == "false" || *v == "0") return std::optional<bool>(false);
  return base::InvalidArgument("invalid_" + std::string(name),
                               "Query parameter '" + std::string(name) + "' must be true or false");
}

}  // namespace

void AddListingRoutes(Api& api) {
  auto& service = api.services().listings;

  api.Add(net::Verb::post, "/api/v1/listings", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            auto body = TRY(ParseObject(ctx.req.body));
            auto in = TRY(ReadListingInput(body, ctx.user().timezone));
            auto view = TRY(service.Create(ctx.user(), in));
            return Api::Json(201, ListingJson(view));
          });

  api.Add(net::Verb::patch, "/api/v1/listings/{id}", Access::kUser,
          [&](Context& ctx) -> Result<void> {  // its seller only
            const auto id = TRY(ctx.PathId("id", "listing_not_found"));
            auto view = TRY(service.Get(ctx.user_id(), id));
            if (view.listing.seller_id != ctx.user().id) {
              return base::PermissionDenied("not_listing_owner", "Only the seller can change this listing");
            }
            return {};
          },
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "listing_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            auto in = TRY(ReadListingInput(body, ctx.user().timezone));
            auto view = TRY(service.Update(ctx.user(), id, in));
            return Api::Json(200, ListingJson(view));
          });

  api.Add(net::Verb::post, "/api/v1/listings/{id}/archive", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "listing_not_found"));
            auto view = TRY(service.Archive(ctx.user(), id));
            return Api::Json(200, ListingJson(view));
          });

  api.Add(net::Verb::get, "/api/v1/listings/{id}", Access::kPublic,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "listing_not_found"));
            auto view = TRY(service.Get(ctx.user_id(), id));
            return Api::Json(200, ListingJson(view));
          });

  api.Add(net::Verb::get, "/api/v1/listings", Access::kPublic,
          [&](Context& ctx) -> Result<net::Response> {
            const auto& r = ctx.req;
            listings::FeedQuery q;
            q.limit = TRY(ParseLimit(r.Query("limit"), 20, 100));
            q.before_id = TRY(ParseQueryId(r.Query("cursor"), "cursor"));
            q.seller_id = TRY(ParseQueryId(r.Query("seller_id"), "seller_id"));
            q.video_call_ready = TRY(ParseBoolQuery(r.Query("video_call_ready"), "video_call_ready"));
            q.reliable_seller = TRY(ParseBoolQuery(r.Query("reliable_seller"), "reliable_seller"));
            q.available_now = TRY(ParseBoolQuery(r.Query("available_now"), "available_now")).value_or(false);
            if (auto v = r.Query("vertical"); v && !v->empty()) q.vertical = *v;
            if (auto v = r.Query("q"); v && !v->empty()) {
              if (v->size() > 200) return base::InvalidArgument("invalid_q", "q is too long");
              q.text = *v;
            }
            if (auto v = r.Query("status"); v && !v->empty()) q.status = *v;
            const int limit = q.limit;
            q.limit = limit + 1;  // one extra row tells whether there is a next page
            auto views = TRY(service.List(ctx.user_id(), q));
            return Api::Json(200, Page(views, limit, ListingJson, [](const listings::ListingView& v) {
                               return IdString(v.listing.id);
                             }));
          });
}

}  // namespace vitrina::api
