#include "listings/listing_service.h"

#include <algorithm>

#include <boost/json.hpp>

#include "accounts/roles.h"

namespace vitrina::listings {

namespace {

constexpr std::int64_t kMaxPrice = 1'000'000'000'000;

std::size_t CodePoints(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

Result<void> Validate(const ListingInput& in) {
  if (in.title) {
    const auto n = CodePoints(*in.title);
    if (n == 0 || n > 200 || in.title->find_first_not_of(" \t\r\n") == std::string::npos) {
      return base::InvalidArgument("invalid_title", "Title must be 1 to 200 characters");
    }
  }
  if (in.description && CodePoints(*in.description) > 10'000) {
    return base::InvalidArgument("invalid_description",
                                 "Description must be at most 10000 characters");
  }
  if (in.price && (*in.price < 0 || *in.price > kMaxPrice)) {
    return base::InvalidArgument("invalid_price", "Price must be between 0 and 10^12");
  }
  if (in.vertical && !ListingService::IsValidVertical(*in.vertical)) {
    return base::InvalidArgument("invalid_vertical",
                                 "Vertical must be one of goods, realty, auto, jobs");
  }
  return {};
}

void Apply(const ListingInput& in, store::Listing& l) {
  if (in.title) l.title = *in.title;
  if (in.description) l.description = *in.description;
  if (in.price) l.price = *in.price;
  if (in.vertical) l.vertical = *in.vertical;
  if (in.video_call_ready) l.video_call_ready = *in.video_call_ready;
  if (in.call_hours) l.call_hours_json = boost::json::serialize(CallHoursToJson(*in.call_hours));
}

}  // namespace

bool ListingService::IsValidVertical(const std::string& v) {
  return v == "goods" || v == "realty" || v == "auto" || v == "jobs";
}

ListingView ListingService::View(store::Listing listing) const {
  ListingView view;
  boost::system::error_code ec;
  auto json = boost::json::parse(listing.call_hours_json, ec);
  if (!ec) {
    if (auto hours = ParseCallHours(json)) view.call_hours = std::move(*hours);
  }
  view.video_call_available_now =
      listing.status == "active" && listing.video_call_ready &&
      IsWithinCallHours(view.call_hours, clock_.NowMs());
  view.listing = std::move(listing);
  return view;
}

Result<ListingView> ListingService::Create(const store::User& seller, const ListingInput& in) {
  if (!in.title || !in.price || !in.vertical) {
    return base::InvalidArgument("missing_field", "title, price and vertical are required");
  }
  TRY(Validate(in));
  store::Listing l;
  l.seller_id = seller.id;
  l.description = "";
  l.call_hours_json = boost::json::serialize(CallHoursToJson(CallHours{seller.timezone, {}}));
  Apply(in, l);
  l.created_at = l.updated_at = clock_.NowMs();
  auto created = TRY(store_.Write([&](store::Tx& tx) { return tx.listings().Insert(l); }));
  return View(std::move(created));
}

Result<ListingView> ListingService::Update(const store::User& actor, store::Id id,
                                           const ListingInput& in) {
  TRY(Validate(in));
  auto updated = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Listing> {
    auto found = TRY(tx.listings().FindById(id));
    if (!found) return base::NotFound("listing_not_found", "No such listing");
    if (found->seller_id != actor.id) {
      return base::PermissionDenied("not_listing_owner", "Only the seller can change this listing");
    }
    if (found->status == "archived") {
      return base::Conflict("listing_archived", "An archived listing cannot be edited");
    }
    Apply(in, *found);
    found->updated_at = clock_.NowMs();
    TRY(tx.listings().Update(*found));
    return *found;
  }));
  return View(std::move(updated));
}

Result<ListingView> ListingService::Archive(const store::User& actor, store::Id id) {
  auto archived = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Listing> {
    auto found = TRY(tx.listings().FindById(id));
    if (!found) return base::NotFound("listing_not_found", "No such listing");
    if (found->seller_id != actor.id) {
      return base::PermissionDenied("not_listing_owner", "Only the seller can archive this listing");
    }
    found->status = "archived";
    found->video_call_ready = false;
    found->updated_at = clock_.NowMs();
    TRY(tx.listings().Update(*found));
    return *found;
  }));
  return View(std::move(archived));
}

Result<ListingView> ListingService::Get(std::optional<store::Id> viewer_id, store::Id id) {
  auto found = TRY(store_.Read([&](store::Tx& tx) { return tx.listings().FindById(id); }));
  const bool hidden = found && found->seller_id != viewer_id &&
                      accounts::IsBlocked(found->seller_status, found->seller_blocked_until,
                                          clock_.NowMs());
  if (!found || hidden) return base::NotFound("listing_not_found", "No such listing");
  return View(std::move(*found));
}

Result<std::vector<ListingView>> ListingService::List(std::optional<store::Id> viewer_id,
                                                      const FeedQuery& q) {
  store::ListingFilter f;
  f.video_call_ready = q.video_call_ready;
  f.vertical = q.vertical;
  f.seller_id = q.seller_id;
  f.reliable_seller = q.reliable_seller;
  f.text = q.text;
  f.before_id = q.before_id;
  f.limit = std::clamp(q.limit, 1, 100);
  const bool own = q.seller_id && viewer_id && *q.seller_id == *viewer_id;
  if (q.status == "active") {
    f.statuses = {"active"};
  } else if (q.status == "archived" || q.status == "all") {
    if (!own) {
      return base::PermissionDenied("not_listing_owner",
                                    "Only a seller can list their archived listings");
    }
    f.statuses = q.status == "all" ? std::vector<std::string>{"active", "archived"}
                                   : std::vector<std::string>{"archived"};
  } else {
    return base::InvalidArgument("invalid_status", "status must be active, archived or all");
  }
  if (q.vertical && !IsValidVertical(*q.vertical)) {
    return base::InvalidArgument("invalid_vertical",
                                 "Vertical must be one of goods, realty, auto, jobs");
  }
  f.only_active_sellers = !own;
  if (!q.available_now) {
    auto rows = TRY(store_.Read([&](store::Tx& tx) { return tx.listings().List(f); }));
    std::vector<ListingView> out;
    out.reserve(rows.size());
    for (auto& row : rows) out.push_back(View(std::move(row)));
    return out;
  }
  // "Available now" depends on each seller's zone and hours, so it is filtered here, over
  // video-call-ready rows read in batches, until the page is full (bounded work per request).
  constexpr int kMaxBatches = 20;
  f.video_call_ready = true;
  f.limit = std::max(f.limit, 50);
  std::vector<ListingView> out;
  for (int batch = 0; batch < kMaxBatches && static_cast<int>(out.size()) < q.limit; ++batch) {
    auto rows = TRY(store_.Read([&](store::Tx& tx) { return tx.listings().List(f); }));
    const std::size_t fetched = rows.size();
    const store::Id last_id = rows.empty() ? 0 : rows.back().id;
    for (auto& row : rows) {
      auto view = View(std::move(row));
      if (view.video_call_available_now && static_cast<int>(out.size()) < q.limit) {
        out.push_back(std::move(view));
      }
    }
    if (static_cast<int>(fetched) < f.limit) break;
    f.before_id = last_id;
  }
  return out;
}

}  // namespace vitrina::listings
