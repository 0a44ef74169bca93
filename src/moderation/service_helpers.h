#pragma once
// Helpers shared by the moderation services (complaints, routing, decisions, appeals):
// input limits and checks, JSON of ranges and matches, notifications, closing a case. Internal
// to the moderation component; stateless, any thread.

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "accounts/roles.h"
#include "moderation/moderation_types.h"
#include "moderation/rules.h"
#include "store/store.h"

namespace vitrina::moderation::detail {

using store::Id;
using TimeMs = base::TimeMs;

inline constexpr std::int64_t kDayMs = 24 * 3600'000LL;
inline constexpr std::size_t kMaxText = 2000;
inline constexpr std::size_t kMaxQuote = 500;
inline constexpr std::size_t kMaxReason = 4000;
inline constexpr std::size_t kMaxRanges = 10;
inline constexpr std::size_t kMaxEvidence = 20;
inline constexpr std::int64_t kMaxBlockDays = 3650;

inline bool IsModerator(const store::User& u) { return accounts::HasRole(u, accounts::Role::kModerator); }
inline bool IsParty(const store::Call& c, Id user) { return c.buyer_id == user || c.seller_id == user; }

// Trimmed text of 1..max code points, or 400 `code`.
Result<std::string> Text(const std::string& raw, std::size_t max, const char* code, const char* what);
// The call's length for validating ranges: the recording's, else ended - started (or now -
// started while active); 0 for a call that never started.
std::int64_t CallLength(const store::Call& c, TimeMs now);
Result<void> CheckRanges(const std::vector<TimeRange>& ranges, std::int64_t length, std::size_t max,
                         const char* code);
std::string RangesJson(const std::vector<TimeRange>& ranges);
std::string MatchJson(const QuoteMatch& m);
// The accused's words in the call's current transcript matched against the quote.
Result<std::optional<std::string>> MatchInCall(store::Tx& tx, const store::Call& call, Id accused,
                                               const std::string& quote);

// Filters by one or two fields (designated initializers would leave the rest to -Wextra).
struct Complaints {
  store::ComplaintFilter f;
  Complaints& Case(Id id) { f.case_id = id; return *this; }
  Complaints& Reporter(Id id) { f.reporter_id = id; return *this; }
  Complaints& Accused(Id id) { f.accused_id = id; return *this; }
  Complaints& OnCall(Id id) { f.call_id = id; return *this; }
  Complaints& Before(std::optional<Id> id) { f.before_id = id; return *this; }
  Complaints& Limit(int n) { f.limit = n; return *this; }
  operator const store::ComplaintFilter&() const { return f; }
};

std::string Iso(TimeMs t);
// The evidence files of the cited calls: each combined recording's path and SHA-256.
Result<std::string> EvidenceFiles(store::Tx& tx, const std::vector<Id>& calls);
Result<void> Notify(store::Tx& tx, Id user, const std::string& kind, boost::json::object payload, TimeMs now);
// Decided: off the queue, the lease gone (assignee_id stays: who decided).
Result<void> CloseCase(store::Tx& tx, store::Case& c, TimeMs now);
bool InForce(const store::Sanction& s, TimeMs now);

// Everything a moderator sees of a case: the accused, complaints (quote matches filled in),
// flags, ranking rows, calls, decisions, the appeal, and the accused's history.
Result<CaseView> CaseViewOf(store::Tx& tx, const store::Case& c);
// The case, assigned to `moderator` with a live lease: 404 case_not_found, 409 case_decided,
// 403 not_assignee.
Result<store::Case> LoadAssigned(store::Tx& tx, const store::User& moderator, Id case_id, TimeMs now);
// LoadAssigned, and 403 conflict_of_interest when the moderator is a party to the case.
Result<store::Case> LoadDecidable(store::Tx& tx, const store::User& moderator, Id case_id, TimeMs now);

}  // namespace vitrina::moderation::detail
