#include "seller/service_level_service.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "base/log.h"

namespace vitrina::seller {

namespace json = boost::json;
namespace sl = service_level;

namespace {

sl::SellerActivity ToActivity(const store::SellerActivityRows& rows, base::TimeMs now) {
  sl::SellerActivity a;
  for (const auto& l : rows.listings) {
    a.listings.push_back({l.id, l.created_at, l.updated_at, l.title, l.description, l.active});
  }
  // The recorded days, completed by the listings' approximation for the days before the
  // record started (docs/service-level.md "The window").
  a.active_days = rows.active_days;
  for (auto d : sl::ActiveDaysFromListings(a.listings, now)) a.active_days.push_back(d);
  a.upheld_not_as_described = rows.upheld_not_as_described;
  for (const auto& c : rows.conversations) a.conversations.push_back({c.buyer_first_at, c.seller_answer_at});
  for (const auto& p : rows.proposals) {
    sl::ProposalOutcome outcome = sl::ProposalOutcome::kOpen;
    if (p.accepted_at) {
      outcome = sl::ProposalOutcome::kAccepted;
    } else if (p.state == "declined") {
      outcome = sl::ProposalOutcome::kDeclined;
    } else if (p.state == "missed") {
      outcome = sl::ProposalOutcome::kUnanswered;
    }
    a.proposals.push_back({p.proposed_at, outcome});
  }
  for (const auto& d : rows.due_calls) a.due_calls.push_back({d.join_closes_at, d.seller_no_show});
  for (const auto& e : rows.ended_calls) {
    a.ended_calls.push_back({e.ended_at, e.upheld_complaints, e.high_flags});
  }
  return a;
}

}  // namespace

std::string ServiceLevelService::ParametersJson(const sl::ServiceLevel& level) {
  json::array out;
  for (const auto& p : level.parameters) {
    out.push_back(json::object{{"code", sl::ParameterCode(p.parameter)},
                               {"score", p.score ? json::value(*p.score) : json::value(nullptr)},
                               {"applicable", p.applicable()},
                               {"weak", p.weak},
                               {"sample", p.sample},
                               {"events", p.events}});
  }
  return json::serialize(out);
}

Result<SellerLevel> ServiceLevelService::Recompute(store::Id seller_id) {
  const auto now = clock_.NowMs();
  const auto since = now - static_cast<base::TimeMs>(options_.lookback_days + 1) * sl::kDayMs;
  auto rows = TRY(store_.Write([&](store::Tx& tx) -> Result<store::SellerActivityRows> {
    auto user = TRY(tx.users().FindById(seller_id));
    if (!user) return base::NotFound("user_not_found", "No such user");
    TRY(tx.sellers().RecordActiveDay(seller_id, sl::DayOf(now)));
    return tx.sellers().Activity(seller_id, since, now);
  }));
  SellerLevel out;
  out.level = sl::Compute(ToActivity(rows, now), now, options_);
  out.rating_average = rows.rating_average;
  out.rating_count = rows.rating_count;
  out.verified = rows.verified;
  out.badge = sl::EvaluateBadge(out.level, {rows.rating_average, rows.rating_count, rows.verified},
                                options_);
  store::ServiceLevelRow row;
  row.seller_id = seller_id;
  row.day = sl::DayOf(now);
  row.level = out.level.level;
  row.zone = std::string(sl::ZoneName(out.level.zone));
  row.parameters = ParametersJson(out.level);
  row.reliable = out.badge.reliable;
  row.computed_at = now;
  TRY(store_.Write([&](store::Tx& tx) { return tx.sellers().PutLevel(row); }));
  return out;
}

Result<store::User> ServiceLevelService::SetVerified(store::Id user_id, bool verified,
                                                     std::optional<store::Id> by) {
  const auto now = clock_.NowMs();
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    auto user = TRY(tx.users().FindById(user_id));
    if (!user) return base::NotFound("user_not_found", "No such user");
    TRY(tx.sellers().SetVerified(user_id, verified, now));
    if (by) {
      TRY(tx.audit().Append({*by, "user.verified_changed", "user", std::to_string(user_id),
                             std::string("{\"verified\":") + (verified ? "true" : "false") +
                                 ",\"was\":" + (user->verified ? "true" : "false") + "}",
                             "[]"},
                            now));
    }
    return {};
  }));
  TRY(Recompute(user_id));  // the badge follows the flag at once
  auto user = TRY(store_.Read([&](store::Tx& tx) { return tx.users().FindById(user_id); }));
  if (!user) return base::NotFound("user_not_found", "No such user");
  return *user;
}

Result<std::optional<store::Id>> ServiceLevelService::Schedule() {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) {
    store::NewJob job;
    job.kind = std::string(kServiceLevelJob);
    job.dedupe_key = std::string(kServiceLevelJob);
    job.max_attempts = 3;
    job.run_after = now;
    return tx.jobs().Insert(job, now);
  });
}

Result<int> ServiceLevelService::RecomputeAll(jobs::JobContext* ctx) {
  int done = 0;
  store::Id after = 0;
  while (!ctx || !ctx->Stopping()) {
    auto sellers = TRY(store_.Read(
        [&](store::Tx& tx) { return tx.sellers().SellersWithActiveListings(after, 200); }));
    if (sellers.empty()) break;
    for (auto id : sellers) {
      if (auto r = Recompute(id); !r) {
        base::log::Warn("service_level_failed", {{"seller_id", id}, {"error", r.error().message}});
      } else {
        ++done;
      }
      after = id;
    }
    if (ctx) ctx->Progress(std::to_string(done) + " sellers");
  }
  return done;
}

sl::Language LanguageFrom(std::optional<std::string_view> accept_language) {
  if (!accept_language) return sl::Language::kEn;
  std::string_view rest = *accept_language;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::string tag;
    for (char c : item) {
      if (!std::isalpha(static_cast<unsigned char>(c))) break;
      tag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (auto lang = sl::ParseLanguage(tag)) return *lang;
  }
  return sl::Language::kEn;
}

}  // namespace vitrina::seller
