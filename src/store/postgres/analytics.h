#pragma once
// PostgreSQL repository for speech analytics (docs/analytics.md, migration 6): phrase rules,
// one analytics row per call and the rules' hits (flags). The SQLite backend's
// (store/sqlite/analytics.cc) in PostgreSQL's dialect. Used only through PgTx; each object
// lives for one transaction.

#include "store/postgres/pg.h"
#include "store/store.h"

namespace vitrina::store::postgres {

class PgAnalytics final : public AnalyticsRepository {
 public:
  explicit PgAnalytics(Connection& c) : c_(c) {}
  Result<AnalyticsRule> InsertRule(const AnalyticsRule& rule) override;
  Result<void> UpdateRule(const AnalyticsRule& rule) override;
  Result<std::optional<AnalyticsRule>> FindRule(Id id) override;
  Result<std::vector<AnalyticsRule>> ListRules() override;
  Result<std::pair<Id, TimeMs>> RulesStamp() override;
  Result<void> PutCallAnalytics(const CallAnalytics& a) override;
  Result<std::optional<CallAnalytics>> FindCallAnalytics(Id call_id) override;
  Result<std::pair<Flag, bool>> InsertFlag(const Flag& flag) override;
  Result<std::optional<Flag>> FindFlag(Id id) override;
  Result<std::vector<Flag>> ListFlags(const FlagFilter& filter) override;
  Result<void> SetFlagCase(Id flag_id, Id case_id) override;
  Result<std::pair<int, std::optional<int>>> CaseFlagStats(Id case_id) override;
  Result<void> ReviewFlag(Id flag_id, const std::string& review, Id by, TimeMs at) override;
  Result<bool> SetPartyFeedback(Id flag_id, const std::string& answer, TimeMs at) override;
  Result<int> DeleteStaleFlags(Id call_id, const std::vector<Id>& keep) override;
  Result<std::vector<Id>> CallsWithTranscript(TimeMs from, TimeMs to, Id after, int limit) override;
  Result<std::vector<AnalystCallRow>> ListAnalystCalls(const AnalystCallFilter& filter) override;
  Result<void> PurgeCall(Id call_id) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
