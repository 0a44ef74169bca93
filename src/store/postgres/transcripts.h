#pragma once
// PostgreSQL repositories (not yet ported: every method answers "not_ported").

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgTranscripts final : public TranscriptRepository {
 public:
  PgTranscripts(Connection& c, int /*search_tier_size*/) : c_(c) {}
  Result<Transcript> Insert(Id call_id, const NewTranscript& transcript, TimeMs now) override;
  Result<std::optional<Transcript>> Current(Id call_id) override;
  Result<std::optional<Transcript>> Version(Id call_id, std::int64_t version) override;
  Result<std::vector<Transcript>> Versions(Id call_id) override;
  Result<std::int64_t> DeleteForCall(Id call_id) override;
  Result<SearchPage> Search(const SearchQuery& query) override;

 private:
  [[maybe_unused]] Connection& c_;
};

}  // namespace vitrina::store::postgres
