#include "moderation/appeal_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/log.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

// ---------------------------------------------------------------- sanctions and appeals

Result<std::vector<SanctionView>> AppealService::Sanctions(const store::User& user) {
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<SanctionView>> {
    std::vector<SanctionView> out;
    for (auto& s : TRY(tx.sanctions().Sanctions(user.id))) {
      SanctionView v;
      for (const auto& d : TRY(tx.sanctions().Decisions(s.case_id))) {
        if (d.id == s.decision_id) v.evidence = d.evidence;
      }
      v.appeal = TRY(tx.sanctions().AppealOf(s.id));
      if (v.appeal && v.appeal->decision_id) {
        for (const auto& d : TRY(tx.sanctions().Decisions(v.appeal->case_id))) {
          if (d.id == *v.appeal->decision_id) v.appeal_reason = d.reason;
        }
      }
      v.sanction = std::move(s);
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<store::Appeal> AppealService::FileAppeal(const store::User& user, Id sanction_id, const std::string& raw) {
  const auto text = TRY(Text(raw, kMaxReason, "invalid_text", "text"));
  const auto now = clock_.NowMs();
  auto appeal = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Appeal> {
    auto s = TRY(tx.sanctions().FindSanction(sanction_id));
    if (!s || s->user_id != user.id) return base::NotFound("sanction_not_found", "No such sanction");
    if (s->status != "active") return base::Conflict("sanction_not_active", "This sanction was lifted already");
    if (TRY(tx.sanctions().AppealOf(s->id))) {
      return base::Conflict("appeal_exists", "This sanction has been appealed already; each sanction can be appealed once");
    }
    if (now > s->appeal_until) {
      return base::Conflict("appeal_window_closed", "The time to appeal ended on " + Iso(s->appeal_until));
    }
    auto original = TRY(tx.cases().FindCase(s->case_id));
    if (!original) return base::Internal("sanction " + std::to_string(s->id) + " has no case");
    std::optional<Id> decided_by;
    for (const auto& d : TRY(tx.sanctions().Decisions(original->id))) {
      if (d.id == s->decision_id) decided_by = d.moderator_id;
    }
    store::Case c;
    c.kind = "appeal";
    c.accused_id = user.id;
    c.status = "open";
    c.priority = 2;
    c.sla_due_at = now + options_.sla.For(2);
    c.vertical = original->vertical;
    c.language = original->language;
    c.complainants = original->complainants;
    c.excluded_moderator_id = decided_by;
    c.opened_at = now;
    c.updated_at = now;
    c = TRY(tx.cases().InsertCase(c));
    store::Appeal a;
    a.sanction_id = s->id;
    a.user_id = user.id;
    a.text = text;
    a.status = "open";
    a.case_id = c.id;
    a.created_at = now;
    a = TRY(tx.sanctions().InsertAppeal(a));
    c.appeal_id = a.id;
    TRY(tx.cases().UpdateCase(c));
    for (auto call : TRY(tx.cases().CaseCalls(original->id))) TRY(tx.cases().AddCaseCall(c.id, call));
    TRY(tx.audit().Append({user.id, "appeal.filed", "appeal", std::to_string(a.id),
                           json::serialize(json::object{{"sanction_id", std::to_string(s->id)},
                                                        {"case_id", std::to_string(c.id)},
                                                        {"text", text}}),
                           "[]"},
                          now));
    return a;
  }));
  metrics_.Add("vitrina_appeals_total", {});
  base::log::Info("appeal_filed", {{"appeal_id", appeal.id}, {"sanction_id", sanction_id}});
  return appeal;
}

Result<std::vector<store::Reward>> AppealService::Rewards(const store::User& user) {
  return store_.Read([&](store::Tx& tx) { return tx.sanctions().Rewards(user.id); });
}

}  // namespace vitrina::moderation
