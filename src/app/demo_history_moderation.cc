#include "app/demo_history_internal.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vitrina::app::demo_history {

// Ratings and complaints the buyer leaves after an ended call.
void Generator::FollowUp(const store::Call& call, std::size_t s, std::size_t b,
                         const std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams) {
  const Kind kind = people_[s].spec.kind;
  const bool rude = people_[b].spec.kind == Kind::kRudeBuyer;
  bool complains = false;
  // About 21 complaints about scams and 6 unfounded ones, spread over the month (a budget
  // that grows with the days, so the early busy days do not use it all up).
  const double month = static_cast<double>(*call.ended_at - (today_ - (kHistoryDays - 1) * kDay)) /
                       static_cast<double>(kHistoryDays * kDay);
  if (!scams.empty() && complaints_planned_ < 1 + 21 * month && rng_.Chance(0.55)) {
    complains = true;
    const auto& [scam, range] = scams.front();
    const TimeMs at = *call.ended_at + rng_.Int(3, 300) * kMinute;
    const std::string category = scam->complaint;
    const std::string quote = scam->quote;
    const moderation::TimeRange r = range;
    Schedule(at, [this, id = call.id, b, category, quote, r](TimeMs) {
      return Complain(id, b, category, quote, r);
    });
    ++complaints_planned_;
  } else if (kind == Kind::kHonest && unfounded_planned_ < 1 + 6 * month && rng_.Chance(0.07)) {
    // Unfounded: the moderators dismiss these (all but one, which an appeal overturns).
    complains = true;
    // (The first is the one a moderator gets wrong at first: see Decide.)
    static const char* const kCategories[] = {"not_as_described", "not_as_described", "rude", "other"};
    const std::string category = unfounded_planned_ == 0 ? "not_as_described" : kCategories[rng_.Int(0, 3)];
    const TimeMs at = *call.ended_at + rng_.Int(10, 600) * kMinute;
    Schedule(at, [this, id = call.id, b, category](TimeMs) {
      return Complain(id, b, category, "", std::nullopt);
    });
    ++unfounded_planned_;
  }
  const double p = kind == Kind::kStar ? 0.93 : complains ? 0.8 : 0.55;
  if (!rng_.Chance(p)) return;
  // Stars: the star seller near 5, honest sellers mostly 4–5, dishonest ones low; rude
  // buyers are harder to please.
  static const std::vector<double> kStar = {0, 0, 0.02, 0.14, 0.84};
  static const std::vector<double> kHonestStars = {0.02, 0.04, 0.12, 0.32, 0.5};
  static const std::vector<double> kDishonestStars = {0.35, 0.3, 0.2, 0.1, 0.05};
  const auto& shares = kind == Kind::kStar ? kStar : kind == Kind::kDishonest || complains ? kDishonestStars
                                                                                             : kHonestStars;
  int stars = 5;
  double r = rng_.Real();
  for (int i = 0; i < 5; ++i) {
    if (r < shares[static_cast<std::size_t>(i)]) {
      stars = i + 1;
      break;
    }
    r -= shares[static_cast<std::size_t>(i)];
  }
  if (rude && kind != Kind::kStar) stars = std::max(1, stars - 1);
  std::optional<std::string> comment;
  if (rng_.Chance(0.3)) {
    const bool ru = people_[b].lang == "ru";
    if (stars >= 4) {
      comment = rng_.Chance(0.5) ? Text(ru ? "ru" : "en", "Всё показал, спасибо", "Showed everything, thanks")
                                 : Text(ru ? "ru" : "en", "Вежливый продавец", "Polite seller");
    } else {
      comment = Text(ru ? "ru" : "en", "Не рекомендую", "Would not recommend");
    }
  }
  const TimeMs at = *call.ended_at + rng_.Int(2, 480) * kMinute;
  Schedule(at, [this, id = call.id, b, stars, comment](TimeMs) -> Result<void> {
    TRY(calls_.Rate(people_[b].user, id, stars, comment));
    ++stats_.ratings;
    return {};
  });
}

Result<void> Generator::Complain(Id call_id, std::size_t b, const std::string& category,
                                 const std::string& quote, std::optional<moderation::TimeRange> range) {
  moderation::ComplaintInput in;
  in.category = category;
  in.text = ComplaintText(category, people_[b].lang);
  if (range) in.ranges = std::vector<moderation::TimeRange>{*range};
  if (!quote.empty()) in.quote = quote;
  auto k = TRY(moderation_.complaints().FileComplaint(people_[b].user, call_id, in));
  ++stats_.complaints;
  if (range) evidence_[k.id] = {call_id, *range};
  if (!cases_.insert(k.case_id).second) return {};
  // A new case: the moderator takes the queue's next case within the SLA (now and then
  // late), until the last days, whose cases wait in the queue (about a third of them).
  if (!moderator_ || clock_.NowMs() >= now_ - kBacklogDays * kDay) return {};
  const auto c = TRY(store_.Read([&](store::Tx& tx) { return tx.cases().FindCase(k.case_id); }));
  if (!c) return {};
  const TimeMs sla = c->sla_due_at - clock_.NowMs();
  const double share = rng_.Chance(0.08) ? rng_.Real(1.1, 1.6) : rng_.Real(0.15, 0.8);
  Schedule(clock_.NowMs() + static_cast<TimeMs>(static_cast<double>(sla) * share),
           [this](TimeMs) { return WorkQueue(*moderator_, false); });
  return {};
}

// A moderator's sitting: takes the next case (the queue's most urgent) and decides it, and
// a second one if there is one (so a case overtaken by a more urgent one does not wait). With
// `appeal_only` (the second moderator, who hears appeals) takes up to their capacity looking
// for an appeal, decides that and hands the others back. Cases that are not the history's
// (on a store with real ones) are handed back too.
Result<void> Generator::WorkQueue(const store::User& moderator, bool appeal_only) {
  std::vector<Id> hand_back;
  for (int i = 0, decided = 0; i < (appeal_only ? 3 : 2) && decided < (appeal_only ? 1 : 2); ++i) {
    auto next = moderation_.queue().Next(moderator);
    if (!next) {
      if (next.error().kind != base::ErrorKind::kConflict) return tl::unexpected(next.error());
      break;  // off shift, at capacity
    }
    if (!*next) break;
    const auto& view = **next;
    auto who = std::find_if(people_.begin(), people_.end(),
                            [&](const Person& p) { return p.user.id == view.c.accused_id; });
    if (who == people_.end() || (appeal_only && view.c.kind != "appeal")) {
      hand_back.push_back(view.c.id);
      continue;
    }
    clock_.Set(clock_.NowMs() + rng_.Int(2, 9) * kMinute);  // reading the case
    TRY(Decide(moderator, view, *who));
    ++decided;
  }
  for (const Id id : hand_back) TRY(moderation_.queue().Release(moderator, id));
  return {};
}

Result<void> Generator::Decide(const store::User& moderator, const moderation::CaseView& view,
                               Person& accused) {
  const std::string& lang = accused.lang;
  moderation::DecisionInput in;
  std::optional<std::string> appeal;  // the accused appeals the sanction with this
  bool overturnable = false;
  if (view.c.kind == "appeal") {
    const bool overturn = view.appeal && overturn_sanction_ && view.appeal->sanction.id == *overturn_sanction_;
    in.action = overturn ? "overturn" : "uphold";
    in.reason = overturn ? Text(lang, "Дефект действительно был указан в объявлении; предупреждение снято.",
                                "The defect was stated in the listing after all; the warning is lifted.")
                         : Text(lang, "Запись звонка подтверждает запрос предоплаты; блокировка остаётся.",
                                "The call transcript confirms the prepayment request; the block stays.");
  } else if (accused.spec.kind == Kind::kDishonest) {
    for (const auto& k : view.complaints) {
      if (k.status != "in_review" && k.status != "open") continue;
      if (auto e = evidence_.find(k.id); e != evidence_.end() && in.evidence.size() < 20) {
        in.evidence.emplace_back(e->second.call_id, e->second.range);
      }
    }
    if (accused.sanctions < 2) {  // warned twice, then blocked: 3 days, then a week
      in.action = "warn";
      in.reason = Text(lang, "Запрос предоплаты на карту вне платформы подтверждается записью звонка. Предупреждение.",
                       "The call confirms a request for a prepayment outside the platform. A warning.");
    } else {
      in.action = "block";
      in.days = accused.sanctions == 2 ? 3 : 7;
      in.reason = Text(lang, "Повторные запросы предоплаты и оплаты мимо платформы. Блокировка на " +
                                 std::to_string(*in.days) + " дней.",
                       "Repeated prepayment requests and payments off the platform. Blocked for " +
                           std::to_string(*in.days) + " days.");
      if (!dishonest_appealed_ && clock_.NowMs() < now_ - 3 * kDay) {
        dishonest_appealed_ = true;
        appeal = Text(lang, "Я ничего не требовал, это недоразумение. Прошу снять блокировку.",
                      "I did not ask for anything, it is a misunderstanding. Please lift the block.");
      }
    }
    if (rng_.Chance(0.4)) in.reward = 30'000;  // 300 RUB to the complainants
  } else {
    bool described = false;
    for (const auto& k : view.complaints) described |= k.category == "not_as_described";
    // (Early enough in the month for the appeal to be decided by now.)
    if (described && !honest_warned_ && clock_.NowMs() < now_ - 3 * kDay) {
      // The one mistake of the month: warned, appealed, overturned by the second moderator.
      honest_warned_ = true;
      overturnable = true;
      in.action = "warn";
      in.reason = Text(lang, "Товар не соответствовал описанию. Предупреждение.",
                       "The item was not as described. A warning.");
      appeal = Text(lang, "Дефект был указан в описании и виден на фото, прошу пересмотреть.",
                    "The defect is stated in the description and visible in the photos; please review.");
    } else {
      in.action = "dismiss";
      in.reason = Text(lang, "Нарушений в записи звонка не найдено.", "Nothing in the call breaks the rules.");
    }
  }
  auto out = TRY(moderation_.decisions().Decide(moderator, view.c.id, in));
  ++stats_.decisions;
  if (view.c.kind == "appeal" || !out.sanction) return {};
  ++accused.sanctions;
  if (out.sanction->ends_at) accused.blocked_until = *out.sanction->ends_at;
  if (overturnable) overturn_sanction_ = out.sanction->id;
  if (appeal) {
    const TimeMs at = clock_.NowMs() + rng_.Int(4 * 60, 30 * 60) * kMinute;
    const Id sanction = out.sanction->id;
    const std::size_t who = static_cast<std::size_t>(&accused - people_.data());
    Schedule(at, [this, who, sanction, text = *appeal](TimeMs t) -> Result<void> {
      TRY(moderation_.appeals().FileAppeal(people_[who].user, sanction, text));
      ++stats_.appeals;
      // The second moderator (appeals go to someone other than who decided) takes it.
      if (moderator2_) {
        Schedule(t + rng_.Int(60, 5 * 60) * kMinute, [this](TimeMs) { return WorkQueue(*moderator2_, true); });
      }
      return {};
    });
  }
  return {};
}

}  // namespace vitrina::app::demo_history
