#include "moderation/honeypot_intake.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "base/random.h"
#include "moderation/case_intake.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using store::Id;
using TimeMs = base::TimeMs;

namespace {

constexpr TimeMs kMinuteMs = 60'000;

// Invented people's names, when the honeypot does not give them.
constexpr std::array<const char*, 12> kNamesEn = {"Alex Morgan", "Sam Turner", "Jordan Blake", "Casey Reed",
                                                  "Taylor Quinn", "Morgan Hale", "Jamie Cole", "Robin Shaw",
                                                  "Drew Parker", "Avery Lane", "Riley Stone", "Cameron Fox"};
constexpr std::array<const char*, 12> kNamesRu = {"Алексей Смирнов", "Мария Кузнецова", "Дмитрий Попов",
                                                  "Ольга Васильева", "Иван Петров", "Елена Соколова",
                                                  "Сергей Михайлов", "Анна Новикова", "Павел Фёдоров",
                                                  "Наталья Морозова", "Андрей Волков", "Татьяна Лебедева"};

// A 64-bit mix (splitmix64's finaliser): the drawn position of a block.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Str(const json::object& o, const char* key, const std::string& fallback = "") {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

std::int64_t Int(const json::object& o, const char* key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

const char* Name(const std::string& language, std::uint64_t draw) {
  const auto& names = language == "ru" ? kNamesRu : kNamesEn;
  return names[draw % names.size()];
}

// An invented person: a user nobody can sign in as, marked synthetic.
Result<store::User> Invent(store::Tx& tx, Id honeypot_id, const std::string& name, TimeMs now) {
  store::NewUser u;
  u.email = "hp-" + base::RandomToken(12) + "@synthetic.invalid";
  u.display_name = name;
  u.password_hash = "!";  // matches no password
  u.roles = {"user"};
  auto user = TRY(tx.users().Insert(u, now));
  TRY(tx.quality().InsertSyntheticUser(user.id, honeypot_id));
  return user;
}

}  // namespace

Result<bool> HoneypotTurn(store::Tx& tx, const ModerationOptions& options, Id moderator_id) {
  if (options.honeypot_rate <= 0) return false;
  const auto rate = static_cast<std::uint64_t>(options.honeypot_rate);
  const auto n = static_cast<std::uint64_t>(TRY(tx.quality().DecisionsBy(moderator_id)) +
                                            TRY(tx.cases().CountAssigned(moderator_id)));
  const auto block = n / rate;
  const auto slot = Mix(options.honeypot_seed ^ Mix(static_cast<std::uint64_t>(moderator_id) ^ Mix(block))) % rate;
  return n % rate == slot;
}

Result<std::optional<store::Case>> ServeHoneypot(store::Tx& tx, const ModerationOptions& options,
                                                 const store::CaseEligibility& who, TimeMs now) {
  auto h = TRY(tx.quality().HoneypotFor(who.moderator_id, who.verticals, who.languages));
  if (!h) return std::optional<store::Case>();
  boost::system::error_code ec;
  auto parsed = json::parse(h->content, ec);
  const json::object content = !ec && parsed.is_object() ? parsed.as_object() : json::object{};
  const auto draw = base::RandomU64();

  // The case waited a little in the queue; the call ended a little before the complaint.
  const TimeMs opened = now - static_cast<TimeMs>(5 + draw % 36) * kMinuteMs;
  const TimeMs minutes = std::clamp<std::int64_t>(Int(content, "call_minutes", 6), 1, 120);
  const TimeMs ended = opened - static_cast<TimeMs>(3 + (draw >> 8) % 40) * kMinuteMs;
  const TimeMs started = ended - minutes * kMinuteMs;
  const TimeMs created = started - static_cast<TimeMs>(10 + (draw >> 16) % 240) * kMinuteMs;

  auto accused = TRY(Invent(tx, h->id, Str(content, "accused_name", Name(h->language, draw >> 24)), created));
  auto reporter =
      TRY(Invent(tx, h->id, Str(content, "reporter_name", Name(h->language, (draw >> 24) + 1 + (draw >> 40) % 11)),
                 created));
  store::Listing listing;
  listing.seller_id = accused.id;
  listing.title = Str(content, "listing_title", "Item");
  listing.description = listing.title;
  listing.price = Int(content, "price", 10000);
  listing.vertical = h->vertical;
  listing.status = "archived";  // never in the feed or search
  listing.video_call_ready = true;
  listing.call_hours_json = "{}";
  listing.created_at = created;
  listing.updated_at = created;
  listing = TRY(tx.listings().Insert(listing));
  auto [conversation, fresh] = TRY(tx.chat().FindOrCreateConversation(listing.id, reporter.id, accused.id, created));
  (void)fresh;

  store::Call call;
  call.conversation_id = conversation.id;
  call.listing_id = listing.id;
  call.buyer_id = reporter.id;
  call.seller_id = accused.id;
  call.proposed_by = reporter.id;
  call.state = "ended";
  call.join_opens_at = created;
  call.join_closes_at = started + kMinuteMs;
  call.created_at = created;
  call.accepted_at = created + kMinuteMs;
  call.started_at = started;
  call.ended_at = ended;
  call.end_reason = "hangup";
  call.ended_by = reporter.id;
  call.buyer.consent_at = started;
  call.buyer.joined_at = started;
  call.buyer.left_at = ended;
  call.seller.consent_at = started;
  call.seller.joined_at = started;
  call.seller.left_at = ended;
  call.recording_duration_ms = minutes * kMinuteMs;
  call.updated_at = ended;
  call = TRY(tx.calls().Insert(call));

  if (const auto* lines = content.if_contains("transcript"); lines && lines->is_array() && !lines->as_array().empty()) {
    store::NewTranscript t;
    t.engine = "pocketsphinx";
    t.model = h->language == "ru" ? "ru" : "en-us";
    t.language = h->language;
    std::int64_t at = 0;
    for (const auto& line : lines->as_array()) {
      if (!line.is_object()) continue;
      const auto& o = line.as_object();
      store::TranscriptSegment seg;
      seg.speaker = Str(o, "speaker") == "accused" ? "seller" : "buyer";
      seg.text = Str(o, "text");
      seg.start_ms = Int(o, "start_ms", at);
      seg.end_ms = std::max(seg.start_ms + 500, Int(o, "end_ms", seg.start_ms + 3000));
      seg.confidence = 0.85;
      at = seg.end_ms + 500;
      if (!seg.text.empty()) t.segments.push_back(std::move(seg));
    }
    if (!t.segments.empty()) {
      TRY(tx.transcripts().Insert(call.id, t, ended + kMinuteMs));
      call.transcript_status = "ready";
      TRY(tx.calls().Update(call));
    }
  }

  auto c = TRY(OpenOrJoinCase(tx, options, accused.id, call, opened));
  std::vector<json::value> complaints;
  if (const auto* ks = content.if_contains("complaints"); ks && ks->is_array()) {
    for (const auto& k : ks->as_array()) complaints.push_back(k);
  }
  if (complaints.empty()) complaints.push_back(json::object{{"category", h->category}, {"text", h->category}});
  for (const auto& k : complaints) {
    const auto o = k.is_object() ? k.as_object() : json::object{};
    store::Complaint complaint;
    complaint.call_id = call.id;
    complaint.reporter_id = reporter.id;
    complaint.accused_id = accused.id;
    complaint.case_id = c.id;
    complaint.category = Str(o, "category", h->category);
    complaint.text = Str(o, "text", complaint.category);
    complaint.ranges = "[]";
    if (auto quote = Str(o, "quote"); !quote.empty()) {
      complaint.quote = quote;
      complaint.quote_match = TRY(detail::MatchInCall(tx, call, accused.id, quote));
    }
    complaint.status = "open";
    complaint.created_at = opened;
    complaint.updated_at = opened;
    TRY(tx.complaints().InsertComplaint(complaint));
    break;  // one reporter, one undecided complaint per call
  }
  TRY(tx.cases().AddCaseCall(c.id, call.id));
  TRY(Reprioritise(tx, options, c, opened));
  store::HoneypotCase served;
  served.case_id = c.id;
  served.honeypot_id = h->id;
  served.moderator_id = who.moderator_id;
  served.served_at = now;
  TRY(tx.quality().InsertHoneypotCase(served));
  return std::optional<store::Case>(c);
}

Result<std::optional<store::HoneypotCase>> RecordHoneypotDecision(store::Tx& tx, Id case_id,
                                                                  const std::string& action, TimeMs now) {
  auto served = TRY(tx.quality().FindHoneypotCase(case_id));
  if (!served) return served;
  auto h = TRY(tx.quality().FindHoneypot(served->honeypot_id));
  const bool correct = h && (h->expected_action == action ||
                             std::find(h->acceptable.begin(), h->acceptable.end(), action) != h->acceptable.end());
  served->action = action;
  served->correct = correct;
  served->decided_at = now;
  TRY(tx.quality().UpdateHoneypotCase(*served));
  return served;
}

}  // namespace vitrina::moderation
