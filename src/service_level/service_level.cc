#include "service_level/service_level.h"

#include <algorithm>
#include <cmath>

namespace vitrina::service_level {
namespace {

constexpr std::array<std::string_view, 7> kCodes = {
    "listing_freshness", "description_truthful", "answers_messages", "answers_calls",
    "call_attendance",   "call_conduct",         "no_duplicates"};

ParameterResult Result(Parameter p, double sample = 0, double events = 0) {
  ParameterResult r;
  r.parameter = p;
  r.sample = sample;
  r.events = events;
  return r;
}

int Score(double x) {
  if (!(x > 0)) return 0;  // also NaN
  return static_cast<int>(std::min<long>(100, std::lround(x)));
}

// The counted days: sorted, for binary search.
class DaySet {
 public:
  explicit DaySet(std::vector<Day> days) : days_(std::move(days)) {}
  bool Contains(TimeMs t) const { return std::binary_search(days_.begin(), days_.end(), DayOf(t)); }

 private:
  std::vector<Day> days_;
};

// score = 100 × (1 − k × events / max(sample, floor)); applicable from `min_sample` or any event.
ParameterResult Rate(Parameter p, double sample, double events, double k, double floor,
                     int min_sample) {
  ParameterResult r = Result(p, sample, events);
  if (sample < min_sample && events <= 0) return r;
  r.score = Score(100.0 * (1.0 - k * events / std::max(sample, floor)));
  return r;
}

// score = 100 × good / sample; applicable from `min_sample`.
ParameterResult Share(Parameter p, double sample, double bad, int min_sample) {
  ParameterResult r = Result(p, sample, bad);
  if (sample < min_sample || sample <= 0) return r;
  r.score = Score(100.0 * (sample - bad) / sample);
  return r;
}

ParameterResult Freshness(const std::vector<ListingInfo>& listings, TimeMs now, const Options& o) {
  ParameterResult r = Result(Parameter::kListingFreshness);
  double sum = 0;
  for (const ListingInfo& l : listings) {
    if (!l.active) continue;
    const double age_days = static_cast<double>(now - l.updated_at) / kDayMs;
    double s = 100;
    if (age_days >= o.stale_days) {
      s = 0;
    } else if (age_days > o.fresh_days) {
      s = 100.0 * (o.stale_days - age_days) / (o.stale_days - o.fresh_days);
    }
    sum += s;
    r.sample += 1;
    if (s < 100) r.events += 1;
  }
  if (r.sample > 0) r.score = Score(sum / r.sample);
  return r;
}

Window SelectDays(const std::vector<Day>& active_days, TimeMs now, const Options& o,
                  std::vector<Day>* selected) {
  const Day today = DayOf(now);
  const Day first = today - std::max(o.lookback_days, 1) + 1;
  std::vector<Day> days;
  for (Day d : active_days) {
    if (d >= first && d <= today) days.push_back(d);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  const std::size_t keep = static_cast<std::size_t>(std::max(o.window_days, 0));
  if (days.size() > keep) days.erase(days.begin(), days.end() - static_cast<long>(keep));
  Window w;
  if (days.empty()) {
    w.from = DayStart(first);  // where we looked, and found nothing
    w.to = now;
  } else {
    w.from = DayStart(days.front());
    w.to = std::min(now, DayStart(days.back() + 1));
    w.active_days = static_cast<int>(days.size());
  }
  *selected = std::move(days);
  return w;
}

}  // namespace

Day DayOf(TimeMs t) { return t >= 0 ? t / kDayMs : -((-t + kDayMs - 1) / kDayMs); }

std::string_view ParameterCode(Parameter p) { return kCodes[static_cast<std::size_t>(p)]; }

std::optional<Parameter> ParseParameter(std::string_view code) {
  for (Parameter p : kAllParameters) {
    if (ParameterCode(p) == code) return p;
  }
  return std::nullopt;
}

std::string_view ZoneName(Zone zone) { return zone == Zone::kGreen ? "green" : "red"; }

Zone ZoneOf(int level) { return level > kRedAtOrBelow ? Zone::kGreen : Zone::kRed; }

std::vector<Day> ActiveDaysFromListings(const std::vector<ListingInfo>& listings, TimeMs now) {
  std::vector<Day> days;
  const Day today = DayOf(now);
  for (const ListingInfo& l : listings) {
    const Day from = DayOf(l.created_at);
    const Day to = std::min(today, l.active ? today : DayOf(l.updated_at));
    for (Day d = from; d <= to; ++d) days.push_back(d);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

ServiceLevel Compute(const SellerActivity& seller, TimeMs now, const Options& o) {
  ServiceLevel out;
  std::vector<Day> selected;
  out.window = SelectDays(seller.active_days, now, o, &selected);
  const DaySet counted(std::move(selected));

  std::vector<ListingInfo> active;
  for (const ListingInfo& l : seller.listings) {
    if (l.active) active.push_back(l);
  }

  // description_truthful and call_conduct share the ended calls as their sample.
  double ended = 0, bad_calls = 0;
  for (const EndedCall& c : seller.ended_calls) {
    if (!counted.Contains(c.ended_at)) continue;
    ended += 1;
    bad_calls += std::min(
        1.0, std::max(0, c.upheld_complaints) + o.conduct_flag_weight * std::max(0, c.high_flags));
  }
  double upheld = 0;
  for (TimeMs t : seller.upheld_not_as_described) upheld += counted.Contains(t);

  double conversations = 0, unanswered = 0;
  for (const BuyerConversation& c : seller.conversations) {
    if (!counted.Contains(c.started_at)) continue;
    const TimeMs deadline = c.started_at + o.answer_within_ms;
    if (c.first_answer_at && *c.first_answer_at <= deadline) {
      conversations += 1;
    } else if (c.first_answer_at || now > deadline) {
      conversations += 1;
      unanswered += 1;
    }  // else: not answered yet, still within the 24 h: not decided
  }

  double proposals = 0, refused = 0;
  for (const CallProposal& p : seller.proposals) {
    if (p.outcome == ProposalOutcome::kOpen || !counted.Contains(p.proposed_at)) continue;
    proposals += 1;
    refused += p.outcome != ProposalOutcome::kAccepted;
  }

  double due = 0, no_shows = 0;
  for (const DueCall& c : seller.due_calls) {
    if (!counted.Contains(c.at)) continue;
    due += 1;
    no_shows += c.seller_no_show;
  }

  out.duplicates = FindRepeats(active, o.duplicates);

  out.parameters.push_back(Freshness(seller.listings, now, o));
  out.parameters.push_back(Rate(Parameter::kDescriptionTruthful, ended, upheld, o.truthful_k,
                                o.truthful_floor, o.truthful_min_calls));
  out.parameters.push_back(
      Share(Parameter::kAnswersMessages, conversations, unanswered, o.messages_min_conversations));
  out.parameters.push_back(
      Share(Parameter::kAnswersCalls, proposals, refused, o.calls_min_proposals));
  out.parameters.push_back(Rate(Parameter::kCallAttendance, due, no_shows, o.attendance_k,
                                o.attendance_floor, o.attendance_min_calls));
  out.parameters.push_back(Rate(Parameter::kCallConduct, ended, bad_calls, o.conduct_k,
                                o.conduct_floor, o.conduct_min_calls));
  {
    ParameterResult r = Result(Parameter::kNoDuplicates, static_cast<double>(active.size()),
                               static_cast<double>(out.duplicates.size()));
    if (active.size() >= 2) r.score = Score(100.0 * (1.0 - o.duplicates_k * r.events / r.sample));
    out.parameters.push_back(r);
  }

  for (ParameterResult& r : out.parameters) {
    if (!r.score) continue;
    r.weak = *r.score < o.weak_below;
    if (!out.level || *r.score < *out.level) {
      out.level = *r.score;
      out.weakest = r.parameter;
    }
  }
  out.zone = out.level ? ZoneOf(*out.level) : Zone::kGreen;
  return out;
}

Badge EvaluateBadge(const ServiceLevel& level, const BadgeInput& input, const Options& o) {
  Badge b;
  if (!level.level) {
    b.missing.emplace_back("level_unknown");
  } else if (level.zone != Zone::kGreen) {
    b.missing.emplace_back("level_red");
  }
  if (input.rating_count > 0 && input.rating_average < o.badge_min_rating) {
    b.missing.emplace_back("rating_low");
  }
  if (input.rating_count < o.badge_min_ratings) b.missing.emplace_back("ratings_few");
  if (!input.verified) b.missing.emplace_back("not_verified");
  b.reliable = b.missing.empty();
  return b;
}

ZoneShares CountZones(const std::vector<std::optional<int>>& levels) {
  ZoneShares z;
  for (const std::optional<int>& l : levels) {
    if (!l) {
      ++z.no_level;
    } else if (ZoneOf(*l) == Zone::kGreen) {
      ++z.green;
    } else {
      ++z.red;
    }
  }
  const std::int64_t n = z.green + z.red;
  if (n > 0) {
    z.green_share = static_cast<double>(z.green) / static_cast<double>(n);
    z.red_share = static_cast<double>(z.red) / static_cast<double>(n);
  }
  return z;
}

}  // namespace vitrina::service_level
