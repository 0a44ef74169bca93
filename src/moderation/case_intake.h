#pragma once
// How work enters the moderation queue, shared by complaints (ModerationService) and the
// automatic flags of speech analytics: the accused's one undecided case, opened on first
// need, and its priority recomputed from everything undecided in it (docs/moderation.md
// "Priority", docs/analytics.md "Automatic cases"), and rows of the dishonest-user ranking a
// moderator opens a case from. Functions of one transaction; any thread.

#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "moderation/moderation_types.h"
#include "store/store.h"

namespace vitrina::moderation {

// The accused's undecided complaints case, or a new one routed by the call's listing
// vertical and the site's language (priority 3 until Reprioritise).
Result<store::Case> OpenOrJoinCase(store::Tx& tx, const ModerationOptions& options, store::Id accused,
                                   const store::Call& call, base::TimeMs now);

// The case's priority: the most urgent of its undecided complaints' categories and its
// automatic flags' severities (high 1, warn 2, info 3), raised by 3+ complainants and by a
// recent sanction; never lowered. Writes the case.
Result<void> Reprioritise(store::Tx& tx, const ModerationOptions& options, store::Case& c, base::TimeMs now);

// Puts an automatic flag (already stored) into its speaker's case: opens or joins it, adds
// the call, reprioritises and writes `case.flagged` on the audit log (actor: the system).
// Sets flag.case_id. Returns the case.
Result<store::Case> FileFlag(store::Tx& tx, const ModerationOptions& options, store::Flag& flag,
                             const store::Call& call, base::TimeMs now);

// Puts a row of the dishonest-user ranking a moderator acted on into the user's case, the way
// FileFlag does (docs/analytics.md "### Opening a case"): opens or joins item.user_id's
// undecided case on `anchor` (their most recent evidence call: routing by its listing's
// vertical), adds every call in `evidence_calls`, stores the item (sets item.id and
// item.case_id), reprioritises and writes `case.opened_from_detection` on the audit log (actor:
// item.opened_by). Returns the case and whether it was opened by this call. Conflict
// "detection_item_exists" when the undecided case already holds one (the caller checks first).
struct FiledDetection {
  store::Case c;
  bool case_opened = false;
};
Result<FiledDetection> FileDetection(store::Tx& tx, const ModerationOptions& options, store::DetectionCaseItem& item,
                                     const store::Call& anchor, const std::vector<store::Id>& evidence_calls,
                                     base::TimeMs now);

}  // namespace vitrina::moderation
