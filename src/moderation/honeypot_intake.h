#pragma once
// Honeypot test cases in moderators' queues (docs/quality.md "Honeypots"): when a moderator's
// next assignment falls on their block's drawn position, `next` hands them a fresh case made
// from a supervisor's honeypot instead of the queue's head. The case is built from real rows
// of invented people (users marked synthetic, an archived listing, an ended call with the
// honeypot's transcript, the complaints), so the API serves it like any other case: same
// fields, same id sequences. Decisions on it touch only those invented people, and the audit
// log says a test case was decided. Functions of one transaction; any thread.

#include <optional>
#include <string>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

// Whether the moderator's next assignment is a honeypot's turn: one position in each block of
// options.honeypot_rate assignments (their decisions plus the cases they hold), drawn from
// the seed, the moderator and the block.
Result<bool> HoneypotTurn(store::Tx& tx, const ModerationOptions& options, store::Id moderator_id);

// Builds a case from a honeypot the moderator may take and has never had (its open time a
// little before `now`, as if it had waited in the queue) and records it as that moderator's
// honeypot case. The caller assigns it. nullopt when no honeypot fits.
Result<std::optional<store::Case>> ServeHoneypot(store::Tx& tx, const ModerationOptions& options,
                                                 const store::CaseEligibility& who, base::TimeMs now);

// Records the decision on a honeypot case (action, whether it is the expected one or an
// acceptable one). Returns the honeypot case, nullopt when the case is a real one.
Result<std::optional<store::HoneypotCase>> RecordHoneypotDecision(store::Tx& tx, store::Id case_id,
                                                                  const std::string& action, base::TimeMs now);

}  // namespace vitrina::moderation
