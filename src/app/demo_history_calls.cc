#include "app/demo_history_internal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "transcripts/transcript_service.h"

namespace vitrina::app::demo_history {

namespace json = boost::json;

// When calls start: 10–14 on weekdays, 5–8 at weekends, between 07:00 and 17:30 UTC (the
// sellers' call hours in Moscow and London), on the last kHistoryDays days up to today and
// at least two hours ago: every call is over, and none is older than the default retention
// (30 days), which would delete its transcript as soon as the server starts.
std::vector<TimeMs> Generator::CallTimes() {
  std::vector<TimeMs> out;
  for (int back = kHistoryDays - 1; back >= 0; --back) {
    const TimeMs day = today_ - back * kDay;
    const auto weekday = (day / kDay + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
    const auto n = weekday < 5 ? rng_.Int(10, 14) : rng_.Int(5, 8);
    std::vector<TimeMs> times;
    for (std::int64_t i = 0; i < n; ++i) {
      const TimeMs at = day + rng_.Int(7 * kHour, 17 * kHour + 30 * kMinute);
      if (at < now_ - 2 * kHour) times.push_back(at);
    }
    std::sort(times.begin(), times.end());
    out.insert(out.end(), times.begin(), times.end());
  }
  return out;
}

bool Generator::TakesCalls(std::size_t seller) const {
  for (auto l : people_[seller].listings) {
    if (listings_[l].listing.video_call_ready) return true;
  }
  return false;
}

std::size_t Generator::PickSeller(std::size_t slot, TimeMs at) {
  // Every sixth call is the star's: about fifty calls, enough for 30+ ratings.
  if (slot % 6 == 0) return 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    // Dishonest sellers are busy (weight 8 against 5).
    std::vector<std::size_t> pool;
    for (std::size_t s = 1; s < kSellers; ++s) {
      if (!TakesCalls(s)) continue;
      const int weight = people_[s].spec.kind == Kind::kDishonest ? 8 : 5;
      for (int w = 0; w < weight; ++w) pool.push_back(s);
    }
    const auto s = rng_.Pick(pool);
    if (!Blocked(people_[s], at)) return s;  // a blocked seller takes no calls
  }
  return 0;
}

std::size_t Generator::PickBuyer(const std::string& lang) {
  std::vector<std::size_t> same, any;
  for (std::size_t b = kSellers; b < std::size(kPeople); ++b) {  // (not the demo seller)
    any.push_back(b);
    if (people_[b].lang == lang) same.push_back(b);
  }
  return rng_.Chance(0.9) ? rng_.Pick(same) : rng_.Pick(any);
}

std::string Generator::PickOutcome(Kind seller) {
  struct Share {
    const char* outcome;
    double p;
  };
  static const std::vector<Share> star = {{"ended", 0.85}, {"no_show_buyer", 0.09}, {"failed", 0.06}};
  static const std::vector<Share> honest = {{"ended", 0.68},         {"no_show_buyer", 0.09},
                                            {"no_show_seller", 0.05}, {"no_show_both", 0.02},
                                            {"not_answered", 0.06},   {"failed", 0.05},
                                            {"declined", 0.05}};
  static const std::vector<Share> dishonest = {{"ended", 0.60},         {"no_show_buyer", 0.07},
                                               {"no_show_seller", 0.13}, {"no_show_both", 0.03},
                                               {"not_answered", 0.07},   {"failed", 0.05},
                                               {"declined", 0.05}};
  const auto& shares = seller == Kind::kStar ? star : seller == Kind::kDishonest ? dishonest : honest;
  double r = rng_.Real();
  for (const auto& s : shares) {
    if (r < s.p) return s.outcome;
    r -= s.p;
  }
  return "ended";
}

Result<void> Generator::GenerateCalls() {
  const auto times = CallTimes();
  for (std::size_t slot = 0; slot < times.size(); ++slot) {
    const TimeMs at = times[slot];
    TRY(RunEventsUntil(at));
    const auto seller = PickSeller(slot, at);
    std::vector<std::size_t> ready;
    for (auto l : people_[seller].listings) {
      if (listings_[l].listing.video_call_ready) ready.push_back(l);
    }
    const auto listing = rng_.Pick(ready);
    const auto buyer = PickBuyer(people_[seller].lang);
    TRY(WriteCall(seller, buyer, listing, PickOutcome(people_[seller].spec.kind), at));
  }
  return {};
}

// The conversation the call is proposed in, with the buyer's question and the seller's
// answer before it (what answers_messages is computed from).
Result<Id> Generator::Conversation(store::Tx& tx, const Person& seller, const Person& buyer,
                                   const GenListing& l, TimeMs call_at) {
  const bool star = seller.spec.kind == Kind::kStar;
  const TimeMs answer_after = star ? rng_.Int(1, 15) * kMinute : rng_.Int(2, 90) * kMinute;
  const TimeMs asked = call_at - answer_after - rng_.Int(5, 120) * kMinute;
  auto [conv, created] = TRY(tx.chat().FindOrCreateConversation(l.listing.id, buyer.user.id, seller.user.id, asked));
  const bool ru = buyer.lang == "ru";
  const bool job = std::string(l.item->vertical) == "jobs";
  std::string question;
  if (!created) {
    question = ru ? "Здравствуйте, можно ещё раз созвониться?" : "Hi, could we have another call?";
  } else if (job) {
    question = ru ? "Здравствуйте! Вакансия ещё открыта?" : "Hi! Is the position still open?";
  } else {
    question = ru ? "Здравствуйте! Ещё актуально?" : "Hi! Is it still available?";
  }
  TRY(tx.chat().InsertMessage(conv.id, buyer.user.id, question, asked));
  const bool seller_ru = seller.lang == "ru";
  TRY(tx.chat().InsertMessage(conv.id, seller.user.id,
                              seller_ru ? "Да, давайте созвонимся по видео." : "Yes, let's have a video call.",
                              asked + answer_after));
  return conv.id;
}

Result<void> Generator::WriteCall(std::size_t s, std::size_t b, std::size_t l,
                                  const std::string& outcome, TimeMs at) {
  Person& seller = people_[s];
  Person& buyer = people_[b];
  const GenListing& listing = listings_[l];
  const calls::CallOptions call_options;  // the service's windows

  store::Call c;
  c.listing_id = listing.listing.id;
  c.buyer_id = buyer.user.id;
  c.seller_id = seller.user.id;
  const bool buyer_proposed = rng_.Chance(buyer_proposes_);
  c.proposed_by = buyer_proposed ? buyer.user.id : seller.user.id;
  // As CallService::Propose and Accept leave a call: now, or scheduled for later.
  const bool scheduled = rng_.Chance(0.3);
  if (scheduled) {
    c.created_at = at - rng_.Int(60, 30 * 60) * kMinute;
    c.scheduled_for = at;
    c.join_opens_at = at - call_options.early_join_ms;
  } else {
    c.created_at = at;
    c.join_opens_at = at;
  }
  c.join_closes_at = at + call_options.no_show_grace_ms;
  const Id answerer = buyer_proposed ? seller.user.id : buyer.user.id;
  if (outcome != "not_answered" && outcome != "declined") {
    c.accepted_at = scheduled ? std::min(c.created_at + rng_.Int(3, 120) * kMinute, at - 6 * kMinute)
                              : at + rng_.Int(15, 180) * kSecond;
    if (!scheduled) c.join_opens_at = *c.accepted_at;
  }

  std::optional<std::vector<Line>> dialogue;
  TimeMs talk_from = 0;  // offset of both being in, on the call's timeline
  TimeMs talk_to = 0;
  if (outcome == "ended") {
    const TimeMs first = scheduled ? at + rng_.Int(-120, 240) * kSecond : *c.accepted_at + rng_.Int(10, 90) * kSecond;
    const bool seller_first = rng_.Chance(0.55);
    auto& p1 = seller_first ? c.seller : c.buyer;
    auto& p2 = seller_first ? c.buyer : c.seller;
    c.started_at = first;
    p1.consent_at = first;
    p1.joined_at = first + rng_.Int(800, 2500);
    p2.consent_at = first + rng_.Int(5, 150) * kSecond;
    p2.joined_at = *p2.consent_at + rng_.Int(800, 2500);
    // 30 s – 25 min, median four minutes, a long tail.
    TimeMs duration = static_cast<TimeMs>(std::exp(std::log(240.0) + 0.85 * rng_.Normal()) * 1000);
    duration = std::clamp<TimeMs>(duration, 30 * kSecond, 25 * kMinute);
    duration = std::max(duration, *p2.joined_at - first + 20 * kSecond);
    TimeMs last_left = first + duration;
    if (rng_.Chance(0.85)) {  // someone hangs up; the other is out at the same moment
      c.ended_at = last_left;
      c.end_reason = "hangup";
      c.ended_by = rng_.Chance(0.5) ? buyer.user.id : seller.user.id;
      c.buyer.left_at = c.seller.left_at = last_left;
    } else {  // both left; the sweep ends the call after the grace
      last_left = first + duration - call_options.leave_grace_ms - rng_.Int(0, 2) * kSecond;
      last_left = std::max(last_left, *p2.joined_at + 20 * kSecond);
      p1.left_at = last_left - rng_.Int(0, 4) * kSecond;
      p2.left_at = last_left;
      c.ended_at = last_left + call_options.leave_grace_ms + rng_.Int(0, 1500);
      c.end_reason = "left";
    }
    c.state = "ended";
    talk_from = *p2.joined_at - first + rng_.Int(500, 2500);
    talk_to = last_left - first - rng_.Int(300, 1500);
    dialogue = Dialogue(seller, buyer, listing, talk_to - talk_from);
  } else if (outcome.starts_with("no_show")) {
    c.state = "missed";
    c.end_reason = "no_show";
    c.no_show = outcome.substr(8);  // buyer | seller | both
    if (*c.no_show != "both") {
      // The one who came opened the room and waited alone for a while.
      auto& came = *c.no_show == "buyer" ? c.seller : c.buyer;
      const TimeMs first = std::max(c.join_opens_at, at + rng_.Int(-60, 180) * kSecond);
      c.started_at = first;
      came.consent_at = first;
      came.joined_at = first + rng_.Int(800, 2500);
      came.left_at = std::min(*came.joined_at + rng_.Int(2, 8) * kMinute, c.join_closes_at);
    }
    c.ended_at = c.join_closes_at + rng_.Int(1, 20) * kSecond;  // the sweep
    ++stats_.no_shows;
  } else if (outcome == "not_answered") {
    c.state = "missed";
    c.end_reason = "not_answered";
    c.ended_at = c.join_closes_at + rng_.Int(1, 20) * kSecond;
  } else if (outcome == "failed") {
    // The first to join found no media server: nobody got in.
    const TimeMs first = scheduled ? at + rng_.Int(-60, 120) * kSecond : *c.accepted_at + rng_.Int(10, 60) * kSecond;
    auto& p = rng_.Chance(0.5) ? c.buyer : c.seller;
    c.started_at = first;
    p.consent_at = first;
    c.state = "failed";
    c.end_reason = "media_failed";
    c.ended_at = first + rng_.Int(800, 4000);
  } else {  // declined
    c.state = "declined";
    c.end_reason = "declined";
    c.ended_by = answerer;
    c.ended_at = scheduled ? std::min(c.created_at + rng_.Int(5, 180) * kMinute, at - kMinute)
                           : at + rng_.Int(20, 300) * kSecond;
  }
  c.recording_status = "none";  // generated: nothing was recorded, no file to play
  c.transcript_status = dialogue ? "ready" : "none";
  const TimeMs transcribed_at = *c.ended_at + rng_.Int(40, 240) * kSecond;
  c.updated_at = dialogue ? transcribed_at : *c.ended_at;

  std::optional<store::NewTranscript> transcript;
  std::vector<std::pair<const Scam*, moderation::TimeRange>> scams;
  if (dialogue) {
    transcript = Timed(*dialogue, seller.lang, talk_from, talk_to, scams);
  }
  const auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    c.conversation_id = TRY(Conversation(tx, seller, buyer, listing, c.created_at));
    auto stored = TRY(tx.calls().Insert(c));
    if (transcript) {
      // As TranscriptService stores a version: the analytics job queued with it.
      auto t = TRY(tx.transcripts().Insert(stored.id, *transcript, transcribed_at));
      store::NewJob analyze;
      analyze.kind = transcripts::kAnalyzeJob;
      analyze.payload = json::serialize(json::object{{"call_id", stored.id}, {"version", t.version}});
      analyze.dedupe_key = "analyze:" + std::to_string(stored.id) + ":" + std::to_string(t.version);
      analyze.run_after = transcribed_at;
      if (TRY(tx.jobs().Insert(analyze, transcribed_at))) ++stats_.analyze_jobs;
      ++stats_.transcripts;
    }
    return stored;
  }));
  ++stats_.calls;
  call_days_.insert(call.started_at.value_or(call.scheduled_for.value_or(call.created_at)) / kDay);
  if (call.state == "ended") ++stats_.ended;
  if (call.state == "missed") ++stats_.missed;
  if (call.state == "failed") ++stats_.failed;
  if (call.state == "declined") ++stats_.declined;
  if (call.state == "ended") FollowUp(call, s, b, scams);
  return {};
}

std::vector<Line> Generator::Dialogue(const Person& seller, const Person& buyer,
                                      const GenListing& l, TimeMs talk_ms) {
  const std::string& lang = seller.lang;
  const std::string vertical = l.item->vertical;
  const std::string noun = lang == "ru" ? l.item->noun_ru : l.item->noun_en;
  auto fill = [&](const char* s) { return Replace(s, "{item}", noun); };
  const auto& open = rng_.Pick(Openings().at(vertical == "jobs" ? lang + "-jobs" : lang));
  std::vector<Exchange> middle = Middles().at(lang + "-" + vertical);
  rng_.Shuffle(middle);
  // A few to twenty segments, more for longer calls.
  const auto target = std::clamp<std::int64_t>(4 + talk_ms / (35 * kSecond) + rng_.Int(-1, 2), 4, 20);
  std::vector<Line> lines{{"buyer", fill(open.buyer)}, {"seller", fill(open.seller)}};
  std::vector<Line> body;
  for (const auto& e : middle) {
    if (static_cast<std::int64_t>(body.size()) + 6 > target) break;
    body.push_back({"buyer", fill(e.buyer)});
    body.push_back({"seller", fill(e.seller)});
  }
  // Into the second half of the talk, between two exchanges.
  auto insert_late = [&](std::vector<Line> extra) {
    const auto n = static_cast<std::int64_t>(body.size());
    const auto hi = n / 2 * 2;
    const auto lo = std::min(hi, (n / 2 + 1) / 2 * 2);
    const auto at = rng_.Int(lo, hi);
    body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
  };
  if (seller.spec.kind == Kind::kDishonest && rng_.Chance(0.85)) {
    std::vector<const Scam*> pool;
    for (const auto& scam : kScams) {
      if (scam.lang == lang && (std::string(scam.vertical).empty() || scam.vertical == vertical)) {
        pool.push_back(&scam);
      }
    }
    rng_.Shuffle(pool);
    const auto n = rng_.Chance(0.35) ? 2 : 1;
    for (int i = 0; i < n && i < static_cast<int>(pool.size()); ++i) {
      std::vector<Line> extra{{"seller", pool[static_cast<std::size_t>(i)]->text, pool[static_cast<std::size_t>(i)]}};
      if (rng_.Chance(0.3)) extra.push_back({"seller", rng_.Pick(Pressure().at(lang))});
      extra.push_back({"buyer", rng_.Pick(Doubts().at(lang))});
      insert_late(std::move(extra));
    }
  }
  if (buyer.spec.kind == Kind::kRudeBuyer && rng_.Chance(0.75)) {
    auto rude = Rudeness().at(lang);
    rng_.Shuffle(rude);
    const auto n = rng_.Chance(0.4) ? 2 : 1;
    for (int i = 0; i < n; ++i) insert_late({{"buyer", rude[static_cast<std::size_t>(i)], nullptr, true}});
  }
  lines.insert(lines.end(), body.begin(), body.end());
  const auto& close = rng_.Pick(Closings().at(lang));
  lines.push_back({"buyer", close.buyer});
  lines.push_back({"seller", close.seller});
  return lines;
}

// The lines placed on the call's timeline between `from` and `to` (ms): one after the
// other, each speaker's words at a plausible pace, pauses between turns, the silence of a
// longer call spread over the pauses. Lines that do not fit a short call are dropped from
// the middle (never a scam or rude line). The scam lines' places go to `scams`.
store::NewTranscript Generator::Timed(
    std::vector<Line> lines, const std::string& lang, TimeMs from, TimeMs to,
    std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams) {
  auto word_ms = [&](const std::string& w) {
    return std::clamp<TimeMs>(110 + (lang == "ru" ? 62 : 70) * CodePoints(w), 180, 950);
  };
  auto speech_ms = [&](const Line& line) {
    TimeMs total = 0;
    for (const auto& w : Words(line.text)) total += word_ms(w) + 60;
    return total;
  };
  constexpr TimeMs kMinPause = 500;
  auto needed = [&] {
    TimeMs total = 0;
    for (const auto& line : lines) total += speech_ms(line) + kMinPause;
    return total;
  };
  while ((lines.size() > 3 && needed() > to - from) || lines.size() > 20) {
    // Drop an ordinary line from the middle (keep the opening and the closing lines).
    std::optional<std::size_t> drop;
    for (std::size_t i = 2; i + 2 < lines.size(); ++i) {
      if (!lines[i].scam && !lines[i].loud) drop = i;
    }
    if (!drop) drop = lines.size() - 2;
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*drop));
  }
  const TimeMs slack = std::max<TimeMs>(0, to - from - needed());
  // Most of the spare time goes into the pauses (looking at the thing), some stays at the end.
  std::vector<double> weights;
  double sum = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    weights.push_back(0.2 + rng_.Real() * rng_.Real());
    sum += weights.back();
  }
  const double spread = static_cast<double>(slack) * rng_.Real(0.6, 0.95);

  store::NewTranscript t;
  t.engine = "demo-seed";
  t.model = "generated";
  t.language = lang;
  std::map<std::string, double> base = {{"buyer", rng_.Real(-29, -21)}, {"seller", rng_.Real(-29, -21)}};
  TimeMs at = from;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (i > 0) at += kMinPause + static_cast<TimeMs>(spread * weights[i] / sum);
    if (at + speech_ms(line) > to) break;  // (only when even the shortest talk does not fit)
    store::TranscriptSegment seg;
    seg.speaker = line.speaker;
    seg.text = line.text;
    seg.start_ms = at;
    for (const auto& w : Words(line.text)) {
      const TimeMs d = word_ms(w);
      seg.words.push_back({w, at, at + d, std::round(rng_.Real(0.7, 0.99) * 100) / 100});
      at += d + 60;
    }
    seg.end_ms = at - 60;
    at = seg.end_ms;
    seg.confidence = std::round(rng_.Real(0.78, 0.96) * 100) / 100;
    double loudness = base[line.speaker] + rng_.Normal() * 1.5 + (line.loud ? rng_.Real(7, 10) : 0);
    seg.loudness_dbfs = std::round(std::clamp(loudness, -35.0, -15.0) * 10) / 10;
    if (line.scam) {
      scams.push_back({line.scam, {std::max<TimeMs>(0, seg.start_ms - 2000), std::min(to, seg.end_ms + 2000)}});
    }
    t.segments.push_back(std::move(seg));
  }
  return t;
}

}  // namespace vitrina::app::demo_history
