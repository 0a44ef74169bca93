#pragma once
// Moderation (docs/moderation.md), in five parts along its concerns: complaints, the queue and
// routing, decisions and sanctions, appeals, notifications. Every change is one write
// transaction; decisions and appeals are on the audit log in the same transaction. This class
// owns the parts and what they share. Thread-safe: called from request workers.

#include "calls/call_service.h"
#include "moderation/appeal_service.h"
#include "moderation/case_queue.h"
#include "moderation/complaint_service.h"
#include "moderation/decision_service.h"
#include "moderation/moderation_types.h"
#include "moderation/notification_service.h"
#include "moderation/review_service.h"

namespace vitrina::moderation {

class ModerationService {
 public:
  ModerationService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                    calls::CallService& calls, ModerationOptions options);
  ModerationService(const ModerationService&) = delete;
  ModerationService& operator=(const ModerationService&) = delete;

  ComplaintService& complaints() { return complaints_; }
  CaseQueue& queue() { return queue_; }
  DecisionService& decisions() { return decisions_; }
  AppealService& appeals() { return appeals_; }
  NotificationService& notifications() { return notifications_; }
  ReviewService& reviews() { return reviews_; }
  const ModerationOptions& options() const { return ctx_.options; }

 private:
  const ModerationContext ctx_;
  ComplaintService complaints_;
  CaseQueue queue_;
  DecisionService decisions_;
  AppealService appeals_;
  NotificationService notifications_;
  ReviewService reviews_;
};

}  // namespace vitrina::moderation
