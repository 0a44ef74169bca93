#pragma once
// The seller service level (issue 13 item 6): seven parameters scored 0–100 over the last 30
// days in which the seller had active listings, the overall level (the lowest applicable
// parameter), its zone (green above 41), recommendations for weak parameters, and the
// reliable-seller badge. Definitions, formulas, thresholds and minimum data:
// docs/service-level.md. Pure functions of their arguments (the time is an argument), no I/O;
// any thread. The caller (a job) reads the store into SellerActivity and keeps the results.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "service_level/duplicates.h"

namespace vitrina::service_level {

using base::TimeMs;

// A calendar day: days since 1970-01-01, UTC.
using Day = std::int64_t;
inline constexpr TimeMs kDayMs = 86'400'000;
inline constexpr TimeMs kHourMs = 3'600'000;
Day DayOf(TimeMs t);  // floor, also before 1970
inline TimeMs DayStart(Day day) { return day * kDayMs; }

// The parameters, in the order they are reported. Codes are the API's.
enum class Parameter {
  kListingFreshness,
  kDescriptionTruthful,
  kAnswersMessages,
  kAnswersCalls,
  kCallAttendance,
  kCallConduct,
  kNoDuplicates,
};
inline constexpr std::array<Parameter, 7> kAllParameters = {
    Parameter::kListingFreshness, Parameter::kDescriptionTruthful, Parameter::kAnswersMessages,
    Parameter::kAnswersCalls,     Parameter::kCallAttendance,      Parameter::kCallConduct,
    Parameter::kNoDuplicates};

std::string_view ParameterCode(Parameter p);  // "listing_freshness", ...
std::optional<Parameter> ParseParameter(std::string_view code);

// ---- Input: one seller. Events are counted on the day (DayOf) of their timestamp, and only
// if that day is in the window; events outside it may be passed and are ignored.

// A conversation a buyer started with the seller.
struct BuyerConversation {
  TimeMs started_at = 0;                  // the buyer's first message
  std::optional<TimeMs> first_answer_at;  // the seller's first message after it
};

enum class ProposalOutcome {
  kAccepted,    // the seller accepted (whatever happened to the call afterwards)
  kDeclined,    // the seller declined
  kUnanswered,  // neither, until the join window closed (store: missed, never accepted)
  kOpen,        // still proposed, or cancelled by the buyer before an answer: not counted
};

// A call the buyer proposed to the seller (the seller's own proposals are not passed).
struct CallProposal {
  TimeMs proposed_at = 0;
  ProposalOutcome outcome = ProposalOutcome::kOpen;
};

// An accepted call whose join window has closed: the seller came, or did not.
struct DueCall {
  TimeMs at = 0;                // the join window's close
  bool seller_no_show = false;  // store no_show "seller" or "both"
};

// A call that took place (state ended), with what moderators and the analytics found.
struct EndedCall {
  TimeMs ended_at = 0;
  // Complaints against the seller on this call upheld by moderators, of every category but
  // not_as_described (description_truthful) and no_show (call_attendance).
  int upheld_complaints = 0;
  // Automatic flags of severity high on the seller's words (not reviewed "wrong").
  int high_flags = 0;
};

struct SellerActivity {
  // Days on which the seller had at least one active listing (any order, repeats allowed).
  // ActiveDaysFromListings approximates them when no daily history is kept.
  std::vector<Day> active_days;
  std::vector<ListingInfo> listings;  // all the seller's listings; the active ones are scored
  // When each complaint of category not_as_described against the seller, later upheld by a
  // moderator, was filed.
  std::vector<TimeMs> upheld_not_as_described;
  std::vector<BuyerConversation> conversations;
  std::vector<CallProposal> proposals;
  std::vector<DueCall> due_calls;
  std::vector<EndedCall> ended_calls;
};

// Days from each listing's creation to today (active) or to its last update (archived).
std::vector<Day> ActiveDaysFromListings(const std::vector<ListingInfo>& listings, TimeMs now);

// ---- Settings. The defaults are the documented ones (docs/service-level.md).
struct Options {
  int window_days = 30;     // active days counted
  int lookback_days = 365;  // calendar days (up to today) in which they are looked for
  int weak_below = 60;      // an applicable score below this gets a recommendation

  // listing_freshness: a listing updated within `fresh_days` scores 100, one not updated for
  // `stale_days` or more scores 0, linear between; the parameter is the mean.
  int fresh_days = 30;
  int stale_days = 90;

  // Rate parameters: score = 100 × (1 − k × events / max(sample, floor)).
  double truthful_k = 5, truthful_floor = 10;     // upheld not_as_described per ended call
  double attendance_k = 2, attendance_floor = 5;  // seller no-shows per due call
  double conduct_k = 5, conduct_floor = 10;       // "bad" calls per ended call
  double conduct_flag_weight = 0.5;               // a high flag counts half an upheld complaint
  // Minimum data: the sample, unless at least one event happened.
  int truthful_min_calls = 5;
  int attendance_min_calls = 3;
  int conduct_min_calls = 5;

  // answers_messages / answers_calls: shares, with a minimum of decided cases.
  TimeMs answer_within_ms = 24 * kHourMs;
  int messages_min_conversations = 5;
  int calls_min_proposals = 3;

  // no_duplicates: score = 100 × (1 − k × repeats / active listings), from 2 active listings.
  double duplicates_k = 2;
  DuplicateOptions duplicates;

  // Badge.
  double badge_min_rating = 4.5;
  std::int64_t badge_min_ratings = 30;
};

// ---- Output.

// Green above this level, red at or below it (41 is red, 42 green).
inline constexpr int kRedAtOrBelow = 41;
enum class Zone { kGreen, kRed };
std::string_view ZoneName(Zone zone);  // "green" | "red"
Zone ZoneOf(int level);

struct ParameterResult {
  Parameter parameter = Parameter::kListingFreshness;
  std::optional<int> score;  // 0..100; nullopt: not applicable (not enough data)
  bool weak = false;         // applicable and score < weak_below: show the recommendation
  // What the score was computed from (for the seller's page): `sample` is the denominator
  // (listings, calls, conversations, proposals), `events` the bad ones (stale listings,
  // complaints, unanswered, declined or unanswered proposals, no-shows, bad calls, repeats).
  double sample = 0;
  double events = 0;
  bool applicable() const { return score.has_value(); }
};

struct Window {
  TimeMs from = 0;  // the start of the first counted day
  TimeMs to = 0;    // the end of the last counted day, or now if that day is today
  int active_days = 0;
};

struct ServiceLevel {
  // The lowest applicable score; nullopt when no parameter is applicable (a new seller):
  // then the zone is green, not red — nothing is known against them — and `level` is null.
  std::optional<int> level;
  Zone zone = Zone::kGreen;
  std::optional<Parameter> weakest;  // the parameter that sets the level (first on ties)
  Window window;
  std::vector<ParameterResult> parameters;  // one per parameter, in kAllParameters order
  std::vector<Repeat> duplicates;           // the active listings that repeat another
};

ServiceLevel Compute(const SellerActivity& seller, TimeMs now, const Options& options = {});

// ---- Recommendations (shown for weak parameters).
enum class Language { kRu, kEn };
std::optional<Language> ParseLanguage(std::string_view code);  // "ru" | "en"
std::string_view Recommendation(Parameter p, Language language);

// ---- Reliable-seller badge: a green level, a rating of at least 4.5 from at least 30
// ratings, and a verified profile.
struct BadgeInput {
  double rating_average = 0;  // of all the seller's ratings
  std::int64_t rating_count = 0;
  bool verified = false;
};

struct Badge {
  bool reliable = false;
  // Why not, in this order: "level_unknown" (no applicable parameter) or "level_red",
  // "rating_low" (only when there are ratings), "ratings_few", "not_verified".
  std::vector<std::string> missing;
};

Badge EvaluateBadge(const ServiceLevel& level, const BadgeInput& input,
                    const Options& options = {});

// ---- What analysts see: zone shares among sellers with a level.
struct ZoneShares {
  std::int64_t green = 0;
  std::int64_t red = 0;
  std::int64_t no_level = 0;  // sellers without an applicable parameter: not in the shares
  double green_share = 0;     // green / (green + red); 0 when both are 0
  double red_share = 0;
};

ZoneShares CountZones(const std::vector<std::optional<int>>& levels);

}  // namespace vitrina::service_level
