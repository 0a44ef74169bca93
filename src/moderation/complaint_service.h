#pragma once
// Complaints: filed and edited by a call's participants, read by them and by moderators
// (docs/moderation.md "Complaints"). Each write is one transaction with its audit entry.
// Thread-safe.

#include <optional>
#include <vector>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

class ComplaintService : ModerationPart {
 public:
  explicit ComplaintService(const ModerationContext& ctx) : ModerationPart(ctx) {}

  Result<store::Complaint> FileComplaint(const store::User& user, store::Id call_id, const ComplaintInput& in);
  Result<store::Complaint> EditComplaint(const store::User& user, store::Id complaint_id, const ComplaintInput& in);
  // The reporter or a moderator.
  Result<store::Complaint> GetComplaint(const store::User& user, store::Id complaint_id);
  Result<std::vector<store::Complaint>> MyComplaints(const store::User& user, std::optional<store::Id> before_id,
                                                     int limit);
  // A participant's own complaints on the call; a moderator's: all of them.
  Result<std::vector<store::Complaint>> CallComplaints(const store::User& user, store::Id call_id);
};

}  // namespace vitrina::moderation
