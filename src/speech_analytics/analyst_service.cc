#include "speech_analytics/analyst_service.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "accounts/roles.h"
#include "base/log.h"
#include "base/random.h"
#include "base/time_format.h"
#include "detection/dishonest_score.h"
#include "moderation/case_intake.h"

namespace vitrina::speech_analytics {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 8> kCategories = {
    "prepayment", "off_platform_payment", "contact_exchange", "card_or_code_request",
    "fake_link", "fake_payment_confirmation", "pressure", "insult"};
constexpr base::TimeMs kDayMs = 86'400'000;
// Users scoring below this are not in the ranking (detection::Rank's cut).
constexpr double kMinListedScore = 0.1;

std::string Outcome(const store::AnalystCallRow& r) {
  if (r.no_show) return "no_show";
  return r.state;
}

// "<at>.<id>" of the last row shown.
std::optional<std::pair<base::TimeMs, store::Id>> ParseCursor(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  try {
    std::size_t a = 0, b = 0;
    const auto at = std::stoll(text.substr(0, dot), &a);
    const auto id = std::stoll(text.substr(dot + 1), &b);
    if (a != dot || b != text.size() - dot - 1 || id <= 0) return std::nullopt;
    return std::make_pair(at, id);
  } catch (...) {
    return std::nullopt;
  }
}

// The store's rows as the scoring's input (unknown strings: the mildest value).
detection::UserSignals ToSignals(const store::DetectionUserRows& u, base::TimeMs now) {
  const auto days = [&](base::TimeMs at) { return static_cast<double>(now - at) / static_cast<double>(kDayMs); };
  detection::UserSignals s;
  s.user_id = u.user_id;
  s.calls = u.calls;
  s.account_age_days = days(u.created_at);
  s.first_call_ids = u.first_call_ids;
  for (const auto& r : u.sanctions) {
    detection::SanctionSignal x;
    x.kind = detection::ParseSanctionKind(r.kind).value_or(detection::SanctionKind::kWarn);
    x.age_days = days(r.created_at);
    x.overturned = r.status == "overturned";
    for (auto call : r.call_ids) x.evidence.push_back({call, 0, 0});
    s.sanctions.push_back(std::move(x));
  }
  for (const auto& r : u.complaints) {
    detection::ComplaintSignal x;
    x.reporter_id = r.reporter_id;
    x.category = r.category;
    x.status = detection::ParseComplaintStatus(r.status).value_or(detection::ComplaintStatus::kOpen);
    x.evidence = {r.call_id, r.start_ms, r.end_ms};
    s.complaints.push_back(std::move(x));
  }
  for (const auto& r : u.flags) {
    detection::FlagSignal x;
    x.category = r.category;
    x.severity = detection::ParseFlagSeverity(r.severity).value_or(detection::FlagSeverity::kInfo);
    x.verdict = detection::ParseFlagVerdict(r.review).value_or(detection::FlagVerdict::kNone);
    x.counterpart_id = r.counterpart_id;
    x.phrase = "rule:" + std::to_string(r.rule_id);
    x.evidence = {r.call_id, r.start_ms, r.end_ms};
    s.flags.push_back(std::move(x));
  }
  for (auto call : u.no_show_call_ids) s.no_shows.push_back({call, 0, 0});
  return s;
}

// [{code, weight, evidence: [{call_id, start_ms, end_ms}]}], as the ranking shows them.
json::array ReasonsJson(const std::vector<detection::Reason>& reasons) {
  json::array out;
  for (const auto& reason : reasons) {
    json::array evidence;
    for (const auto& e : reason.evidence) {
      evidence.push_back(
          json::object{{"call_id", std::to_string(e.call_id)}, {"start_ms", e.start_ms}, {"end_ms", e.end_ms}});
    }
    out.push_back(json::object{{"code", reason.code}, {"weight", reason.weight}, {"evidence", std::move(evidence)}});
  }
  return out;
}

base::TimeMs CallTime(const store::Call& c) { return c.started_at.value_or(c.created_at); }

}  // namespace

std::string Pseudonymizer::Of(store::Id user) const {
  return "u_" + base::HmacSha256Hex(key_, "user:" + std::to_string(user)).substr(0, 16);
}

AnalystService::AnalystService(store::Store& store, const base::Clock& clock, Pseudonymizer pseudonyms,
                               moderation::ModerationOptions moderation)
    : store_(store), clock_(clock), pseudonyms_(std::move(pseudonyms)), moderation_(std::move(moderation)) {}

Result<json::object> AnalystService::Calls(const store::User& analyst, const CallListParams& p) {
  store::AnalystCallFilter f;
  f.to = p.to.value_or(clock_.NowMs());
  f.from = p.from.value_or(f.to - 30 * kDayMs);
  if (f.from > f.to) return base::InvalidArgument("invalid_filter", "from must not be after to");
  if (p.vertical) {
    if (std::find(kVerticals.begin(), kVerticals.end(), *p.vertical) == kVerticals.end()) {
      return base::InvalidArgument("invalid_filter", "vertical must be one of goods, realty, auto, jobs");
    }
    f.vertical = p.vertical;
  }
  if (p.category) {
    if (std::find(kCategories.begin(), kCategories.end(), *p.category) == kCategories.end()) {
      return base::InvalidArgument("invalid_filter", "Unknown flag category: " + *p.category);
    }
    f.category = p.category;
  }
  if (p.cursor) {
    f.before = ParseCursor(*p.cursor);
    if (!f.before) return base::InvalidArgument("invalid_cursor", "cursor is not one this API returned");
  }
  f.limit = std::clamp(p.limit, 1, 200) + 1;
  const auto now = clock_.NowMs();
  auto rows = TRY(store_.Write([&](store::Tx& tx) -> Result<std::vector<store::AnalystCallRow>> {
    auto rows = TRY(tx.analytics().ListAnalystCalls(f));
    json::object filter{{"from", f.from}, {"to", f.to}};
    if (f.vertical) filter["vertical"] = *f.vertical;
    if (f.category) filter["category"] = *f.category;
    TRY(tx.audit().Append({analyst.id, "analytics.calls_listed", "calls", "explorer",
                           json::serialize(json::object{{"filter", std::move(filter)},
                                                        {"rows", static_cast<std::int64_t>(
                                                                     std::min<std::size_t>(rows.size(), f.limit - 1))}}),
                           "[]"},
                          now));
    return rows;
  }));
  const std::size_t shown = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(f.limit - 1));
  json::array items;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& r = rows[i];
    json::array flags;
    for (const auto& c : r.flag_categories) flags.emplace_back(c);
    items.push_back(json::object{
        {"call_id", std::to_string(r.call_id)},
        {"started_at", base::FormatRfc3339(r.at)},
        {"duration_ms", r.duration_ms},
        {"vertical", r.vertical},
        {"outcome", Outcome(r)},
        {"buyer", json::object{{"pseudonym", pseudonyms_.Of(r.buyer_id)}}},
        {"seller", json::object{{"pseudonym", pseudonyms_.Of(r.seller_id)}}},
        {"talk_ratio_seller", r.talk_ratio_seller ? json::value(std::round(*r.talk_ratio_seller * 1000) / 1000)
                                                  : json::value(nullptr)},
        {"tone_seller", r.tone_seller ? json::value(*r.tone_seller) : json::value(nullptr)},
        {"flags", std::move(flags)},
        {"complaints", r.complaints}});
  }
  json::value next = nullptr;
  if (rows.size() > shown && shown > 0) {
    next = std::to_string(rows[shown - 1].at) + "." + std::to_string(rows[shown - 1].call_id);
  }
  return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

Result<json::object> AnalystService::Dishonest(const store::User& viewer, const std::optional<std::string>& cursor,
                                               int limit, int window_days) {
  std::optional<detection::RankCursor> after;
  if (cursor) after = TRY(detection::DecodeCursor(*cursor));
  const bool users = accounts::HasRole(viewer, accounts::Role::kModerator);
  const auto now = clock_.NowMs();
  const auto rows = TRY(store_.Read([&](store::Tx& tx) { return tx.detection().Signals(now - window_days * kDayMs, now); }));
  std::vector<detection::UserScore> scores;
  scores.reserve(rows.size());
  for (const auto& r : rows) scores.push_back(detection::ScoreUser(ToSignals(r, now)));
  auto page = detection::Rank(std::move(scores), after, std::clamp(limit, 1, 200), kMinListedScore);

  json::array items;
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    items.clear();  // a retried transaction starts over
    for (const auto& score : page.items) {
      json::object item;
      if (users) {
        const auto user = TRY(tx.users().FindById(score.user_id));
        item["user"] = json::object{{"id", std::to_string(score.user_id)},
                                    {"display_name", user ? json::value(user->display_name) : json::value(nullptr)}};
      } else {
        item["pseudonym"] = pseudonyms_.Of(score.user_id);
      }
      item["score"] = score.score;
      item["reasons"] = ReasonsJson(score.reasons);
      items.push_back(std::move(item));
    }
    TRY(tx.audit().Append({viewer.id, "analytics.dishonest_listed", "users", "ranking",
                           json::serialize(json::object{{"view", users ? "users" : "pseudonyms"},
                                                        {"cursor", cursor ? json::value(*cursor) : json::value(nullptr)},
                                                        {"rows", static_cast<std::int64_t>(page.items.size())}}),
                           "[]"},
                          now));
    return {};
  }));
  return json::object{{"items", std::move(items)},
                      {"next_cursor", page.next ? json::value(detection::EncodeCursor(*page.next)) : json::value(nullptr)}};
}

Result<DetectionCaseOutcome> AnalystService::OpenCase(const store::User& moderator, store::Id user_id,
                                                     int window_days) {
  const auto now = clock_.NowMs();
  auto out = TRY(store_.Write([&](store::Tx& tx) -> Result<DetectionCaseOutcome> {
    if (!TRY(tx.users().FindById(user_id))) return base::NotFound("user_not_found", "No such user");
    // Once per undecided case: a second request (a double click, a second moderator) gets the
    // item the case already holds.
    if (auto open = TRY(tx.cases().OpenComplaintsCase(user_id))) {
      auto held = TRY(tx.detection().CaseItems(open->id));
      if (!held.empty()) return DetectionCaseOutcome{std::move(*open), std::move(held.front()), false, false};
    }
    // The score exactly as the ranking computes it now (the same rows, window and formula).
    const auto rows = TRY(tx.detection().SignalsOf(user_id, now - window_days * kDayMs, now));
    detection::UserScore score;
    if (rows) score = detection::ScoreUser(ToSignals(*rows, now));
    if (score.score < kMinListedScore || score.reasons.empty()) {
      return base::Conflict("no_signal", "This user is not in the dishonest-user ranking: no signal to open a case on");
    }
    // Every evidence call once (strongest reason first); the most recent one routes the case.
    std::vector<store::Id> calls;
    std::optional<store::Call> anchor;
    for (const auto& reason : score.reasons) {
      for (const auto& e : reason.evidence) {
        if (std::find(calls.begin(), calls.end(), e.call_id) != calls.end()) continue;
        auto call = TRY(tx.calls().FindById(e.call_id));
        if (!call) continue;
        calls.push_back(call->id);
        if (!anchor || CallTime(*call) > CallTime(*anchor) ||
            (CallTime(*call) == CallTime(*anchor) && call->id > anchor->id)) {
          anchor = std::move(*call);
        }
      }
    }
    if (!anchor) {  // e.g. only a sanction whose decision cited no call: their newest call, if any
      store::CallFilter newest;
      newest.user_id = user_id;
      newest.limit = 1;
      auto recent = TRY(tx.calls().List(newest));
      anchor = recent.empty() ? store::Call{} : std::move(recent.front());
    }
    store::DetectionCaseItem item;
    item.user_id = user_id;
    item.opened_by = moderator.id;
    item.score = score.score;
    item.reasons = json::serialize(ReasonsJson(score.reasons));
    item.window_days = window_days;
    auto filed = TRY(moderation::FileDetection(tx, moderation_, item, *anchor, calls, now));
    return DetectionCaseOutcome{std::move(filed.c), std::move(item), true, filed.case_opened};
  }));
  if (out.created) {
    base::log::Info("case_opened_from_detection", {{"case_id", out.c.id},
                                                   {"user_id", user_id},
                                                   {"moderator_id", moderator.id},
                                                   {"case_opened", out.case_opened}});
  }
  return out;
}

}  // namespace vitrina::speech_analytics
