#include "moderation/moderation_service.h"

#include <utility>

namespace vitrina::moderation {

ModerationService::ModerationService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                                     calls::CallService& calls, ModerationOptions options)
    : ctx_{store, clock, metrics, calls, std::move(options)},
      complaints_(ctx_),
      queue_(ctx_),
      decisions_(ctx_),
      appeals_(ctx_),
      notifications_(ctx_),
      reviews_(ctx_) {
  metrics.Describe("vitrina_complaints_total", "counter", "Complaints filed, by category");
  metrics.Describe("vitrina_moderation_decisions_total", "counter", "Moderation decisions, by action");
  metrics.Describe("vitrina_moderation_assignments_total", "counter", "Cases handed out by next, and empty nexts");
  metrics.Describe("vitrina_appeals_total", "counter", "Appeals filed");
}

}  // namespace vitrina::moderation
