#include "store/postgres/moderation.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<Case> PgCases::InsertCase(const Case& /*c*/) { return tl::unexpected(NotPorted("PgCases::InsertCase")); }
Result<void> PgCases::UpdateCase(const Case& /*c*/) { return tl::unexpected(NotPorted("PgCases::UpdateCase")); }
Result<std::optional<Case>> PgCases::FindCase(Id /*id*/) { return tl::unexpected(NotPorted("PgCases::FindCase")); }
Result<std::optional<Case>> PgCases::OpenComplaintsCase(Id /*accused_id*/) { return tl::unexpected(NotPorted("PgCases::OpenComplaintsCase")); }
Result<std::vector<Case>> PgCases::ListCases(const CaseFilter& /*filter*/) { return tl::unexpected(NotPorted("PgCases::ListCases")); }
Result<std::vector<Case>> PgCases::Queue(std::optional<QueueCursor> /*after*/, int /*limit*/) { return tl::unexpected(NotPorted("PgCases::Queue")); }
Result<QueueCounts> PgCases::CountQueue(TimeMs /*now*/, const std::array<std::int64_t, 3>& /*at_risk_ms*/) { return tl::unexpected(NotPorted("PgCases::CountQueue")); }
Result<int> PgCases::ReleaseExpiredLeases(TimeMs /*now*/) { return tl::unexpected(NotPorted("PgCases::ReleaseExpiredLeases")); }
Result<std::optional<Case>> PgCases::NextEligible(const CaseEligibility& /*who*/) { return tl::unexpected(NotPorted("PgCases::NextEligible")); }
Result<bool> PgCases::IsParty(Id /*case_id*/, Id /*user_id*/) { return tl::unexpected(NotPorted("PgCases::IsParty")); }
Result<int> PgCases::CountAssigned(Id /*moderator_id*/) { return tl::unexpected(NotPorted("PgCases::CountAssigned")); }
Result<void> PgCases::AddCaseCall(Id /*case_id*/, Id /*call_id*/) { return tl::unexpected(NotPorted("PgCases::AddCaseCall")); }
Result<std::vector<Id>> PgCases::CaseCalls(Id /*case_id*/) { return tl::unexpected(NotPorted("PgCases::CaseCalls")); }
Result<ModeratorState> PgCases::Moderator(Id /*user_id*/) { return tl::unexpected(NotPorted("PgCases::Moderator")); }
Result<void> PgCases::PutModerator(const ModeratorState& /*state*/) { return tl::unexpected(NotPorted("PgCases::PutModerator")); }
Result<Complaint> PgCases::InsertComplaint(const Complaint& /*c*/) { return tl::unexpected(NotPorted("PgCases::InsertComplaint")); }
Result<void> PgCases::UpdateComplaint(const Complaint& /*c*/) { return tl::unexpected(NotPorted("PgCases::UpdateComplaint")); }
Result<std::optional<Complaint>> PgCases::FindComplaint(Id /*id*/) { return tl::unexpected(NotPorted("PgCases::FindComplaint")); }
Result<std::vector<Complaint>> PgCases::ListComplaints(const ComplaintFilter& /*filter*/) { return tl::unexpected(NotPorted("PgCases::ListComplaints")); }
Result<int> PgCases::SetComplaintStatus(Id /*case_id*/, const std::vector<std::string>& /*from*/, const std::string& /*to*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgCases::SetComplaintStatus")); }
Result<std::vector<Id>> PgCases::PurgeableCalls(TimeMs /*cutoff*/, TimeMs /*now*/, int /*limit*/) { return tl::unexpected(NotPorted("PgCases::PurgeableCalls")); }

Result<Decision> PgSanctions::InsertDecision(const Decision& /*d*/) { return tl::unexpected(NotPorted("PgSanctions::InsertDecision")); }
Result<std::vector<Decision>> PgSanctions::Decisions(Id /*case_id*/) { return tl::unexpected(NotPorted("PgSanctions::Decisions")); }
Result<Sanction> PgSanctions::InsertSanction(const Sanction& /*s*/) { return tl::unexpected(NotPorted("PgSanctions::InsertSanction")); }
Result<void> PgSanctions::UpdateSanction(const Sanction& /*s*/) { return tl::unexpected(NotPorted("PgSanctions::UpdateSanction")); }
Result<std::optional<Sanction>> PgSanctions::FindSanction(Id /*id*/) { return tl::unexpected(NotPorted("PgSanctions::FindSanction")); }
Result<std::vector<Sanction>> PgSanctions::Sanctions(Id /*user_id*/) { return tl::unexpected(NotPorted("PgSanctions::Sanctions")); }
Result<Appeal> PgSanctions::InsertAppeal(const Appeal& /*a*/) { return tl::unexpected(NotPorted("PgSanctions::InsertAppeal")); }
Result<void> PgSanctions::UpdateAppeal(const Appeal& /*a*/) { return tl::unexpected(NotPorted("PgSanctions::UpdateAppeal")); }
Result<std::optional<Appeal>> PgSanctions::FindAppeal(Id /*id*/) { return tl::unexpected(NotPorted("PgSanctions::FindAppeal")); }
Result<std::optional<Appeal>> PgSanctions::AppealOf(Id /*sanction_id*/) { return tl::unexpected(NotPorted("PgSanctions::AppealOf")); }
Result<Reward> PgSanctions::InsertReward(const Reward& /*r*/) { return tl::unexpected(NotPorted("PgSanctions::InsertReward")); }
Result<std::vector<Reward>> PgSanctions::Rewards(Id /*user_id*/) { return tl::unexpected(NotPorted("PgSanctions::Rewards")); }

Result<Notification> PgNotifications::Insert(const Notification& /*n*/) { return tl::unexpected(NotPorted("PgNotifications::Insert")); }
Result<std::vector<Notification>> PgNotifications::List(Id /*user_id*/, std::optional<Id> /*before_id*/, int /*limit*/) { return tl::unexpected(NotPorted("PgNotifications::List")); }
Result<std::int64_t> PgNotifications::UnreadCount(Id /*user_id*/) { return tl::unexpected(NotPorted("PgNotifications::UnreadCount")); }
Result<int> PgNotifications::MarkRead(Id /*user_id*/, Id /*up_to*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgNotifications::MarkRead")); }

}  // namespace vitrina::store::postgres
