#pragma once
// A generated month of marketplace life for `vitrina demo-seed` (issue 13): 40 users, ~60
// listings and ~300 calls over the last 30 days (UTC: today and the 29 days before, up to two
// hours ago, so the default 30-day retention keeps them all) with their transcripts, ratings,
// complaints, moderators' decisions and appeals — so that right after `make run` the analysts'
// dashboards, call explorer and dishonest-user ranking, the moderators' queue and the sellers'
// service level have something to show.
//
// Everything is written the way the product writes it: users, listings, ratings, complaints,
// decisions and appeals through their services (each on a ManualClock set to the moment it
// happened), calls and chat messages through the repositories as the call and chat services
// leave them, transcripts as the transcription job stores them, with the `analytics.analyze`
// job queued in the same transaction — so the running server's job workers compute metrics,
// tone and flags, and open automatic cases, exactly as for a real call. Generated calls have
// no recording files: their recording status is `none` (the UI says there is no recording and
// offers no player), their transcript status `ready`.
//
// Deterministic: a fixed-seed generator (its own, not the standard library's distributions),
// anchored at the start of the current UTC day of `real_clock` (only the calls of today depend
// on the hour). Runs once: if the marker user (kMarkerEmail) exists, nothing is done; a run
// that fails half-way leaves what it wrote and is not repeated. Call it after SeedDemo: the
// decisions are moderator@demo.test's, the appeals moderator2@demo.test's (without them there
// are complaints but no decisions). Call from one thread; the store may be in use meanwhile.

#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "moderation/moderation_service.h"
#include "store/store.h"

namespace vitrina::app {

// The first generated user; its existence means the history was generated before.
inline constexpr std::string_view kMarkerEmail = "demo-history-0@demo.test";

struct DemoHistoryOptions {
  // As the server runs moderation (SLA per priority, appeal window, the cases' language): the
  // generated cases are opened, routed and decided under the same rules.
  moderation::ModerationOptions moderation;
};

struct DemoHistoryStats {
  bool created = false;  // false: an earlier run generated it; nothing was done
  int users = 0;
  int listings = 0;
  int calls = 0;
  int ended = 0;
  int missed = 0;    // of which no_shows had someone not come (buyer, seller or both)
  int no_shows = 0;
  int failed = 0;
  int declined = 0;
  int days = 0;      // distinct UTC days with calls
  int transcripts = 0;
  int analyze_jobs = 0;  // analytics.analyze jobs queued (one per transcript)
  int ratings = 0;
  int complaints = 0;
  int cases = 0;      // distinct cases the complaints went to
  int decisions = 0;  // complaints cases and appeals decided
  int appeals = 0;
  int active_days = 0;  // seller_active_days rows recorded
};

base::Result<DemoHistoryStats> SeedDemoHistory(store::Store& store, const base::Clock& real_clock,
                                               const DemoHistoryOptions& options = {});

}  // namespace vitrina::app
