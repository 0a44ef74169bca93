#pragma once
// The seller service level, wired to the store (docs/service-level.md "Wiring"): reads one
// seller's activity, computes the level with the pure `service_level` library, evaluates the
// reliable-seller badge, and keeps the result — one row per seller per day in
// `service_levels` (upserted) and the badge cached on the user, which listings show and the
// feed filters on. Recomputed when the seller opens their page, when a buyer rates them, when a
// moderator decides a case about their calls, when
// an admin changes the verified flag, and by a daily job over every seller with an active
// listing.
//
// Owns nothing but references to the store and clock (which outlive it); every method may be
// called from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "jobs/worker_pool.h"
#include "service_level/service_level.h"
#include "store/store.h"

namespace vitrina::seller {

using base::Result;

// The daily recomputation of every seller with an active listing.
inline constexpr std::string_view kServiceLevelJob = "service_level_daily";

struct SellerLevel {
  service_level::ServiceLevel level;
  service_level::Badge badge;
  double rating_average = 0;
  std::int64_t rating_count = 0;
  bool verified = false;
};

class ServiceLevelService {
 public:
  ServiceLevelService(store::Store& store, const base::Clock& clock,
                      service_level::Options options = {})
      : store_(store), clock_(clock), options_(std::move(options)) {}

  // Records today as an active day (when the seller has an active listing), computes the
  // level and badge from the store, and keeps them (history row and badge cache).
  Result<SellerLevel> Recompute(store::Id seller_id);

  // Sets a user's verified flag (audited `user.verified_changed` with `by`), then recomputes
  // their level so the badge follows at once. NotFound user_not_found.
  Result<store::User> SetVerified(store::Id user_id, bool verified, std::optional<store::Id> by);

  // Queues the daily job (deduplicated while one is queued or running); its id when queued.
  Result<std::optional<store::Id>> Schedule();
  // The job: recomputes every seller with an active listing; how many.
  Result<int> RecomputeAll(jobs::JobContext* ctx);

  // The stored parameters as JSON (the history's `parameters` column).
  static std::string ParametersJson(const service_level::ServiceLevel& level);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  service_level::Options options_;
};

// The viewer's language for recommendations: the first of ru/en in an Accept-Language header
// (weights ignored beyond their order), else English.
service_level::Language LanguageFrom(std::optional<std::string_view> accept_language);

}  // namespace vitrina::seller
