#include "store/postgres/transcripts.h"

namespace vitrina::store::postgres {
namespace {
base::Error NotPorted(const char* what) {
  return base::Error{base::ErrorKind::kInternal, "not_ported", std::string(what) + " is not in the PostgreSQL backend yet"};
}
}  // namespace

Result<Transcript> PgTranscripts::Insert(Id /*call_id*/, const NewTranscript& /*transcript*/, TimeMs /*now*/) { return tl::unexpected(NotPorted("PgTranscripts::Insert")); }
Result<std::optional<Transcript>> PgTranscripts::Current(Id /*call_id*/) { return tl::unexpected(NotPorted("PgTranscripts::Current")); }
Result<std::optional<Transcript>> PgTranscripts::Version(Id /*call_id*/, std::int64_t /*version*/) { return tl::unexpected(NotPorted("PgTranscripts::Version")); }
Result<std::vector<Transcript>> PgTranscripts::Versions(Id /*call_id*/) { return tl::unexpected(NotPorted("PgTranscripts::Versions")); }
Result<std::int64_t> PgTranscripts::DeleteForCall(Id /*call_id*/) { return tl::unexpected(NotPorted("PgTranscripts::DeleteForCall")); }
Result<SearchPage> PgTranscripts::Search(const SearchQuery& /*query*/) { return tl::unexpected(NotPorted("PgTranscripts::Search")); }

}  // namespace vitrina::store::postgres
