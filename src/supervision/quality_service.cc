#include "supervision/quality_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <boost/algorithm/string/replace.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/json.hpp>

#include "analytics/masking.h"
#include "base/log.h"
#include "base/time_format.h"
#include "moderation/rules.h"

namespace vitrina::supervision {

namespace json = boost::json;
using store::Id;
using TimeMs = base::TimeMs;

namespace {

constexpr TimeMs kDayMs = 24 * 3600'000LL;
constexpr std::size_t kMaxText = 4000;

bool IsAction(const std::string& a) { return a == "dismiss" || a == "warn" || a == "block" || a == "ban"; }

std::string Trimmed(const std::string& s) { return boost::algorithm::trim_copy(s); }

// A copied text: PII masked, the real people's names gone.
std::string Anonymise(std::string text, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (name.size() >= 2) boost::algorithm::replace_all(text, name, "[name]");
  }
  return analytics::Mask(text);
}

std::string Str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? Trimmed(std::string(v->as_string())) : std::string();
}

Result<std::string> TaskText(const std::optional<std::string>& raw, const char* code, bool required) {
  if (!raw || Trimmed(*raw).empty()) {
    if (required) return base::InvalidArgument(code, "A result is required to close the task");
    return std::string();
  }
  auto t = Trimmed(*raw);
  if (t.size() > kMaxText) return base::InvalidArgument(code, "At most 4000 bytes");
  return t;
}

std::string Day(TimeMs t) { return base::FormatRfc3339(t).substr(0, 10); }

}  // namespace

QualityService::QualityService(store::Store& store, const base::Clock& clock, std::string language)
    : store_(store), clock_(clock), language_(std::move(language)) {}

Result<store::Honeypot> QualityService::CreateHoneypot(const store::User& supervisor, const HoneypotInput& in) {
  if (!IsAction(in.expected_action)) {
    return base::InvalidArgument("invalid_expected", "expected.action must be dismiss, warn, block or ban");
  }
  for (const auto& a : in.acceptable) {
    if (!IsAction(a)) return base::InvalidArgument("invalid_expected", "expected.acceptable: unknown action " + a);
  }
  if (in.from_case_id.has_value() == in.synthetic_json.has_value()) {
    return base::InvalidArgument("invalid_honeypot", "Give either from_case_id or synthetic");
  }
  const auto now = clock_.NowMs();
  store::Honeypot h;
  h.created_by = supervisor.id;
  h.expected_action = in.expected_action;
  for (const auto& a : in.acceptable) {
    if (a != in.expected_action && std::find(h.acceptable.begin(), h.acceptable.end(), a) == h.acceptable.end()) {
      h.acceptable.push_back(a);
    }
  }
  h.language = language_;
  h.created_at = now;
  json::object content;
  if (in.synthetic_json) {
    boost::system::error_code ec;
    auto v = json::parse(*in.synthetic_json, ec);
    if (ec || !v.is_object()) return base::InvalidArgument("invalid_honeypot", "synthetic must be an object");
    const auto& o = v.as_object();
    h.source = "synthetic";
    h.category = Str(o, "category");
    if (!moderation::IsCategory(h.category)) {
      return base::InvalidArgument("invalid_category", "synthetic.category must be a complaint category");
    }
    const auto text = Str(o, "text");
    if (text.empty() || text.size() > kMaxText) {
      return base::InvalidArgument("invalid_text", "synthetic.text is required (at most 4000 bytes)");
    }
    const auto vertical = Str(o, "vertical");
    if (!vertical.empty()) {
      if (vertical != "goods" && vertical != "realty" && vertical != "auto" && vertical != "jobs") {
        return base::InvalidArgument("invalid_vertical", "synthetic.vertical must be goods, realty, auto or jobs");
      }
      h.vertical = vertical;
    }
    json::object complaint{{"category", h.category}, {"text", text}};
    if (auto quote = Str(o, "quote"); !quote.empty()) complaint["quote"] = quote;
    content["complaints"] = json::array{complaint};
    json::array lines;
    if (const auto* t = o.if_contains("transcript"); t && t->is_array()) {
      for (const auto& line : t->as_array()) {
        if (!line.is_object()) return base::InvalidArgument("invalid_transcript", "transcript lines are objects");
        const auto speaker = Str(line.as_object(), "speaker");
        const auto said = Str(line.as_object(), "text");
        if ((speaker != "accused" && speaker != "reporter") || said.empty()) {
          return base::InvalidArgument("invalid_transcript", "Each line needs speaker (accused|reporter) and text");
        }
        lines.push_back(json::object{{"speaker", speaker}, {"text", said}});
      }
    }
    if (lines.size() > 500) return base::InvalidArgument("invalid_transcript", "At most 500 lines");
    content["transcript"] = std::move(lines);
    for (const char* key : {"listing_title", "accused_name", "reporter_name"}) {
      if (auto s = Str(o, key); !s.empty()) content[key] = s.substr(0, 200);
    }
  }
  return store_.Write([&](store::Tx& tx) -> Result<store::Honeypot> {
    store::Honeypot out = h;
    json::object body = content;
    if (in.from_case_id) {
      auto c = TRY(tx.cases().FindCase(*in.from_case_id));
      if (!c) return base::NotFound("case_not_found", "No such case");
      if (c->kind != "complaints" || c->status != "decided") {
        return base::Conflict("case_not_decided", "Only a decided complaints case can be copied");
      }
      out.source = "case";
      out.vertical = c->vertical;
      store::ComplaintFilter f;
      f.case_id = c->id;
      f.limit = 50;
      auto complaints = TRY(tx.complaints().ListComplaints(f));
      std::vector<std::string> names;
      std::set<Id> people{c->accused_id};
      for (const auto& k : complaints) people.insert(k.reporter_id);
      for (Id p : people) {
        if (auto u = TRY(tx.users().FindById(p))) names.push_back(u->display_name);
      }
      if (complaints.empty()) return base::Conflict("case_not_decided", "The case has no complaints to copy");
      const auto& first = complaints.back();  // the oldest (newest first)
      out.category = first.category;
      json::object complaint{{"category", first.category}, {"text", Anonymise(first.text, names)}};
      if (first.quote) complaint["quote"] = Anonymise(*first.quote, names);
      body["complaints"] = json::array{complaint};
      json::array lines;
      if (auto call = TRY(tx.calls().FindById(first.call_id))) {
        const std::string accused_role = call->seller_id == c->accused_id ? "seller" : "buyer";
        if (auto t = TRY(tx.transcripts().Current(call->id))) {
          for (const auto& seg : t->segments) {
            lines.push_back(json::object{{"speaker", seg.speaker == accused_role ? "accused" : "reporter"},
                                         {"start_ms", seg.start_ms},
                                         {"end_ms", seg.end_ms},
                                         {"text", Anonymise(seg.text, names)}});
          }
          out.language = t->language.empty() ? language_ : t->language;
        }
        if (call->started_at && call->ended_at) body["call_minutes"] = std::max<TimeMs>(1, (*call->ended_at - *call->started_at) / 60'000);
        if (auto listing = TRY(tx.listings().FindById(call->listing_id))) body["listing_title"] = listing->title;
      }
      body["transcript"] = std::move(lines);
    }
    out.content = json::serialize(body);
    out = TRY(tx.quality().InsertHoneypot(out));
    TRY(tx.audit().Append({supervisor.id, "honeypot.created", "honeypot", std::to_string(out.id),
                           json::serialize(json::object{{"source", out.source},
                                                        {"category", out.category},
                                                        {"expected_action", out.expected_action}}),
                           "[]"},
                          now));
    return out;
  });
}

Result<std::vector<store::Honeypot>> QualityService::Honeypots() {
  return store_.Read([&](store::Tx& tx) { return tx.quality().ListHoneypots(); });
}

Result<QualityReport> QualityService::Moderators(TimeMs from, TimeMs to) {
  if (from > to) return base::InvalidArgument("invalid_range", "from must not be after to");
  const auto started = std::chrono::steady_clock::now();
  QualityReport report;
  report.from = from;
  report.to = to;
  report.period = to - from <= kDayMs + 60'000 ? "day" : to - from <= 7 * kDayMs + 60'000 ? "week" : "month";
  TRY(store_.Read([&](store::Tx& tx) -> Result<void> {
    std::map<Id, std::vector<store::DecisionFact>> by;
    for (auto& f : TRY(tx.quality().DecisionFacts(from, to))) by[f.moderator_id].push_back(std::move(f));
    const auto reviews = TRY(tx.quality().DecidedReviews(from, to));
    for (auto& [id, facts] : by) {
      ModeratorQuality m;
      m.moderator_id = id;
      if (auto u = TRY(tx.users().FindById(id))) {
        m.name = u->display_name;
        m.skills = u->skills;
      }
      auto& fig = m.figures;
      fig.moderator_id = id;
      fig.name = m.name;
      fig.skills = m.skills;
      std::sort(fig.skills.begin(), fig.skills.end());
      std::vector<double> handling;
      for (const auto& f : facts) {
        ++fig.decided;
        if (f.assigned_at && f.decided_at >= *f.assigned_at) {
          handling.push_back(static_cast<double>(f.decided_at - *f.assigned_at) / 1000.0);
        }
        if (f.honeypot) {
          ++fig.honeypot_n;
          if (f.honeypot_correct.value_or(false)) ++fig.honeypot_correct;
          continue;  // a test case's category and outcome say nothing of the real mix
        }
        ++fig.decisions[f.category][f.action];
        if (f.appealed) ++fig.appealed;
        if (f.overturned) ++fig.overturned;
        if (f.decided_at > f.sla_due_at) ++fig.sla_breaches;
      }
      if (!handling.empty()) fig.handling_time_p50_s = quality::Median(handling);
      if (fig.honeypot_n > 0) {
        m.honeypot_accuracy = static_cast<double>(fig.honeypot_correct) / static_cast<double>(fig.honeypot_n);
      }
      m.honeypot_ci95 = quality::Wilson95(fig.honeypot_correct, fig.honeypot_n);
      // Agreement with second reviewers: this moderator's action against the other's, in every
      // review they were part of (first or second), from 5 reviews on.
      std::vector<std::string> mine, theirs;
      for (const auto& r : reviews) {
        if (!r.second_action || !r.second_moderator_id) continue;
        if (r.first_moderator_id == id) {
          mine.push_back(r.first_action);
          theirs.push_back(*r.second_action);
        } else if (*r.second_moderator_id == id) {
          mine.push_back(*r.second_action);
          theirs.push_back(r.first_action);
        }
      }
      if (mine.size() >= 5) fig.agreement_kappa = quality::CohenKappa(mine, theirs);
      if (fig.appealed > 0) {
        m.overturned_on_appeal = static_cast<double>(fig.overturned) / static_cast<double>(fig.appealed);
      }
      report.moderators.push_back(std::move(m));
    }
    return {};
  }));
  std::vector<quality::ModeratorFigures> all;
  for (const auto& m : report.moderators) all.push_back(m.figures);
  auto found = quality::FindDeviations(all, deviation_options_);
  for (std::size_t i = 0; i < found.size() && i < report.moderators.size(); ++i) {
    report.moderators[i].deviations = std::move(found[i]);
  }
  // Each deviation becomes a supervisor's task, once per moderator, period and metric.
  const auto now = clock_.NowMs();
  TRY(store_.Write([&](store::Tx& tx) -> Result<void> {
    for (const auto& m : report.moderators) {
      for (const auto& d : m.deviations) {
        store::QualityTask t;
        t.moderator_id = m.moderator_id;
        t.period = report.period;
        t.period_key = Day(to);
        t.metric = d.metric;
        t.value = d.value;
        t.peer_median = d.peer_median;
        t.z = d.z;
        t.explanation = (m.name.empty() ? std::string("The moderator") : m.name) + " " + d.explanation;
        t.opened_at = now;
        auto [task, fresh] = TRY(tx.quality().InsertTask(t));
        if (!fresh) continue;
        ++report.tasks_opened;
        TRY(tx.audit().Append({std::nullopt, "quality_task.opened", "quality_task", std::to_string(task.id),
                               json::serialize(json::object{{"moderator_id", std::to_string(m.moderator_id)},
                                                            {"metric", d.metric},
                                                            {"period", report.period},
                                                            {"z", d.z}}),
                               "[]"},
                              now));
      }
    }
    return {};
  }));
  base::log::Info("quality_report", {{"moderators", static_cast<std::int64_t>(report.moderators.size())},
                                     {"period", report.period},
                                     {"tasks_opened", report.tasks_opened},
                                     {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                                                .count()}});
  return report;
}

Result<void> QualityService::TaskExists(Id id) {
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    if (!TRY(tx.quality().FindTask(id))) return base::NotFound("task_not_found", "No such task");
    return {};
  });
}

Result<void> QualityService::ReviewExists(Id id) {
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    if (!TRY(tx.quality().FindReview(id))) return base::NotFound("review_not_found", "No such review");
    return {};
  });
}

Result<std::vector<store::QualityTask>> QualityService::Tasks(std::optional<std::string> status, int limit) {
  if (status && *status != "open" && *status != "acknowledged" && *status != "closed") {
    return base::InvalidArgument("invalid_status", "status must be open, acknowledged or closed");
  }
  return store_.Read([&](store::Tx& tx) { return tx.quality().ListTasks(status, limit); });
}

Result<store::QualityTask> QualityService::AcknowledgeTask(const store::User& supervisor, Id id,
                                                           std::optional<std::string> note) {
  const auto text = TRY(TaskText(note, "invalid_note", false));
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::QualityTask> {
    auto t = TRY(tx.quality().FindTask(id));
    if (!t) return base::NotFound("task_not_found", "No such task");
    if (t->status != "open") return base::Conflict("task_not_open", "The task is already " + t->status);
    t->status = "acknowledged";
    t->acknowledged_by = supervisor.id;
    t->acknowledged_at = now;
    if (!text.empty()) t->note = text;
    TRY(tx.quality().UpdateTask(*t));
    TRY(tx.audit().Append({supervisor.id, "quality_task.acknowledged", "quality_task", std::to_string(id),
                           json::serialize(json::object{{"note", text}}), "[]"},
                          now));
    return *t;
  });
}

Result<store::QualityTask> QualityService::CloseTask(const store::User& supervisor, Id id, const std::string& result,
                                                     std::optional<std::string> note) {
  const auto outcome = TRY(TaskText(result, "invalid_result", true));
  const auto text = TRY(TaskText(note, "invalid_note", false));
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::QualityTask> {
    auto t = TRY(tx.quality().FindTask(id));
    if (!t) return base::NotFound("task_not_found", "No such task");
    if (t->status == "closed") return base::Conflict("task_closed", "The task is already closed");
    if (!t->acknowledged_at) {
      t->acknowledged_by = supervisor.id;
      t->acknowledged_at = now;
    }
    t->status = "closed";
    t->result = outcome;
    if (!text.empty()) t->note = text;
    t->closed_by = supervisor.id;
    t->closed_at = now;
    TRY(tx.quality().UpdateTask(*t));
    TRY(tx.audit().Append({supervisor.id, "quality_task.closed", "quality_task", std::to_string(id),
                           json::serialize(json::object{{"result", outcome}}), "[]"},
                          now));
    return *t;
  });
}

// ---------------------------------------------------------------- double review

Result<std::vector<store::DoubleReview>> QualityService::Reviews(std::optional<std::string> status, int limit) {
  if (status && *status != "pending" && *status != "assigned" && *status != "agreed" && *status != "disagreed" &&
      *status != "resolved") {
    return base::InvalidArgument("invalid_status", "status must be pending, assigned, agreed, disagreed or resolved");
  }
  return store_.Read([&](store::Tx& tx) { return tx.quality().ListReviews(status, limit); });
}

Result<store::DoubleReview> QualityService::Verdict(const store::User& supervisor, Id review_id,
                                                    const std::string& action, const std::string& raw_reason) {
  if (!IsAction(action)) return base::InvalidArgument("invalid_action", "action must be dismiss, warn, block or ban");
  const auto reason = Trimmed(raw_reason);
  if (reason.empty() || reason.size() > kMaxText) {
    return base::InvalidArgument("invalid_reason", "A reason is required (at most 4000 bytes)");
  }
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::DoubleReview> {
    auto r = TRY(tx.quality().FindReview(review_id));
    if (!r) return base::NotFound("review_not_found", "No such review");
    if (r->status != "disagreed") {
      return base::Conflict("review_not_disagreed", "Only a disagreement takes a verdict (this review is " + r->status + ")");
    }
    r->status = "resolved";
    r->verdict = action;
    r->verdict_reason = reason;
    r->verdict_by = supervisor.id;
    r->verdict_at = now;
    TRY(tx.quality().UpdateReview(*r));
    TRY(tx.audit().Append({supervisor.id, "review.verdict", "review", std::to_string(r->id),
                           json::serialize(json::object{{"case_id", std::to_string(r->case_id)},
                                                        {"first_action", r->first_action},
                                                        {"second_action", r->second_action.value_or("")},
                                                        {"verdict", action},
                                                        {"reason", reason}}),
                           "[]"},
                          now));
    return *r;
  });
}

Result<AgreementReport> QualityService::Agreement(TimeMs from, TimeMs to) {
  if (from > to) return base::InvalidArgument("invalid_range", "from must not be after to");
  auto reviews = TRY(store_.Read([&](store::Tx& tx) { return tx.quality().DecidedReviews(from, to); }));
  struct Pairs {
    std::vector<std::string> a, b;
  };
  Pairs overall;
  std::map<std::string, Pairs> pairs, categories;
  for (const auto& r : reviews) {
    if (!r.second_action || !r.second_moderator_id) continue;
    const Id x = std::min(r.first_moderator_id, *r.second_moderator_id);
    const Id y = std::max(r.first_moderator_id, *r.second_moderator_id);
    // Within a pair, the smaller id's action first, so the pair's table is one rater against
    // the other whichever decided first.
    const auto& ax = x == r.first_moderator_id ? r.first_action : *r.second_action;
    const auto& ay = x == r.first_moderator_id ? *r.second_action : r.first_action;
    auto push = [](Pairs& p, const std::string& a, const std::string& b) {
      p.a.push_back(a);
      p.b.push_back(b);
    };
    push(overall, r.first_action, *r.second_action);
    push(pairs[std::to_string(x) + ":" + std::to_string(y)], ax, ay);
    push(categories[r.category], r.first_action, *r.second_action);
  }
  auto make = [](const std::string& key, const Pairs& p) {
    ::vitrina::supervision::Agreement g;
    g.key = key;
    g.n = static_cast<std::int64_t>(p.a.size());
    for (std::size_t i = 0; i < p.a.size(); ++i) g.agreed += p.a[i] == p.b[i] ? 1 : 0;
    if (!p.a.empty()) g.kappa = quality::CohenKappa(p.a, p.b);
    return g;
  };
  AgreementReport out;
  out.overall = make("overall", overall);
  for (const auto& [k, p] : pairs) out.pairs.push_back(make(k, p));
  for (const auto& [k, p] : categories) out.categories.push_back(make(k, p));
  return out;
}

// ---------------------------------------------------------------- reporter credibility

namespace {
Result<ReporterView> ReporterOf(store::Tx& tx, const store::ReporterRecord& r, TimeMs now) {
  ReporterView v;
  v.record = r;
  if (auto u = TRY(tx.users().FindById(r.user_id))) v.display_name = u->display_name;
  v.credibility = moderation::ReporterCredibility(r.upheld, r.dismissed);
  v.muted = r.muted_until && *r.muted_until > now;
  return v;
}
}  // namespace

Result<std::vector<ReporterView>> QualityService::Reporters(int limit) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<ReporterView>> {
    std::vector<ReporterView> out;
    for (const auto& r : TRY(tx.quality().Reporters(limit))) out.push_back(TRY(ReporterOf(tx, r, now)));
    return out;
  });
}

Result<ReporterView> QualityService::MuteReporter(const store::User& supervisor, Id user_id,
                                                  std::optional<TimeMs> until, const std::string& raw_reason) {
  const auto now = clock_.NowMs();
  const auto reason = Trimmed(raw_reason);
  if (until) {
    if (*until <= now) return base::InvalidArgument("invalid_until", "until must be in the future");
    if (reason.empty() || reason.size() > kMaxText) {
      return base::InvalidArgument("invalid_reason", "A reason is required (at most 4000 bytes)");
    }
  }
  return store_.Write([&](store::Tx& tx) -> Result<ReporterView> {
    if (!TRY(tx.users().FindById(user_id))) return base::NotFound("user_not_found", "No such user");
    TRY(tx.quality().SetReporterMute(user_id, until, reason, supervisor.id, now));
    json::object details{{"reason", reason}};
    if (until) details["until"] = base::FormatRfc3339(*until);
    TRY(tx.audit().Append({supervisor.id, until ? "reporter.muted" : "reporter.unmuted", "user",
                           std::to_string(user_id), json::serialize(details), "[]"},
                          now));
    return ReporterOf(tx, TRY(tx.quality().Reporter(user_id)), now);
  });
}

// ---------------------------------------------------------------- complaint themes

Result<ThemesReport> QualityService::Themes(const std::string& source, TimeMs from, TimeMs to) {
  if (source != "complaints" && source != "appeals" && source != "ratings") {
    return base::InvalidArgument("invalid_source", "source must be complaints, appeals or ratings");
  }
  if (from > to) return base::InvalidArgument("invalid_range", "from must not be after to");
  const auto now = clock_.NowMs();
  const std::string key = source + "|" + std::to_string(from) + "|" + std::to_string(to);
  {
    std::lock_guard lock(themes_mu_);
    if (auto it = themes_cache_.find(key); it != themes_cache_.end() && now - it->second.computed_at < themes_ttl_ms_) {
      return it->second;
    }
  }
  const TimeMs length = to - from;
  auto [current, previous] = TRY(store_.Read([&](store::Tx& tx) -> Result<std::pair<std::vector<store::ThemeText>,
                                                                                        std::vector<store::ThemeText>>> {
    auto cur = TRY(tx.quality().ThemeTexts(source, from, to, kMaxThemeTexts + 1));
    auto prev = TRY(tx.quality().ThemeTexts(source, from - length - 1, from - 1, kMaxThemeTexts));
    return std::make_pair(std::move(cur), std::move(prev));
  }));
  ThemesReport report;
  report.source = source;
  report.from = from;
  report.to = to;
  report.truncated = current.size() > static_cast<std::size_t>(kMaxThemeTexts);
  if (report.truncated) current.resize(static_cast<std::size_t>(kMaxThemeTexts));
  report.texts = static_cast<std::int64_t>(current.size());
  std::vector<themes::ThemeDoc> docs;
  docs.reserve(current.size() + previous.size());
  for (auto& t : current) docs.push_back({t.id, std::move(t.text), "", true});
  for (auto& t : previous) docs.push_back({t.id, std::move(t.text), "", false});
  themes::ThemeOptions options;
  report.themes = themes::ClusterThemes(docs, options);
  for (auto& t : report.themes) t.member_ids.clear();  // ids of people's texts stay inside
  report.computed_at = clock_.NowMs();
  base::log::Info("themes_computed", {{"source", source}, {"texts", report.texts},
                                      {"themes", static_cast<std::int64_t>(report.themes.size())},
                                      {"ms", report.computed_at - now}});
  std::lock_guard lock(themes_mu_);
  if (themes_cache_.size() > 64) themes_cache_.clear();
  themes_cache_[key] = report;
  return report;
}

Result<void> QualityService::RefreshThemes() {
  const auto now = clock_.NowMs();
  const TimeMs to = now / kDayMs * kDayMs + kDayMs;  // the end of today: what the page asks by default
  for (const char* source : {"complaints", "appeals", "ratings"}) {
    {
      std::lock_guard lock(themes_mu_);
      themes_cache_.erase(std::string(source) + "|" + std::to_string(to - 30 * kDayMs) + "|" + std::to_string(to));
    }
    TRY(Themes(source, to - 30 * kDayMs, to));
  }
  return {};
}

}  // namespace vitrina::supervision
