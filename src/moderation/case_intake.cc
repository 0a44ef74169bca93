#include "moderation/case_intake.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "moderation/service_helpers.h"

namespace vitrina::moderation {

using namespace detail;  // NOLINT(google-build-using-namespace): this component's helpers
namespace json = boost::json;

Result<store::Case> OpenOrJoinCase(store::Tx& tx, const ModerationOptions& options, Id accused,
                                   const store::Call& call, TimeMs now) {
  if (auto c = TRY(tx.cases().OpenComplaintsCase(accused))) return std::move(*c);
  store::Case fresh;
  fresh.kind = "complaints";
  fresh.accused_id = accused;
  fresh.status = "open";
  fresh.priority = 3;
  fresh.sla_due_at = now + options.sla.For(3);
  auto listing = TRY(tx.listings().FindById(call.listing_id));
  fresh.vertical = listing ? listing->vertical : "goods";
  fresh.language = options.language;
  fresh.opened_at = now;
  fresh.updated_at = now;
  return tx.cases().InsertCase(fresh);
}

Result<void> Reprioritise(store::Tx& tx, const ModerationOptions& options, store::Case& c, TimeMs now) {
  if (c.kind != "complaints" || c.status == "decided") return {};
  PriorityInputs in;
  std::set<Id> reporters;
  std::map<Id, store::ReporterRecord> records;
  for (const auto& k : TRY(tx.complaints().ListComplaints(Complaints().Case(c.id).Limit(10000)))) {
    if (k.status != "open" && k.status != "in_review") continue;
    auto it = records.find(k.reporter_id);
    if (it == records.end()) it = records.emplace(k.reporter_id, TRY(tx.quality().Reporter(k.reporter_id))).first;
    const auto& r = it->second;
    // A muted reporter's complaint stays in the case but raises nothing; a reporter whose
    // complaints are mostly dismissed weighs less (rules.h WeightedSeverity).
    if (r.muted_until && *r.muted_until > now) continue;
    reporters.insert(k.reporter_id);
    in.most_severe = std::min(in.most_severe, WeightedSeverity(Severity(k.category), r.upheld, r.dismissed));
  }
  const auto [auto_flags, flag_rank] = TRY(tx.analytics().CaseFlagStats(c.id));
  if (flag_rank) in.most_severe = std::min(in.most_severe, *flag_rank);
  c.auto_flags = auto_flags;
  in.complainants = static_cast<int>(reporters.size());
  for (const auto& s : TRY(tx.sanctions().Sanctions(c.accused_id))) {
    if (s.status == "active" && (InForce(s, now) || s.created_at > now - 365 * kDayMs)) in.recent_sanction = true;
  }
  const int p = std::min(c.priority, CasePriority(in));
  c.complainants = in.complainants;
  c.priority = p;
  c.sla_due_at = std::min(c.sla_due_at, c.opened_at + options.sla.For(p));
  c.updated_at = now;
  return tx.cases().UpdateCase(c);
}

Result<store::Case> FileFlag(store::Tx& tx, const ModerationOptions& options, store::Flag& flag,
                             const store::Call& call, TimeMs now) {
  auto c = TRY(OpenOrJoinCase(tx, options, flag.accused_id, call, now));
  TRY(tx.analytics().SetFlagCase(flag.id, c.id));
  flag.case_id = c.id;
  TRY(tx.cases().AddCaseCall(c.id, call.id));
  TRY(Reprioritise(tx, options, c, now));
  TRY(tx.audit().Append({std::nullopt, "case.flagged", "case", std::to_string(c.id),
                         json::serialize(json::object{{"flag_id", std::to_string(flag.id)},
                                                      {"rule_id", std::to_string(flag.rule_id)},
                                                      {"call_id", std::to_string(call.id)},
                                                      {"accused_id", std::to_string(flag.accused_id)},
                                                      {"category", flag.category},
                                                      {"severity", flag.severity},
                                                      {"start_ms", flag.start_ms},
                                                      {"end_ms", flag.end_ms},
                                                      {"live", flag.live}}),
                         "[]"},
                        now));
  return c;
}

Result<FiledDetection> FileDetection(store::Tx& tx, const ModerationOptions& options, store::DetectionCaseItem& item,
                                     const store::Call& anchor, const std::vector<Id>& evidence_calls, TimeMs now) {
  const bool existed = TRY(tx.cases().OpenComplaintsCase(item.user_id)).has_value();
  auto c = TRY(OpenOrJoinCase(tx, options, item.user_id, anchor, now));
  item.case_id = c.id;
  item.created_at = now;
  item = TRY(tx.detection().InsertCaseItem(item));
  for (auto call : evidence_calls) TRY(tx.cases().AddCaseCall(c.id, call));
  TRY(Reprioritise(tx, options, c, now));
  json::array codes, calls;
  boost::system::error_code ec;
  if (auto reasons = json::parse(item.reasons, ec); !ec && reasons.is_array()) {
    for (const auto& r : reasons.as_array()) {
      if (const auto* code = r.is_object() ? r.as_object().if_contains("code") : nullptr) codes.push_back(*code);
    }
  }
  for (auto call : evidence_calls) calls.emplace_back(std::to_string(call));
  TRY(tx.audit().Append({item.opened_by, "case.opened_from_detection", "case", std::to_string(c.id),
                         json::serialize(json::object{{"item_id", std::to_string(item.id)},
                                                      {"user_id", std::to_string(item.user_id)},
                                                      {"score", item.score},
                                                      {"reasons", std::move(codes)},
                                                      {"calls", std::move(calls)},
                                                      {"window_days", item.window_days},
                                                      {"case_opened", !existed}}),
                         "[]"},
                        now));
  return FiledDetection{std::move(c), !existed};
}

}  // namespace vitrina::moderation
