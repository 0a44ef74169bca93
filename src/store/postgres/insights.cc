#include "store/postgres/insights.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<std::vector<DirtyDay>> PgRollups::DirtyDays(int /*limit*/) { return tl::unexpected(NotPorted("PgRollups::DirtyDays")); }
Result<std::int64_t> PgRollups::CountDirty() { return tl::unexpected(NotPorted("PgRollups::CountDirty")); }
Result<void> PgRollups::MarkDays(Day /*from*/, Day /*to*/) { return tl::unexpected(NotPorted("PgRollups::MarkDays")); }
Result<std::vector<RollupRow>> PgRollups::ComputeDay(Day /*day*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgRollups::ComputeDay")); }
Result<bool> PgRollups::ReplaceDay(Day /*day*/, std::int64_t /*gen*/, const std::vector<RollupRow>& /*rows*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgRollups::ReplaceDay")); }
Result<std::optional<std::pair<Day, Day>>> PgRollups::DataDays() { return tl::unexpected(NotPorted("PgRollups::DataDays")); }
Result<std::vector<RollupRow>> PgRollups::Read(Day /*from*/, Day /*to*/, const std::string& /*vertical*/) { return tl::unexpected(NotPorted("PgRollups::Read")); }
Result<std::vector<RollupRow>> PgRollups::ReadByVertical(Day /*from*/, Day /*to*/, const std::vector<std::string>& /*metrics*/) { return tl::unexpected(NotPorted("PgRollups::ReadByVertical")); }
Result<std::optional<TimeMs>> PgRollups::ComputedAt() { return tl::unexpected(NotPorted("PgRollups::ComputedAt")); }

Result<std::int64_t> PgExports::Export(ExportKind /*kind*/, TimeMs /*from*/, TimeMs /*to*/, const ExportSink& /*sink*/) { return tl::unexpected(NotPorted("PgExports::Export")); }

}  // namespace vitrina::store::postgres
