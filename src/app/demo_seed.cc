#include "app/demo_seed.h"

#include "base/random.h"

namespace vitrina::app {

using accounts::Role;

base::Result<std::string> SeedDemo(accounts::AccountService& accounts,
                                   listings::ListingService& listings, std::string password) {
  if (password.empty()) password = base::RandomToken(12);
  struct Demo {
    const char* email;
    const char* name;
    std::vector<Role> roles;
  };
  const Demo demos[] = {
      {"seller@demo.test", "Demo Seller", {Role::kUser}},
      {"buyer@demo.test", "Demo Buyer", {Role::kUser}},
      {"moderator@demo.test", "Demo Moderator", {Role::kModerator}},
      // A second moderator: appeals go to someone other than who decided.
      {"moderator2@demo.test", "Demo Moderator 2", {Role::kModerator}},
      {"supervisor@demo.test", "Demo Supervisor", {Role::kModerator, Role::kSupervisor}},
      {"analyst@demo.test", "Demo Analyst", {Role::kAnalyst}},
      {"admin@demo.test", "Demo Admin", {Role::kAdmin}},
  };
  store::User seller;
  for (const auto& d : demos) {
    accounts::Registration r{d.email, password, d.name, "Europe/Moscow", d.roles};
    auto user = TRY(accounts.CreateUser(r, /*upsert=*/true));
    if (std::string_view(d.email) == "seller@demo.test") seller = user;
    if (accounts::HasRole(user, Role::kModerator)) {
      TRY(accounts.SetSkills(user.id, {"vertical:goods", "vertical:realty", "vertical:auto",
                                       "vertical:jobs", "lang:ru", "lang:en"}));
    }
  }
  listings::FeedQuery own;
  own.seller_id = seller.id;
  own.status = "all";
  if (TRY(listings.List(seller.id, own)).empty()) {
    struct DemoListing {
      const char* title;
      const char* description;
      std::int64_t price;
      const char* vertical;
      bool video;
    };
    const DemoListing items[] = {
        {"Road bike Merida Scultura 400", "Size M, 2021, serviced in spring. Can show it on a video call.",
         65000, "goods", true},
        {"2-room flat, 54 m², Kazan", "Renovated, 7th floor of 9, metro 5 minutes.", 9500000, "realty", true},
        {"Škoda Octavia 2017, 1.4 TSI", "One owner, full service history.", 1350000, "auto", false},
    };
    for (const auto& item : items) {
      listings::ListingInput in;
      in.title = item.title;
      in.description = item.description;
      in.price = item.price;
      in.vertical = item.vertical;
      in.video_call_ready = item.video;
      TRY(listings.Create(seller, in));
    }
  }
  return password;
}

}  // namespace vitrina::app
