#include "moderation/decision_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/log.h"
#include "calls/call_service.h"
#include "moderation/honeypot_intake.h"
#include "moderation/review_service.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

namespace {

// Sets the user's account state from their sanctions in force.
Result<void> ApplyAccountState(store::Tx& tx, Id user_id, TimeMs now) {
  bool blocked = false;
  std::optional<TimeMs> until;
  bool forever = false;
  for (const auto& s : TRY(tx.sanctions().Sanctions(user_id))) {
    if (!InForce(s, now)) continue;
    blocked = true;
    if (s.kind == "ban") forever = true;
    else if (!until || *s.ends_at > *until) until = s.ends_at;
  }
  if (!blocked) return tx.users().SetStatus(user_id, "active", std::nullopt, now);
  return tx.users().SetStatus(user_id, "blocked", forever ? std::nullopt : until, now);
}

}  // namespace

Result<void> DecisionService::CheckMayDecide(const store::User& moderator, Id case_id) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    TRY(LoadDecidable(tx, moderator, case_id, now));
    return {};
  });
}

// ---------------------------------------------------------------- decisions

Result<DecisionOutcome> DecisionService::Decide(const store::User& moderator, Id case_id,
                                                  const DecisionInput& in) {
  const auto now = clock_.NowMs();
  auto out = TRY(store_.Write([&](store::Tx& tx) -> Result<DecisionOutcome> {
    auto c = TRY(LoadDecidable(tx, moderator, case_id, now));
    return c.kind == "appeal" ? DecideAppeal(tx, c, moderator, in, now) : DecideComplaints(tx, c, moderator, in, now);
  }));
  metrics_.Add("vitrina_moderation_decisions_total", {{"action", out.decision.action}});
  base::log::Info("case_decided", {{"case_id", case_id}, {"action", out.decision.action}, {"moderator_id", moderator.id}});
  if (out.sanction && (out.sanction->kind == "block" || out.sanction->kind == "ban")) {
    // After the commit: the accused's calls end now (the media server is told outside the tx).
    calls_.EndCallsOf(out.view.c.accused_id, "user_blocked");
  }
  return out;
}

Result<DecisionOutcome> DecisionService::DecideComplaints(store::Tx& tx, store::Case& c, const store::User& moderator,
                                                            const DecisionInput& in, TimeMs now) {
  const auto& a = in.action;
  if (a != "dismiss" && a != "warn" && a != "block" && a != "ban") {
    return base::InvalidArgument("invalid_action", "action must be dismiss, warn, block or ban");
  }
  if (a == "block" && (!in.days || *in.days < 1 || *in.days > kMaxBlockDays)) {
    return base::InvalidArgument("invalid_days", "block needs days from 1 to 3650");
  }
  if (a != "block" && in.days) return base::InvalidArgument("invalid_days", "days applies to block only");
  const auto reason = TRY(Text(in.reason, kMaxReason, "invalid_reason", "reason"));
  if (in.reward && a == "dismiss") return base::InvalidArgument("invalid_reward", "A dismissed case pays no reward");
  if (in.reward && (*in.reward < 1 || *in.reward > options_.max_reward)) {
    return base::InvalidArgument("invalid_reward", "reward amount must be 1 to " + std::to_string(options_.max_reward));
  }
  if (in.evidence.size() > kMaxEvidence) {
    return base::InvalidArgument("invalid_evidence", "At most 20 evidence ranges");
  }
  json::array evidence;
  std::vector<Id> cited;
  for (const auto& [call_id, range] : in.evidence) {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call || !IsParty(*call, c.accused_id)) {
      return base::InvalidArgument("invalid_evidence", "Call " + std::to_string(call_id) + " is not a call of the accused");
    }
    TRY(CheckRanges({range}, CallLength(*call, now), 1, "invalid_evidence"));
    evidence.push_back(json::object{{"call_id", std::to_string(call_id)}, {"from_ms", range.from_ms}, {"to_ms", range.to_ms}});
    if (std::find(cited.begin(), cited.end(), call_id) == cited.end()) cited.push_back(call_id);
  }

  DecisionOutcome out;
  store::Decision d;
  d.case_id = c.id;
  d.moderator_id = moderator.id;
  d.action = a;
  d.days = in.days;
  d.reason = reason;
  d.evidence = json::serialize(evidence);
  d.cited_calls = cited;
  d.created_at = now;
  d = TRY(tx.sanctions().InsertDecision(d));
  out.decision = d;

  std::vector<store::Complaint> decided;
  for (auto& k : TRY(tx.complaints().ListComplaints(Complaints().Case(c.id).Limit(10000)))) {
    if (k.status == "open" || k.status == "in_review") decided.push_back(std::move(k));
  }
  const bool upheld = a != "dismiss";
  TRY(tx.complaints().SetComplaintStatus(c.id, {"open", "in_review"}, upheld ? "upheld" : "dismissed", now));

  json::array categories;
  for (const auto& k : decided) {
    if (std::find(categories.begin(), categories.end(), json::value(k.category)) == categories.end()) {
      categories.emplace_back(k.category);
    }
  }
  if (upheld) {
    store::Sanction s;
    s.user_id = c.accused_id;
    s.decision_id = d.id;
    s.case_id = c.id;
    s.kind = a;
    s.reason = reason;
    s.starts_at = now;
    if (a == "block") s.ends_at = now + *in.days * kDayMs;
    s.status = "active";
    s.appeal_until = now + options_.appeal_window_ms;
    s.created_at = now;
    out.sanction = TRY(tx.sanctions().InsertSanction(s));
    TRY(ApplyAccountState(tx, c.accused_id, now));
    TRY(Notify(tx, c.accused_id, "sanction",
               {{"case_id", std::to_string(c.id)},
                {"sanction_id", std::to_string(out.sanction->id)},
                {"action", a},
                {"days", in.days ? json::value(*in.days) : json::value(nullptr)},
                {"ends_at", out.sanction->ends_at ? json::value(Iso(*out.sanction->ends_at)) : json::value(nullptr)},
                {"reason", reason},
                {"categories", categories},
                {"evidence", evidence},
                {"appeal_until", Iso(out.sanction->appeal_until)}},
               now));
  } else {
    TRY(Notify(tx, c.accused_id, "complaint_dismissed_against_you",
               {{"case_id", std::to_string(c.id)}, {"reason", reason}}, now));
  }
  // Each complainant: the outcome, and the reward when there is one.
  std::map<Id, std::vector<const store::Complaint*>> by_reporter;
  for (const auto& k : decided) by_reporter[k.reporter_id].push_back(&k);
  json::array rewards_json;
  for (const auto& [reporter, ks] : by_reporter) {
    json::value reward = nullptr;
    // Never to the one who decides (already excluded as a party to the case's calls; kept here
    // so no path can pay a moderator for their own decision).
    if (upheld && in.reward && reporter != moderator.id) {
      store::Reward r;
      r.user_id = reporter;
      r.decision_id = d.id;
      r.complaint_id = ks.front()->id;
      r.amount = *in.reward;
      r.currency = options_.reward_currency;
      r.reason = reason;
      r.created_at = now;
      r = TRY(tx.sanctions().InsertReward(r));
      out.rewards.push_back(r);
      reward = json::object{{"amount", r.amount}, {"currency", r.currency}};
      rewards_json.push_back(json::object{{"reward_id", std::to_string(r.id)}, {"user_id", std::to_string(reporter)},
                                          {"amount", r.amount}, {"currency", r.currency}});
    }
    json::array ids, call_ids;
    for (const auto* k : ks) {
      ids.emplace_back(std::to_string(k->id));
      if (std::find(call_ids.begin(), call_ids.end(), json::value(std::to_string(k->call_id))) == call_ids.end()) {
        call_ids.emplace_back(std::to_string(k->call_id));
      }
    }
    TRY(Notify(tx, reporter, "complaint_decided",
               {{"case_id", std::to_string(c.id)}, {"complaint_ids", ids}, {"call_ids", call_ids},
                {"outcome", upheld ? "upheld" : "dismissed"}, {"action", a}, {"reason", reason},
                {"reward", reward}},
               now));
  }
  TRY(CloseCase(tx, c, now));

  json::array complaint_ids;
  for (const auto& k : decided) complaint_ids.emplace_back(std::to_string(k.id));
  // A honeypot: its outcome is recorded, and the audit log says a test case was decided (the
  // people in it are invented; nothing about a real user happened).
  if (auto served = TRY(RecordHoneypotDecision(tx, c.id, a, now))) {
    TRY(tx.audit().Append({moderator.id, "honeypot.decided", "case", std::to_string(c.id),
                           json::serialize(json::object{{"honeypot_id", std::to_string(served->honeypot_id)},
                                                        {"action", a},
                                                        {"correct", served->correct.value_or(false)},
                                                        {"decision_id", std::to_string(d.id)}}),
                           "[]"},
                          now));
    out.view = TRY(CaseViewOf(tx, c));
    return out;
  }
  // Now and then the decided case goes, blind, to a second moderator (review_service.h).
  std::map<std::string, int> by_category;
  for (const auto& k : decided) ++by_category[k.category];
  std::string category = "other";
  int most = 0;
  for (const auto& [cat, n] : by_category) {
    if (n > most) category = cat, most = n;
  }
  const bool reviewed = TRY(MaybeQueueReview(tx, options_, c, d, category, now));
  TRY(tx.audit().Append(
      {moderator.id, "case.decided", "case", std::to_string(c.id),
       json::serialize(json::object{
           {"accused_id", std::to_string(c.accused_id)},
           {"action", a},
           {"days", in.days ? json::value(*in.days) : json::value(nullptr)},
           {"reason", reason},
           {"evidence", evidence},
           {"complaint_ids", complaint_ids},
           {"decision_id", std::to_string(d.id)},
           {"sanction_id", out.sanction ? json::value(std::to_string(out.sanction->id)) : json::value(nullptr)},
           {"rewards", rewards_json},
           {"double_review", reviewed}}),
       TRY(EvidenceFiles(tx, cited))},
      now));
  out.view = TRY(CaseViewOf(tx, c));
  return out;
}

Result<DecisionOutcome> DecisionService::DecideAppeal(store::Tx& tx, store::Case& c, const store::User& moderator,
                                                        const DecisionInput& in, TimeMs now) {
  if (in.action != "uphold" && in.action != "overturn") {
    return base::InvalidArgument("invalid_action", "An appeal is decided with uphold or overturn");
  }
  if (in.days || in.reward || !in.evidence.empty()) {
    return base::InvalidArgument("invalid_action", "An appeal decision takes only action and reason");
  }
  if (c.excluded_moderator_id == moderator.id) {
    return base::PermissionDenied("conflict_of_interest", "You decided the appealed sanction");
  }
  const auto reason = TRY(Text(in.reason, kMaxReason, "invalid_reason", "reason"));
  auto appeal = c.appeal_id ? TRY(tx.sanctions().FindAppeal(*c.appeal_id)) : std::nullopt;
  if (!appeal) return base::Internal("appeal case " + std::to_string(c.id) + " has no appeal");
  auto sanction = TRY(tx.sanctions().FindSanction(appeal->sanction_id));
  if (!sanction) return base::Internal("appeal " + std::to_string(appeal->id) + " has no sanction");

  DecisionOutcome out;
  store::Decision d;
  d.case_id = c.id;
  d.moderator_id = moderator.id;
  d.action = in.action;
  d.reason = reason;
  d.created_at = now;
  d = TRY(tx.sanctions().InsertDecision(d));
  out.decision = d;
  const bool overturn = in.action == "overturn";
  appeal->status = overturn ? "overturned" : "upheld";
  appeal->decision_id = d.id;
  appeal->decided_at = now;
  TRY(tx.sanctions().UpdateAppeal(*appeal));
  if (overturn) {
    sanction->status = "overturned";
    sanction->lifted_at = now;
    TRY(tx.sanctions().UpdateSanction(*sanction));
    TRY(ApplyAccountState(tx, sanction->user_id, now));
  }
  out.sanction = sanction;
  TRY(Notify(tx, sanction->user_id, "appeal_decided",
             {{"appeal_id", std::to_string(appeal->id)},
              {"sanction_id", std::to_string(sanction->id)},
              {"outcome", appeal->status},
              {"reason", reason}},
             now));
  TRY(CloseCase(tx, c, now));
  TRY(tx.audit().Append({moderator.id, "appeal.decided", "appeal", std::to_string(appeal->id),
                         json::serialize(json::object{{"case_id", std::to_string(c.id)},
                                                      {"sanction_id", std::to_string(sanction->id)},
                                                      {"user_id", std::to_string(sanction->user_id)},
                                                      {"outcome", appeal->status},
                                                      {"reason", reason},
                                                      {"decision_id", std::to_string(d.id)}}),
                         "[]"},
                        now));
  out.view = TRY(CaseViewOf(tx, c));
  return out;
}

}  // namespace vitrina::moderation
