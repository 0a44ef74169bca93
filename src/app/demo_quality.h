#pragma once
// The quality team's month for `vitrina demo-seed` (docs/quality.md): twelve more moderators
// (team01..team12@demo.test, no password: nobody signs in as them) with a month of decided
// complaints cases about invented people (synthetic_users, like honeypots' people: no real
// account, seller level or ranking changes), so the supervisor's page has a table, a few
// double reviews (some disagreeing), honeypots with their results and deviations to work: one
// team member dismisses almost every fraud complaint, another takes five times as long as the
// rest. Rows are written as the product leaves them (case, complaint, decision, sanction where
// upheld; honeypot cases through moderation's own ServeHoneypot).
//
// Deterministic for the day (a fixed-seed generator); runs once (the marker is team01's
// account). Call after SeedDemoHistory.
//
// InsertDecidedCase is the writer, shared with the integration tests' generated months.

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "moderation/moderation_types.h"
#include "store/store.h"

namespace vitrina::app {

// One decided complaints case as the product leaves it.
struct DecidedCaseSpec {
  store::Id moderator_id = 0;
  store::Id accused_id = 0;
  store::Id reporter_id = 0;
  store::Id call_id = 0;
  std::string category = "other";
  std::string action = "dismiss";
  std::string vertical = "goods";
  base::TimeMs assigned_at = 0;
  base::TimeMs decided_at = 0;
  bool sla_breached = false;
  bool appealed = false;    // the sanction (upheld cases only) was appealed ...
  bool overturned = false;  // ... and the appeal overturned it
  // A blind second review by this moderator, with their action.
  std::optional<store::Id> second_moderator_id;
  std::string second_action;
};

// Writes the case, its complaint, the decision, the sanction (warn, block, ban: block and ban
// already lapsed or lifted, so no real account changes state), the appeal when appealed, and the
// double review when given. Returns the case id.
base::Result<store::Id> InsertDecidedCase(store::Tx& tx, const moderation::ModerationOptions& options,
                                          const DecidedCaseSpec& spec);

struct QualityTeamStats {
  bool created = false;
  int moderators = 0;
  int decisions = 0;
  int honeypots = 0;       // templates
  int honeypot_cases = 0;  // served and decided
  int reviews = 0;
};

base::Result<QualityTeamStats> SeedQualityTeam(store::Store& store, const base::Clock& clock,
                                               const moderation::ModerationOptions& options);

}  // namespace vitrina::app
