#pragma once
// Speech analytics as a service (docs/analytics.md): the `analytics.analyze` job that analyses
// each stored transcript version and files the rules' hits (flags; automatic cases), the
// `analytics.backfill` job that re-evaluates a date range after the rules change, the admins'
// phrase rules, the preview of a text, a call's analytics for moderators and (masked)
// analysts, and the moderators' verdicts on flags. Thread-safe: request and job workers.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "analytics/rules.h"
#include "analytics/tone.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "jobs/worker_pool.h"
#include "moderation/moderation_service.h"
#include "speech_analytics/analyst_service.h"
#include "speech_analytics/call_analysis.h"
#include "store/store.h"

namespace vitrina::speech_analytics {

using base::Result;

inline constexpr char kBackfillJob[] = "analytics.backfill";

struct AnalyticsOptions {
  AnalysisOptions analysis;
  int backfill_page = 200;  // calls per store read of the backfill
};

// A rule as an admin sends it; absent fields keep their value on PATCH (and take the
// defaults on create: language any, speaker any, severity warn, action tag, enabled, not live).
struct RuleInput {
  std::optional<std::string> category;
  std::optional<std::string> language;
  std::optional<std::string> speaker;
  std::optional<std::string> expression;
  std::optional<std::string> severity;
  std::optional<std::string> action;
  std::optional<bool> enabled;
  std::optional<bool> live;
};

struct PreviewHit {
  std::int64_t rule_id = 0;
  std::string category;
  std::string severity;
  std::size_t start = 0;  // character offsets in the text
  std::size_t end = 0;
};

struct Preview {
  analytics::ToneScore tone;
  std::vector<PreviewHit> hits;
  std::string masked;
};

class AnalyticsService {
 public:
  // `pseudonyms` (may be null: none shown) names the parties in analysts' views.
  AnalyticsService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                   moderation::ModerationOptions moderation, AnalyticsOptions options,
                   const Pseudonymizer* pseudonyms = nullptr);

  // At start-up: stores the rule set shipped with the product if there are no rules yet.
  // Returns how many were added.
  Result<int> SeedDefaultRules();

  // The analytics.analyze job ({call_id, version}). Idempotent: a re-run replaces the call's
  // analytics and adds no flag twice. A version that is no longer current is skipped.
  Result<void> Analyze(const store::Job& job, jobs::JobContext& ctx);
  // Analyses the call's current transcript now (the job's and the backfill's work).
  // NotFound when the call has no transcript.
  Result<void> AnalyzeCall(store::Id call_id, std::optional<std::int64_t> version = std::nullopt);
  // The analytics.backfill job ({from, to} ms): every call with a transcript that started in
  // the range, with progress "n/total".
  Result<void> Backfill(const store::Job& job, jobs::JobContext& ctx);
  // Queues a backfill (one at a time: 409 backfill_running). Audited.
  Result<store::Id> StartBackfill(const store::User& admin, base::TimeMs from, base::TimeMs to);

  // The call's analytics: moderators see the words, analysts the masked words and the parties
  // as pseudonyms ({buyer: {pseudonym}, seller: {pseudonym}}; no user id, name or case id);
  // both reads are audited. 404 call_not_found, 409 not_ready until computed.
  Result<boost::json::object> CallAnalytics(const store::User& viewer, store::Id call_id);

  Result<std::vector<store::AnalyticsRule>> Rules();
  // 400 bad_rule (naming the field or the expression's position); audited.
  Result<store::AnalyticsRule> CreateRule(const store::User& admin, const RuleInput& in);
  Result<store::AnalyticsRule> UpdateRule(const store::User& admin, store::Id id, const RuleInput& in);
  // 404 rule_not_found (the route's guard: before the body is read).
  Result<void> CheckRuleExists(store::Id id);

  // Tone, rule hits and the masked text of `text` (as a transcript segment in `language`).
  Result<Preview> PreviewText(const std::string& text, const std::string& language);

  // A moderator's verdict on a flag: correct | wrong. 404 flag_not_found, 403
  // conflict_of_interest (a party of the call), 400 invalid_verdict. Audited.
  Result<store::Flag> ReviewFlag(const store::User& moderator, store::Id flag_id, const std::string& verdict);
  // Whether `moderator` may judge the flag: 404 flag_not_found, 403 conflict_of_interest (the
  // route's guard: before the body is read; ReviewFlag checks it again).
  Result<void> CheckMayReview(const store::User& moderator, store::Id flag_id);

  // Live warnings (issue 16, docs/live.md). The compiled live rules: enabled ones with `live`
  // on, rebuilt when the stored rules change.
  Result<std::shared_ptr<const analytics::RuleMatcher>> LiveMatcher();
  // Whether `user` is the party a live flag's warning went to (the route's guard, before the
  // body is read): 404 warning_not_found (no such live flag on this call), 403 not_warned (the
  // one who said it is never told).
  Result<void> CheckWarned(const store::User& user, store::Id call_id, store::Id flag_id);
  // Their answer to the warning: understood | not_scam (400 invalid_answer); the first answer
  // stays (409 already_answered). "not_scam" counts against the rule's precision
  // (rules list: live_warnings, live_not_scam).
  Result<void> AnswerWarning(const store::User& user, store::Id call_id, store::Id flag_id,
                             const std::string& answer);

 private:
  // The compiled enabled rules, rebuilt when the stored rules change.
  Result<std::shared_ptr<const analytics::RuleMatcher>> Matcher(bool live_only = false);
  void Invalidate();
  // The warned party of a live flag of `call_id`, checked in `tx`.
  static Result<store::Flag> WarnedFlag(store::Tx& tx, const store::User& user, store::Id call_id,
                                        store::Id flag_id);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  moderation::ModerationOptions moderation_;
  AnalyticsOptions options_;
  const Pseudonymizer* pseudonyms_;

  std::mutex mu_;
  std::shared_ptr<const analytics::RuleMatcher> matcher_;
  std::optional<std::pair<store::Id, base::TimeMs>> matcher_stamp_;
  std::shared_ptr<const analytics::RuleMatcher> live_matcher_;
  std::optional<std::pair<store::Id, base::TimeMs>> live_matcher_stamp_;
};

// Converts a stored rule for the matcher (unknown severities/actions take the defaults).
analytics::Rule ToMatcherRule(const store::AnalyticsRule& r);

}  // namespace vitrina::speech_analytics
