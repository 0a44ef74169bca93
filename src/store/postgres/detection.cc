#include "store/postgres/detection.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

base::Result<std::vector<DetectionUserRows>> PgDetection::Signals(TimeMs /*since*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgDetection::Signals")); }
base::Result<std::optional<DetectionUserRows>> PgDetection::SignalsOf(Id /*user_id*/, TimeMs /*since*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgDetection::SignalsOf")); }
base::Result<DetectionCaseItem> PgDetection::InsertCaseItem(const DetectionCaseItem& /*item*/) { return tl::unexpected(NotPorted("PgDetection::InsertCaseItem")); }
base::Result<std::vector<DetectionCaseItem>> PgDetection::CaseItems(Id /*case_id*/) { return tl::unexpected(NotPorted("PgDetection::CaseItems")); }

}  // namespace vitrina::store::postgres
