#include "store/postgres/analytics.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<AnalyticsRule> PgAnalytics::InsertRule(const AnalyticsRule& /*rule*/) { return tl::unexpected(NotPorted("PgAnalytics::InsertRule")); }
Result<void> PgAnalytics::UpdateRule(const AnalyticsRule& /*rule*/) { return tl::unexpected(NotPorted("PgAnalytics::UpdateRule")); }
Result<std::optional<AnalyticsRule>> PgAnalytics::FindRule(Id /*id*/) { return tl::unexpected(NotPorted("PgAnalytics::FindRule")); }
Result<std::vector<AnalyticsRule>> PgAnalytics::ListRules() { return tl::unexpected(NotPorted("PgAnalytics::ListRules")); }
Result<std::pair<Id, TimeMs>> PgAnalytics::RulesStamp() { return tl::unexpected(NotPorted("PgAnalytics::RulesStamp")); }
Result<void> PgAnalytics::PutCallAnalytics(const CallAnalytics& /*a*/) { return tl::unexpected(NotPorted("PgAnalytics::PutCallAnalytics")); }
Result<std::optional<CallAnalytics>> PgAnalytics::FindCallAnalytics(Id /*call_id*/) { return tl::unexpected(NotPorted("PgAnalytics::FindCallAnalytics")); }
Result<std::pair<Flag, bool>> PgAnalytics::InsertFlag(const Flag& /*flag*/) { return tl::unexpected(NotPorted("PgAnalytics::InsertFlag")); }
Result<std::optional<Flag>> PgAnalytics::FindFlag(Id /*id*/) { return tl::unexpected(NotPorted("PgAnalytics::FindFlag")); }
Result<std::vector<Flag>> PgAnalytics::ListFlags(const FlagFilter& /*filter*/) { return tl::unexpected(NotPorted("PgAnalytics::ListFlags")); }
Result<void> PgAnalytics::SetFlagCase(Id /*flag_id*/, Id /*case_id*/) { return tl::unexpected(NotPorted("PgAnalytics::SetFlagCase")); }
Result<std::pair<int, std::optional<int>>> PgAnalytics::CaseFlagStats(Id /*case_id*/) { return tl::unexpected(NotPorted("PgAnalytics::CaseFlagStats")); }
Result<void> PgAnalytics::ReviewFlag(Id /*flag_id*/, const std::string& /*review*/, Id /*by*/, TimeMs /*at*/) { return tl::unexpected(NotPorted("PgAnalytics::ReviewFlag")); }
Result<int> PgAnalytics::DeleteStaleFlags(Id /*call_id*/, const std::vector<Id>& /*keep*/) { return tl::unexpected(NotPorted("PgAnalytics::DeleteStaleFlags")); }
Result<std::vector<Id>> PgAnalytics::CallsWithTranscript(TimeMs /*from*/, TimeMs /*to*/, Id /*after*/, int /*limit*/) { return tl::unexpected(NotPorted("PgAnalytics::CallsWithTranscript")); }
Result<std::vector<AnalystCallRow>> PgAnalytics::ListAnalystCalls(const AnalystCallFilter& /*filter*/) { return tl::unexpected(NotPorted("PgAnalytics::ListAnalystCalls")); }
Result<void> PgAnalytics::PurgeCall(Id /*call_id*/) { return tl::unexpected(NotPorted("PgAnalytics::PurgeCall")); }

}  // namespace vitrina::store::postgres
