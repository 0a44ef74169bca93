#include "speech_analytics/analytics_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "accounts/roles.h"
#include "analytics/default_rules.h"
#include "analytics/masking.h"
#include "base/log.h"
#include "moderation/case_intake.h"

namespace vitrina::speech_analytics {
namespace {

namespace json = boost::json;
using store::Id;

bool IsModerator(const store::User& u) { return accounts::HasRole(u, accounts::Role::kModerator); }
bool IsAnalyst(const store::User& u) { return accounts::HasRole(u, accounts::Role::kAnalyst); }

std::int64_t CallLengthMs(const store::Call& c) {
  if (c.recording_duration_ms && *c.recording_duration_ms > 0) return *c.recording_duration_ms;
  if (c.started_at && c.ended_at) return std::max<std::int64_t>(0, *c.ended_at - *c.started_at);
  return 0;
}

Result<std::string> OneOf(const std::string& value, std::initializer_list<std::string_view> allowed,
                          const char* field) {
  for (auto a : allowed) {
    if (value == a) return value;
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return base::InvalidArgument("bad_rule", std::string(field) + " must be one of " + list);
}

json::object RuleAudit(const store::AnalyticsRule& r) {
  return {{"category", r.category}, {"language", r.language}, {"speaker", r.speaker},
          {"expression", r.expression}, {"severity", r.severity}, {"action", r.action},
          {"enabled", r.enabled}, {"live", r.live}};
}

// Fills `rule` from `in` and checks the whole rule (the expression parses).
Result<void> Apply(const RuleInput& in, store::AnalyticsRule& rule) {
  if (in.category) rule.category = *in.category;
  if (in.language) rule.language = TRY(OneOf(*in.language, {"ru", "en", "any"}, "language"));
  if (in.speaker) rule.speaker = TRY(OneOf(*in.speaker, {"buyer", "seller", "any"}, "speaker"));
  if (in.severity) rule.severity = TRY(OneOf(*in.severity, {"info", "warn", "high"}, "severity"));
  if (in.action) rule.action = TRY(OneOf(*in.action, {"tag", "case"}, "action"));
  if (in.expression) rule.expression = *in.expression;
  if (in.enabled) rule.enabled = *in.enabled;
  if (in.live) rule.live = *in.live;
  TRY(analytics::ValidateRule(ToMatcherRule(rule)));
  return {};
}

}  // namespace

analytics::Rule ToMatcherRule(const store::AnalyticsRule& r) {
  analytics::Rule out;
  out.id = r.id;
  out.category = r.category;
  out.language = r.language;
  out.speaker = r.speaker;
  out.expression = r.expression;
  out.severity = analytics::ParseSeverity(r.severity).value_or(analytics::Severity::kWarn);
  out.action = analytics::ParseRuleAction(r.action).value_or(analytics::RuleAction::kTag);
  out.enabled = r.enabled;
  out.live = r.live;
  return out;
}

AnalyticsService::AnalyticsService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                                   moderation::ModerationOptions moderation, AnalyticsOptions options,
                                   const Pseudonymizer* pseudonyms)
    : store_(store), clock_(clock), metrics_(metrics), moderation_(std::move(moderation)),
      options_(std::move(options)), pseudonyms_(pseudonyms) {
  metrics_.Describe("vitrina_analytics_flags_total", "counter",
                    "Phrase-rule hits stored as flags, by category and source (analysis or live).");
  metrics_.Describe("vitrina_analytics_seconds", "histogram",
                    "CPU-bound time to analyse one transcript version (metrics, tone, rules).");
  metrics_.Describe("vitrina_analytics_calls_total", "counter", "Transcript versions analysed, by outcome.");
  metrics_.Describe("vitrina_analytics_backfill_calls_total", "counter", "Calls re-evaluated by backfill jobs.");
  metrics_.Describe("vitrina_analytics_backfill_remaining", "gauge", "Calls left in the running backfill.");
}

Result<int> AnalyticsService::SeedDefaultRules() {
  const auto now = clock_.NowMs();
  const int added = TRY(store_.Write([&](store::Tx& tx) -> Result<int> {
    if (!TRY(tx.analytics().ListRules()).empty()) return 0;
    int n = 0;
    for (const auto& d : analytics::DefaultRules()) {
      store::AnalyticsRule r;
      r.category = d.category;
      r.language = d.language;
      r.speaker = d.speaker;
      r.expression = d.expression;
      r.severity = std::string(analytics::SeverityName(d.severity));
      r.action = std::string(analytics::RuleActionName(d.action));
      r.enabled = d.enabled;
      r.live = d.live;
      r.builtin = true;
      r.created_at = now;
      r.updated_at = now;
      TRY(tx.analytics().InsertRule(r));
      ++n;
    }
    return n;
  }));
  if (added > 0) base::log::Info("analytics_rules_seeded", {{"rules", added}});
  Invalidate();
  return added;
}

void AnalyticsService::Invalidate() {
  std::lock_guard lock(mu_);
  matcher_.reset();
  matcher_stamp_.reset();
  live_matcher_.reset();
  live_matcher_stamp_.reset();
}

Result<std::shared_ptr<const analytics::RuleMatcher>> AnalyticsService::Matcher(bool live_only) {
  // The stamp changes with every insert and update, also by another process.
  const auto stamp = TRY(store_.Read([](store::Tx& tx) { return tx.analytics().RulesStamp(); }));
  auto& cached = live_only ? live_matcher_ : matcher_;
  auto& cached_stamp = live_only ? live_matcher_stamp_ : matcher_stamp_;
  {
    std::lock_guard lock(mu_);
    if (cached && cached_stamp == stamp) return cached;
  }
  const auto stored = TRY(store_.Read([](store::Tx& tx) { return tx.analytics().ListRules(); }));
  std::vector<analytics::Rule> rules;
  for (const auto& r : stored) {
    if (live_only && !r.live) continue;
    auto rule = ToMatcherRule(r);
    if (auto ok = analytics::ValidateRule(rule); !ok) {
      base::log::Warn("analytics_rule_skipped", {{"rule_id", r.id}, {"error", ok.error().message}});
      continue;
    }
    rules.push_back(std::move(rule));
  }
  auto built = std::make_shared<const analytics::RuleMatcher>(TRY(analytics::RuleMatcher::Build(std::move(rules))));
  std::lock_guard lock(mu_);
  cached = built;
  cached_stamp = stamp;
  return built;
}

Result<std::shared_ptr<const analytics::RuleMatcher>> AnalyticsService::LiveMatcher() {
  return Matcher(/*live_only=*/true);
}

Result<store::Flag> AnalyticsService::WarnedFlag(store::Tx& tx, const store::User& user, Id call_id,
                                                 Id flag_id) {
  auto f = TRY(tx.analytics().FindFlag(flag_id));
  // Only high-severity live hits warn anyone (docs/live.md).
  if (!f || !f->live || f->severity != "high" || f->call_id != call_id) {
    return base::NotFound("warning_not_found", "No such live warning in this call");
  }
  auto call = TRY(tx.calls().FindById(call_id));
  const bool party = call && (call->buyer_id == user.id || call->seller_id == user.id);
  if (!party) return base::NotFound("warning_not_found", "No such live warning in this call");
  if (f->accused_id == user.id) {
    return base::PermissionDenied("not_warned", "This warning was shown to the other party");
  }
  return *f;
}

Result<void> AnalyticsService::CheckWarned(const store::User& user, Id call_id, Id flag_id) {
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    TRY(WarnedFlag(tx, user, call_id, flag_id));
    return {};
  });
}

Result<void> AnalyticsService::AnswerWarning(const store::User& user, Id call_id, Id flag_id,
                                             const std::string& answer) {
  const auto now = clock_.NowMs();
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    TRY(WarnedFlag(tx, user, call_id, flag_id));
    if (answer != "understood" && answer != "not_scam") {
      return base::InvalidArgument("invalid_answer", "answer must be understood or not_scam");
    }
    if (!TRY(tx.analytics().SetPartyFeedback(flag_id, answer, now))) {
      return base::Conflict("already_answered", "This warning has been answered");
    }
    return {};
  }));
  metrics_.Add("vitrina_live_warning_answers_total", {{"answer", answer}});
  base::log::Info("live_warning_answered", {{"call_id", call_id}, {"flag_id", flag_id}, {"answer", answer}});
  return {};
}

Result<void> AnalyticsService::Analyze(const store::Job& job, jobs::JobContext&) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  if (ec || !payload.is_object() || !payload.as_object().contains("call_id")) {
    return base::InvalidArgument("bad_payload", "analytics.analyze needs {call_id, version}");
  }
  const auto& o = payload.as_object();
  const Id call_id = o.at("call_id").to_number<Id>();
  std::optional<std::int64_t> version;
  if (o.contains("version")) version = o.at("version").to_number<std::int64_t>();
  auto done = AnalyzeCall(call_id, version);
  if (!done && done.error().kind == base::ErrorKind::kNotFound) {
    // Retention took the call or its transcript: nothing left to analyse.
    base::log::Info("analytics_skipped", {{"call_id", call_id}, {"reason", done.error().message}});
    return {};
  }
  return done;
}

Result<void> AnalyticsService::AnalyzeCall(Id call_id, std::optional<std::int64_t> version) {
  // (Not a structured binding: the write transaction's lambda below captures these.)
  auto loaded = TRY(store_.Read([&](store::Tx& tx) -> Result<std::pair<store::Call, store::Transcript>> {
    auto c = TRY(tx.calls().FindById(call_id));
    if (!c) return base::NotFound("call_not_found", "No such call");
    auto t = TRY(tx.transcripts().Current(call_id));
    if (!t) return base::NotFound("transcript_not_found", "The call has no transcript");
    return std::make_pair(std::move(*c), std::move(*t));
  }));
  const store::Call& call = loaded.first;
  const store::Transcript& transcript = loaded.second;
  if (version && *version != transcript.version) {
    // An older version's job: the current one has (or will have) its own.
    metrics_.Add("vitrina_analytics_calls_total", {{"outcome", "superseded"}});
    return {};
  }
  auto matcher = TRY(Matcher());
  const auto started = std::chrono::steady_clock::now();
  const auto analysis = AnalyzeTranscript(transcript, CallLengthMs(call), *matcher, options_.analysis);
  const auto result = AnalysisJson(analysis, call_id, transcript.version);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const auto now = clock_.NowMs();
  std::map<std::string, int> new_flags;
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    store::CallAnalytics row;
    row.call_id = call_id;
    row.transcript_version = transcript.version;
    row.duration_ms = analysis.metrics.duration_ms;
    row.talk_ratio_seller = analysis.metrics.seller.talk_ratio;
    row.tone_buyer = std::string(analytics::ToneName(analysis.tone.buyer.label));
    row.tone_seller = std::string(analytics::ToneName(analysis.tone.seller.label));
    row.result = json::serialize(result);
    row.computed_at = now;
    TRY(tx.analytics().PutCallAnalytics(row));

    store::FlagFilter of_call;
    of_call.call_id = call_id;
    of_call.limit = 100000;
    const auto existing = TRY(tx.analytics().ListFlags(of_call));
    std::vector<Id> keep;
    for (const auto& p : analysis.hits) {
      // A hit an earlier version already raised and a moderator has seen (in a case or
      // reviewed) stays that flag: the same words are not filed twice.
      const store::Flag* earlier = nullptr;
      for (const auto& f : existing) {
        if (!f.live && f.rule_id == p.hit.rule_id && f.transcript_version != transcript.version &&
            (f.case_id || f.review) && f.start_ms < p.end_ms && p.start_ms < f.end_ms) {
          earlier = &f;
        }
      }
      if (earlier) {
        keep.push_back(earlier->id);
        continue;
      }
      store::Flag f;
      f.call_id = call_id;
      f.transcript_version = transcript.version;
      f.rule_id = p.hit.rule_id;
      f.category = p.hit.category;
      f.severity = std::string(analytics::SeverityName(p.hit.severity));
      f.speaker = std::string(analytics::RoleName(p.role));
      f.accused_id = p.role == analytics::Role::kBuyer ? call.buyer_id : call.seller_id;
      f.segment_id = p.segment_id;
      f.start_ms = p.start_ms;
      f.end_ms = p.end_ms;
      f.text = p.text;
      f.created_at = now;
      auto [stored, inserted] = TRY(tx.analytics().InsertFlag(f));
      keep.push_back(stored.id);
      if (inserted) ++new_flags[stored.category];
      if (p.hit.action == analytics::RuleAction::kCase && !stored.case_id) {
        TRY(moderation::FileFlag(tx, moderation_, stored, call, now));
      }
    }
    TRY(tx.analytics().DeleteStaleFlags(call_id, keep));
    return {};
  }));
  metrics_.Observe("vitrina_analytics_seconds", {}, seconds);
  metrics_.Add("vitrina_analytics_calls_total", {{"outcome", "analysed"}});
  for (const auto& [category, n] : new_flags) {
    metrics_.Add("vitrina_analytics_flags_total", {{"category", category}, {"source", "analysis"}}, n);
  }
  base::log::Info("call_analysed", {{"call_id", call_id},
                                    {"version", transcript.version},
                                    {"segments", static_cast<std::int64_t>(transcript.segments.size())},
                                    {"hits", static_cast<std::int64_t>(analysis.hits.size())},
                                    {"ms", static_cast<std::int64_t>(seconds * 1000)}});
  return {};
}

Result<void> AnalyticsService::Backfill(const store::Job& job, jobs::JobContext& ctx) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  if (ec || !payload.is_object()) return base::InvalidArgument("bad_payload", "analytics.backfill needs {from, to}");
  const auto& o = payload.as_object();
  const base::TimeMs from = o.contains("from") ? o.at("from").to_number<std::int64_t>() : 0;
  const base::TimeMs to = o.contains("to") ? o.at("to").to_number<std::int64_t>() : clock_.NowMs();
  // The range is listed first (ids only), so progress has a total.
  std::vector<Id> calls;
  for (Id after = 0;;) {
    auto page = TRY(store_.Read([&](store::Tx& tx) {
      return tx.analytics().CallsWithTranscript(from, to, after, options_.backfill_page);
    }));
    if (page.empty()) break;
    after = page.back();
    calls.insert(calls.end(), page.begin(), page.end());
  }
  std::size_t done = 0;
  for (const Id call_id : calls) {
    if (ctx.Stopping()) return base::Fail(base::ErrorKind::kUnavailable, "stopping", "worker pool stopping");
    if (auto r = AnalyzeCall(call_id); !r && r.error().kind != base::ErrorKind::kNotFound) return r;
    ++done;
    metrics_.Add("vitrina_analytics_backfill_calls_total", {});
    if (done % 50 == 0 || done == calls.size()) {
      ctx.Progress(std::to_string(done) + "/" + std::to_string(calls.size()) + " calls");
      metrics_.Set("vitrina_analytics_backfill_remaining", {}, static_cast<double>(calls.size() - done));
    }
  }
  metrics_.Set("vitrina_analytics_backfill_remaining", {}, 0);
  base::log::Info("analytics_backfill_done", {{"calls", static_cast<std::int64_t>(done)}});
  return {};
}

Result<Id> AnalyticsService::StartBackfill(const store::User& admin, base::TimeMs from, base::TimeMs to) {
  if (to < from) return base::InvalidArgument("invalid_range", "from must not be after to");
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<Id> {
    store::NewJob job;
    job.kind = kBackfillJob;
    job.payload = json::serialize(json::object{{"from", from}, {"to", to}});
    job.dedupe_key = "analytics-backfill";
    job.max_attempts = 3;
    job.run_after = now;
    auto id = TRY(tx.jobs().Insert(job, now));
    if (!id) return base::Conflict("backfill_running", "A backfill is already queued or running");
    TRY(tx.audit().Append({admin.id, "analytics.backfill_started", "job", std::to_string(*id),
                           json::serialize(json::object{{"from", from}, {"to", to}}), "[]"},
                          now));
    return *id;
  });
}

Result<json::object> AnalyticsService::CallAnalytics(const store::User& viewer, Id call_id) {
  const bool moderator = IsModerator(viewer);
  if (!moderator && !IsAnalyst(viewer)) {
    return base::PermissionDenied("forbidden", "Call analytics are for moderators and analysts");
  }
  Id buyer = 0, seller = 0;
  auto [row, flags] = TRY(store_.Write([&](store::Tx& tx) -> Result<std::pair<store::CallAnalytics, std::vector<store::Flag>>> {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call) return base::NotFound("call_not_found", "No such call");
    buyer = call->buyer_id;
    seller = call->seller_id;
    auto a = TRY(tx.analytics().FindCallAnalytics(call_id));
    if (!a) return base::Conflict("not_ready", "This call's analytics are not computed yet");
    store::FlagFilter f;
    f.call_id = call_id;
    auto flags = TRY(tx.analytics().ListFlags(f));
    TRY(tx.audit().Append({viewer.id, "analytics.accessed", "call", std::to_string(call_id),
                           json::serialize(json::object{{"version", a->transcript_version},
                                                        {"masked", !moderator}}),
                           "[]"},
                          clock_.NowMs()));
    return std::make_pair(std::move(*a), std::move(flags));
  }));
  boost::system::error_code ec;
  auto parsed = json::parse(row.result, ec);
  if (ec || !parsed.is_object()) return base::Internal("stored analytics do not parse");
  auto out = std::move(parsed.as_object());
  json::array flag_items;
  for (const auto& f : flags) {
    flag_items.push_back(json::object{
        {"id", std::to_string(f.id)},
        {"rule_id", std::to_string(f.rule_id)},
        {"category", f.category},
        {"severity", f.severity},
        {"speaker", f.speaker},
        {"start_ms", f.start_ms},
        {"end_ms", f.end_ms},
        {"text", moderator ? f.text : analytics::Mask(f.text)},
        {"live", f.live},
        {"case_id", f.case_id && moderator ? json::value(std::to_string(*f.case_id)) : json::value(nullptr)},
        {"review", f.review ? json::value(*f.review) : json::value(nullptr)}});
  }
  out["flags"] = std::move(flag_items);
  if (!moderator) {
    for (auto& u : out["utterances"].as_array()) {
      auto& text = u.as_object()["text"];
      text = analytics::Mask(text.as_string());
    }
    out["masked"] = true;
    if (pseudonyms_) {
      out["buyer"] = json::object{{"pseudonym", pseudonyms_->Of(buyer)}};
      out["seller"] = json::object{{"pseudonym", pseudonyms_->Of(seller)}};
    }
  } else {
    out["masked"] = false;
    out["buyer"] = json::object{{"id", std::to_string(buyer)}};
    out["seller"] = json::object{{"id", std::to_string(seller)}};
  }
  return out;
}

Result<std::vector<store::AnalyticsRule>> AnalyticsService::Rules() {
  return store_.Read([](store::Tx& tx) { return tx.analytics().ListRules(); });
}

Result<store::AnalyticsRule> AnalyticsService::CreateRule(const store::User& admin, const RuleInput& in) {
  if (!in.category) return base::InvalidArgument("bad_rule", "category is required");
  if (!in.expression) return base::InvalidArgument("bad_rule", "expression is required");
  store::AnalyticsRule rule;
  TRY(Apply(in, rule));
  const auto now = clock_.NowMs();
  rule.created_at = now;
  rule.updated_at = now;
  auto stored = TRY(store_.Write([&](store::Tx& tx) -> Result<store::AnalyticsRule> {
    auto r = TRY(tx.analytics().InsertRule(rule));
    TRY(tx.audit().Append({admin.id, "rule.created", "rule", std::to_string(r.id),
                           json::serialize(RuleAudit(r)), "[]"},
                          now));
    return r;
  }));
  Invalidate();
  return stored;
}

Result<store::AnalyticsRule> AnalyticsService::UpdateRule(const store::User& admin, Id id, const RuleInput& in) {
  const auto now = clock_.NowMs();
  auto stored = TRY(store_.Write([&](store::Tx& tx) -> Result<store::AnalyticsRule> {
    auto r = TRY(tx.analytics().FindRule(id));
    if (!r) return base::NotFound("rule_not_found", "No such rule");
    const auto before = RuleAudit(*r);
    TRY(Apply(in, *r));
    r->updated_at = std::max(now, r->updated_at + 1);  // the matcher's stamp must move
    TRY(tx.analytics().UpdateRule(*r));
    TRY(tx.audit().Append({admin.id, "rule.updated", "rule", std::to_string(r->id),
                           json::serialize(json::object{{"before", before}, {"after", RuleAudit(*r)}}), "[]"},
                          now));
    return *r;
  }));
  Invalidate();
  return stored;
}

Result<void> AnalyticsService::CheckRuleExists(Id id) {
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    if (!TRY(tx.analytics().FindRule(id))) return base::NotFound("rule_not_found", "No such rule");
    return {};
  });
}

Result<void> AnalyticsService::CheckMayReview(const store::User& moderator, Id flag_id) {
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    auto f = TRY(tx.analytics().FindFlag(flag_id));
    if (!f) return base::NotFound("flag_not_found", "No such flag");
    auto call = TRY(tx.calls().FindById(f->call_id));
    if (call && (call->buyer_id == moderator.id || call->seller_id == moderator.id)) {
      return base::PermissionDenied("conflict_of_interest", "You took part in this call");
    }
    return {};
  });
}

Result<Preview> AnalyticsService::PreviewText(const std::string& text, const std::string& language) {
  if (text.empty()) return base::InvalidArgument("invalid_text", "text is required");
  if (text.size() > 10'000) return base::InvalidArgument("invalid_text", "text is longer than 10000 bytes");
  if (language != "ru" && language != "en") return base::InvalidArgument("invalid_language", "language must be ru or en");
  auto matcher = TRY(Matcher());
  Preview out;
  out.tone = analytics::ScoreTone(text, language);
  // As a segment of either side: a rule restricted to one speaker shows too.
  std::set<std::pair<Id, std::size_t>> seen;
  for (auto role : {analytics::Role::kBuyer, analytics::Role::kSeller}) {
    for (const auto& h : matcher->Match(text, language, role)) {
      if (!seen.insert({h.rule_id, h.begin}).second) continue;
      out.hits.push_back({h.rule_id, h.category, std::string(analytics::SeverityName(h.severity)),
                          analytics::ByteToCharOffset(text, h.begin), analytics::ByteToCharOffset(text, h.end)});
    }
  }
  std::sort(out.hits.begin(), out.hits.end(), [](const PreviewHit& a, const PreviewHit& b) {
    return std::tie(a.start, a.rule_id) < std::tie(b.start, b.rule_id);
  });
  out.masked = analytics::Mask(text);
  return out;
}

Result<store::Flag> AnalyticsService::ReviewFlag(const store::User& moderator, Id flag_id, const std::string& verdict) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::Flag> {
    auto f = TRY(tx.analytics().FindFlag(flag_id));
    if (!f) return base::NotFound("flag_not_found", "No such flag");
    auto call = TRY(tx.calls().FindById(f->call_id));
    if (call && (call->buyer_id == moderator.id || call->seller_id == moderator.id)) {
      return base::PermissionDenied("conflict_of_interest", "You took part in this call");
    }
    if (verdict != "correct" && verdict != "wrong") {
      return base::InvalidArgument("invalid_verdict", "verdict must be correct or wrong");
    }
    TRY(tx.analytics().ReviewFlag(flag_id, verdict, moderator.id, now));
    TRY(tx.audit().Append({moderator.id, "flag.reviewed", "flag", std::to_string(flag_id),
                           json::serialize(json::object{{"verdict", verdict},
                                                        {"before", f->review ? json::value(*f->review) : json::value(nullptr)},
                                                        {"rule_id", std::to_string(f->rule_id)},
                                                        {"call_id", std::to_string(f->call_id)}}),
                           "[]"},
                          now));
    f->review = verdict;
    f->reviewed_by = moderator.id;
    f->reviewed_at = now;
    // A flag found wrong no longer raises its case's priority (it is never lowered, though).
    return *f;
  });
}

}  // namespace vitrina::speech_analytics
