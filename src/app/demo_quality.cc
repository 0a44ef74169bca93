#include "app/demo_quality.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "app/demo_history_data.h"
#include "base/log.h"
#include "moderation/honeypot_intake.h"

namespace vitrina::app {

using store::Id;
using TimeMs = base::TimeMs;

namespace {

constexpr TimeMs kMinuteMs = 60'000;
constexpr TimeMs kDayMs = 24 * 60 * kMinuteMs;
constexpr int kTeam = 12;
constexpr int kDismisser = 3;  // team03: dismisses almost every fraud complaint
constexpr int kSlow = 8;       // team08: five times as long per case

constexpr std::array<const char*, kTeam> kNames = {
    "Irina Belova",   "Oleg Sidorov", "Nadia Kim",     "Pavel Orlov", "Emma Stone",  "Yuri Lebedev",
    "Sofia Markova",  "Ivan Zaitsev", "Lena Fischer",  "Marat Galiev", "Daria Pavlova", "Tom Becker"};

// Category weights of the team's cases, and a careful moderator's actions per category.
struct CategoryMix {
  const char* category;
  double weight;
  std::array<double, 3> actions;  // dismiss, warn, block
};
constexpr std::array<CategoryMix, 6> kMix = {{{"fraud", 0.30, {0.25, 0.40, 0.35}},
                                              {"prepayment_request", 0.20, {0.20, 0.55, 0.25}},
                                              {"rude", 0.20, {0.45, 0.50, 0.05}},
                                              {"not_as_described", 0.15, {0.55, 0.40, 0.05}},
                                              {"no_show", 0.10, {0.70, 0.30, 0.00}},
                                              {"other", 0.05, {0.75, 0.25, 0.00}}}};
constexpr std::array<const char*, 3> kActions = {"dismiss", "warn", "block"};

std::string DrawAction(demo_history::Rng& rng, const std::array<double, 3>& weights) {
  double r = rng.Real() * (weights[0] + weights[1] + weights[2]);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return kActions[i];
    r -= weights[i];
  }
  return kActions[0];
}

}  // namespace

base::Result<Id> InsertDecidedCase(store::Tx& tx, const moderation::ModerationOptions& options,
                                   const DecidedCaseSpec& s) {
  store::Case c;
  c.kind = "complaints";
  c.accused_id = s.accused_id;
  c.status = "decided";
  c.priority = s.category == "fraud" || s.category == "prepayment_request" ? 1 : s.category == "no_show" ? 3 : 2;
  const TimeMs opened = s.assigned_at - 20 * kMinuteMs;
  c.opened_at = opened;
  c.sla_due_at = s.sla_breached ? s.decided_at - kMinuteMs : std::max(s.decided_at + kMinuteMs, opened + options.sla.For(c.priority));
  c.vertical = s.vertical;
  c.language = options.language;
  c.complainants = 1;
  c.assignee_id = s.moderator_id;
  c.assigned_at = s.assigned_at;
  c.decided_at = s.decided_at;
  c.updated_at = s.decided_at;
  c = TRY(tx.cases().InsertCase(c));
  TRY(tx.cases().AddCaseCall(c.id, s.call_id));
  store::Complaint k;
  k.call_id = s.call_id;
  k.reporter_id = s.reporter_id;
  k.accused_id = s.accused_id;
  k.case_id = c.id;
  k.category = s.category;
  k.text = s.category == "fraud" ? "Asked me to pay before the viewing"
           : s.category == "prepayment_request" ? "Wanted a prepayment to a card"
           : s.category == "rude" ? "Was rude on the call"
           : s.category == "not_as_described" ? "The item was not as shown"
           : s.category == "no_show" ? "Did not come to the call"
                                     : "Something was off";
  k.ranges = "[]";
  k.status = s.action == "dismiss" ? "dismissed" : "upheld";
  k.created_at = opened;
  k.updated_at = s.decided_at;
  k = TRY(tx.complaints().InsertComplaint(k));
  store::Decision d;
  d.case_id = c.id;
  d.moderator_id = s.moderator_id;
  d.action = s.action;
  if (s.action == "block") d.days = 3;
  d.reason = s.action == "dismiss" ? "Not supported by the call" : "The call shows it";
  d.evidence = "[]";
  d.created_at = s.decided_at;
  d = TRY(tx.sanctions().InsertDecision(d));
  if (s.action != "dismiss") {
    store::Sanction x;
    x.user_id = s.accused_id;
    x.decision_id = d.id;
    x.case_id = c.id;
    x.kind = s.action == "ban" ? "block" : s.action;  // the team's month bans no one
    x.reason = d.reason;
    x.starts_at = s.decided_at;
    // A block of the past: over before now, so no account changes state.
    if (x.kind == "block") x.ends_at = s.decided_at + 3 * kDayMs;
    x.status = s.overturned ? "overturned" : "active";
    x.appeal_until = s.decided_at + options.appeal_window_ms;
    x.created_at = s.decided_at;
    x = TRY(tx.sanctions().InsertSanction(x));
    if (s.appealed) {
      store::Case ac;
      ac.kind = "appeal";
      ac.accused_id = s.accused_id;
      ac.status = "decided";
      ac.priority = 2;
      ac.opened_at = s.decided_at + 6 * 3600'000;
      ac.sla_due_at = ac.opened_at + options.sla.For(2);
      ac.vertical = s.vertical;
      ac.language = options.language;
      ac.excluded_moderator_id = s.moderator_id;
      ac.decided_at = ac.opened_at + 2 * 3600'000;
      ac.updated_at = *ac.decided_at;
      ac = TRY(tx.cases().InsertCase(ac));
      store::Appeal a;
      a.sanction_id = x.id;
      a.user_id = s.accused_id;
      a.text = "I did nothing wrong";
      a.status = s.overturned ? "overturned" : "upheld";
      a.case_id = ac.id;
      a.created_at = ac.opened_at;
      a.decided_at = ac.decided_at;
      a = TRY(tx.sanctions().InsertAppeal(a));
      ac.appeal_id = a.id;
      TRY(tx.cases().UpdateCase(ac));
    }
  }
  if (s.second_moderator_id) {
    store::DoubleReview r;
    r.case_id = c.id;
    r.first_decision_id = d.id;
    r.first_moderator_id = s.moderator_id;
    r.first_action = s.action;
    r.category = s.category;
    r.second_moderator_id = s.second_moderator_id;
    r.assigned_at = s.decided_at + 3600'000;
    r.second_action = s.second_action;
    r.second_decided_at = s.decided_at + 3600'000 + 10 * kMinuteMs;
    r.status = s.second_action == s.action ? "agreed" : "disagreed";
    r.created_at = s.decided_at;
    TRY(tx.quality().InsertReview(r));
  }
  return c.id;
}

base::Result<QualityTeamStats> SeedQualityTeam(store::Store& store, const base::Clock& clock,
                                                const moderation::ModerationOptions& options) {
  QualityTeamStats stats;
  if (TRY(store.Read([](store::Tx& tx) { return tx.users().FindByEmail("team01@demo.test"); }))) return stats;
  const TimeMs now = clock.NowMs();
  const TimeMs today = now / kDayMs * kDayMs;
  demo_history::Rng rng(0x7175616c697479ULL);  // "quality"
  auto supervisor = TRY(store.Read([](store::Tx& tx) { return tx.users().FindByEmail("supervisor@demo.test"); }));
  return store.Write([&](store::Tx& tx) -> base::Result<QualityTeamStats> {
    // The team: same skills (all verticals, ru and en), so they are each other's peers.
    const std::vector<std::string> skills = {"lang:en", "lang:ru", "vertical:auto", "vertical:goods",
                                             "vertical:jobs", "vertical:realty"};
    std::vector<store::User> team;
    for (int i = 0; i < kTeam; ++i) {
      char email[32];
      std::snprintf(email, sizeof email, "team%02d@demo.test", i + 1);
      auto u = TRY(tx.users().Insert({email, kNames[static_cast<std::size_t>(i)], "!", {"user", "moderator"}, "UTC"},
                                     today - 60 * kDayMs));
      TRY(tx.users().SetSkills(u.id, skills, today - 60 * kDayMs));
      u.skills = skills;
      team.push_back(u);
    }
    stats.moderators = kTeam;
    // Honeypots a supervisor wrote, for the team's queues.
    const Id author = supervisor ? supervisor->id : team.front().id;
    struct Template {
      const char* category;
      const char* text;
      const char* said;
      const char* expected;
      const char* acceptable;
    };
    constexpr std::array<Template, 6> kTemplates = {{
        {"fraud", "He asked me to send the money to his card before I could see the car",
         "transfer the deposit to my card today or someone else takes it", "block", "warn"},
        {"prepayment_request", "Wanted half the price in advance for a phone",
         "pay half now and I will post it tomorrow", "warn", "block"},
        {"rude", "The seller shouted at me", "listen you idiot I told you the price", "warn", ""},
        {"not_as_described", "The sofa had a stain he did not show",
         "this is the same sofa as in the photos", "dismiss", ""},
        {"no_show", "He never joined the call", "", "dismiss", ""},
        {"fraud", "Asked for my card number and the code from the SMS",
         "tell me the code from the message so I can send you the money", "ban", "block"},
    }};
    std::vector<Id> templates;
    for (const auto& t : kTemplates) {
      store::Honeypot h;
      h.created_by = author;
      h.source = "synthetic";
      h.category = t.category;
      h.language = options.language;
      h.expected_action = t.expected;
      if (*t.acceptable) h.acceptable = {t.acceptable};
      boost::json::object content{{"complaints", boost::json::array{boost::json::object{{"category", t.category},
                                                                                       {"text", t.text}}}}};
      if (*t.said) {
        content["transcript"] = boost::json::array{boost::json::object{{"speaker", "reporter"}, {"text", "hello is it still for sale"}},
                                                   boost::json::object{{"speaker", "accused"}, {"text", t.said}}};
      }
      h.content = boost::json::serialize(content);
      h.created_at = today - 40 * kDayMs;
      templates.push_back(TRY(tx.quality().InsertHoneypot(h)).id);
    }
    stats.honeypots = static_cast<int>(templates.size());
    // The people the team's cases are about: invented (synthetic_users, as honeypots' people are),
    // each pair with one ended call, so the month changes no real account, no seller's service
    // level and nobody's place in the dishonest-user ranking.
    std::vector<store::Call> calls;
    const TimeMs long_ago = today - 35 * kDayMs;
    for (int p = 0; p < 16; ++p) {
      const auto tag = std::to_string(p + 1);
      auto seller = TRY(tx.users().Insert({"team-case-seller-" + tag + "@synthetic.invalid", "Seller " + tag, "!",
                                           {"user"}, "UTC"}, long_ago));
      auto buyer = TRY(tx.users().Insert({"team-case-buyer-" + tag + "@synthetic.invalid", "Buyer " + tag, "!",
                                          {"user"}, "UTC"}, long_ago));
      TRY(tx.quality().InsertSyntheticUser(seller.id, 0));
      TRY(tx.quality().InsertSyntheticUser(buyer.id, 0));
      store::Listing l;
      l.seller_id = seller.id;
      l.title = "Item " + tag;
      l.description = l.title;
      l.vertical = "goods";
      l.status = "archived";
      l.call_hours_json = "{}";
      l.created_at = long_ago;
      l.updated_at = long_ago;
      l = TRY(tx.listings().Insert(l));
      auto [conv, fresh] = TRY(tx.chat().FindOrCreateConversation(l.id, buyer.id, seller.id, long_ago));
      (void)fresh;
      store::Call call;
      call.conversation_id = conv.id;
      call.listing_id = l.id;
      call.buyer_id = buyer.id;
      call.seller_id = seller.id;
      call.proposed_by = buyer.id;
      call.state = "ended";
      call.created_at = long_ago;
      call.join_opens_at = long_ago;
      call.join_closes_at = long_ago + 10 * kMinuteMs;
      call.started_at = long_ago + kMinuteMs;
      call.ended_at = long_ago + 8 * kMinuteMs;
      call.end_reason = "hangup";
      call.updated_at = long_ago;
      calls.push_back(TRY(tx.calls().Insert(call)));
    }

    for (int i = 0; i < kTeam; ++i) {
      const auto& mod = team[static_cast<std::size_t>(i)];
      const double pace = 300 * std::exp(rng.Real(-0.3, 0.3)) * (i + 1 == kSlow ? 5 : 1);
      const double care = rng.Real(0.8, 0.95);
      const int cases = static_cast<int>(rng.Int(50, 75));
      for (int n = 0; n < cases; ++n) {
        // The day and the moment within a shift (09:00-18:00 UTC), oldest first.
        const TimeMs day = today - (29 - (n * 29) / cases) * kDayMs;
        const TimeMs assigned = day + 9 * 3600'000 + rng.Int(0, 8 * 3600) * 1000;
        const double handling = std::clamp(pace * std::exp(0.5 * rng.Normal()), 30.0, 6 * 3600.0);
        const TimeMs decided = assigned + static_cast<TimeMs>(handling * 1000);
        if (decided >= now - kMinuteMs) continue;
        // A honeypot now and then: served through moderation itself, decided by this member.
        if (rng.Chance(0.05)) {
          store::CaseEligibility who;
          who.moderator_id = mod.id;
          auto hc = TRY(moderation::ServeHoneypot(tx, options, who, assigned));
          if (hc) {
            auto served = TRY(tx.quality().FindHoneypotCase(hc->id));
            auto h = TRY(tx.quality().FindHoneypot(served->honeypot_id));
            const std::string action = rng.Chance(care) ? h->expected_action : kActions[rng.Int(0, 2)];
            hc->status = "decided";
            hc->assignee_id = mod.id;
            hc->assigned_at = assigned;
            hc->decided_at = decided;
            hc->updated_at = decided;
            TRY(tx.cases().UpdateCase(*hc));
            TRY(tx.complaints().SetComplaintStatus(hc->id, {"open", "in_review"},
                                                   action == "dismiss" ? "dismissed" : "upheld", decided));
            store::Decision d;
            d.case_id = hc->id;
            d.moderator_id = mod.id;
            d.action = action;
            if (action == "block") d.days = 3;
            d.reason = "Decided on the call";
            d.evidence = "[]";
            d.created_at = decided;
            TRY(tx.sanctions().InsertDecision(d));
            TRY(moderation::RecordHoneypotDecision(tx, hc->id, action, decided));
            ++stats.honeypot_cases;
            ++stats.decisions;
            continue;
          }
        }
        double r = rng.Real();
        const CategoryMix* mix = &kMix.back();
        for (const auto& m : kMix) {
          if (r < m.weight) {
            mix = &m;
            break;
          }
          r -= m.weight;
        }
        const std::string right = DrawAction(rng, mix->actions);
        std::string action = rng.Chance(care) ? right : DrawAction(rng, mix->actions);
        if (i + 1 == kDismisser && std::string_view(mix->category) == "fraud") {
          action = rng.Chance(0.95) ? "dismiss" : action;
        }
        const auto& call = calls[static_cast<std::size_t>(rng.Int(0, static_cast<std::int64_t>(calls.size()) - 1))];
        DecidedCaseSpec spec;
        spec.moderator_id = mod.id;
        spec.accused_id = call.seller_id;
        spec.reporter_id = call.buyer_id;
        spec.call_id = call.id;
        spec.category = mix->category;
        spec.action = action;
        spec.assigned_at = assigned;
        spec.decided_at = decided;
        spec.sla_breached = rng.Chance(0.03);
        const bool wrong = action != right;
        spec.appealed = action != "dismiss" && rng.Chance(wrong ? 0.2 : 0.05);
        spec.overturned = spec.appealed && rng.Chance(wrong ? 0.7 : 0.1);
        if (rng.Chance(0.08) && decided < now - 2 * 3600'000) {
          auto other = static_cast<std::size_t>(rng.Int(0, kTeam - 2));
          if (other >= static_cast<std::size_t>(i)) ++other;
          spec.second_moderator_id = team[other].id;
          spec.second_action = rng.Chance(0.85) ? right : DrawAction(rng, mix->actions);
          ++stats.reviews;
        }
        TRY(InsertDecidedCase(tx, options, spec));
        ++stats.decisions;
      }
    }
    stats.created = true;
    return stats;
  });
}

}  // namespace vitrina::app
