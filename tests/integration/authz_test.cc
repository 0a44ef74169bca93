// The authorization matrix: every endpoint × every kind of caller, with the exact status each
// gets. Callers: anonymous; a party to the object (the listing's seller, the conversation's or
// the call's buyer or seller, a complaint's reporter, a sanction's user); a signed-in user who
// is a party to nothing; a moderator; an analyst; an admin; and the party again with their
// account blocked (docs/moderation.md). The objects always belong to someone else than the
// stranger, moderator, analyst and admin.
//
// One table (kRows below), one row per request. Each cell (row × caller) runs against users
// and objects made fresh for it, so a mutating row cannot change what another row sees. Passes:
//   - Bearer tokens: the table as written;
//   - cookie sessions with the X-CSRF-Token header: the same outcomes;
//   - cookie sessions without it: every write a signed-in caller makes is refused (403);
//   - every route the server registers has at least one row (a new endpoint fails this test
//     until its row is added).
#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "base/random.h"
#include "recorded_call.h"
#include "server_fixture.h"

namespace vitrina {
namespace {

// ---------------------------------------------------------------------------------------------
// The table's vocabulary.

enum Role { kAnon, kParty, kStranger, kModerator, kAnalyst, kAdmin, kBlocked };
constexpr std::array<Role, 7> kRoles = {kAnon, kParty, kStranger, kModerator, kAnalyst, kAdmin, kBlocked};

// Who plays the "party" column in a row.
enum class Party {
  kUser,    // there is no object to be party to (/me, a new listing): a plain signed-in user
  kBuyer,   // the buyer of the conversation / call
  kSeller,  // the seller of the listing / conversation / call
  kEither,  // the buyer, and separately the seller: both must get the party's outcome
};

// For list endpoints: whether the response lists the fixture's object (see Row::Lists).
enum class Vis { kAny, kSees, kHides };

struct Outcome {
  Outcome(unsigned s) : status(s) {}  // a bare status code in the table
  Outcome(unsigned s, Vis v) : status(s), vis(v) {}
  Outcome(unsigned s, std::string c) : status(s), code(std::move(c)) {}
  unsigned status;
  Vis vis = Vis::kAny;
  std::string code;  // when set, the error body's code must be this
};
Outcome Sees(unsigned status) { return {status, Vis::kSees}; }
Outcome Hides(unsigned status) { return {status, Vis::kHides}; }
Outcome Err(unsigned status, const char* code) { return {status, std::string(code)}; }
// Refused by the route's role before the handler ran.
const Outcome kForbidden = Err(403, "forbidden");
// What a blocked account gets everywhere but the few routes marked Access::kSignedIn.
const Outcome kUserBlocked = Err(403, "user_blocked");

// The expected outcome per caller, in the table's column order.
struct Expect {
  Outcome anon, party, stranger, moderator, analyst, admin;
  const Outcome& For(Role r) const {
    switch (r) {
      case kAnon: return anon;
      case kParty: return party;
      case kStranger: return stranger;
      case kModerator: return moderator;
      case kAnalyst: return analyst;
      case kAdmin: return admin;
      case kBlocked: break;  // Row::For
    }
    return anon;
  }
};

// One request. `path`, `body` and header values may name fixture objects as {placeholder}
// (see AuthzTest::Id for the list); each cell resolves them against its own fresh objects.
struct Row {
  Row(std::string m, std::string p, std::string b, Party who, Expect e)
      : method(std::move(m)), path(std::move(p)), body(std::move(b)), party(who), expect(e) {}
  // Sees/Hides outcomes check that `items[*].<field>` does / does not include {object}'s id.
  Row Lists(std::string field, std::string object) && {
    list_field = std::move(field);
    list_object = std::move(object);
    return std::move(*this);
  }
  Row With(Headers h) && {
    headers = std::move(h);
    return std::move(*this);
  }
  // Public or open route (register, login, the media hook): cookie sessions write without a
  // CSRF token there, since the route does not act as the caller.
  Row NoCsrf() && {
    csrf = false;
    return std::move(*this);
  }
  // The seventh column: what the party gets once their account is blocked, where that is not
  // 403 user_blocked (the routes a blocked account may still reach, and the open ones).
  Row Blocked(Outcome o) && {
    blocked = o;
    return std::move(*this);
  }
  // Objects the request does not name but that must exist when it is sent.
  Row Given(std::string object) && {
    given.push_back(std::move(object));
    return std::move(*this);
  }
  bool Writes() const { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }
  Outcome For(Role r) const { return r == kBlocked ? blocked.value_or(kUserBlocked) : expect.For(r); }

  std::string method, path, body;
  Party party;
  Expect expect;
  std::optional<Outcome> blocked;
  std::vector<std::string> given;
  std::string list_field, list_object;
  Headers headers;
  bool csrf = true;
};

const Headers kWsUpgrade = {{"Upgrade", "websocket"},
                            {"Connection", "Upgrade"},
                            {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                            {"Sec-WebSocket-Version", "13"}};

constexpr auto kUser = Party::kUser;
constexpr auto kBuyer = Party::kBuyer;
constexpr auto kSeller = Party::kSeller;
constexpr auto kEither = Party::kEither;

// ---------------------------------------------------------------------------------------------
// The matrix.
//
// Placeholders: {seller} {buyer} {stranger} user ids; {stranger.email}; {email} an unused
// address; {listing} the seller's active, video-call-ready listing; {listing.archived};
// {conversation} the buyer's on {listing}; {conversation.listing} {listing} once that
// conversation exists; {call.proposed} (proposed by the buyer) {call.accepted} {call.active}
// each on a listing and conversation of its own; {call.recorded} ended on {conversation}, with a
// combined recording file and a transcript ("hello there {word}"); {word} a word no other
// cell's transcript has; {job.failed}; {missing} an id nothing has; {events.basic} the media
// hook's HTTP Basic credentials; {moderator} the moderator's user id.
//
// Moderation: {complaint} the buyer's complaint on {call.recorded} (so against the seller);
// {case} the seller's open case holding it; {case.mine} that case taken (POST
// /moderation/next) by the moderator, {case.theirs} taken by another moderator;
// {complaint.locked} {complaint} once its case is {case.mine}; {sanction} the seller's warning
// decided on {case.mine}; {notification} the seller's notice of it. Each cell first retires the
// undecided cases earlier cells left, so the queue and next see only its own.
//
// Calls answer 403 `not_participant` for an existing call that is not the caller's and 404 for
// an unknown one (docs/calls.md, docs/transcripts.md); conversations answer 404 either way.
//
// Row(method, path, body, who plays "party", {anonymous, party, stranger, moderator, analyst, admin})
// The seventh column, "blocked": the party with their account blocked; 403 user_blocked unless
// the row says otherwise with .Blocked(...) (open routes, and the Access::kSignedIn ones: the
// statement of reasons, the appeal, /me, sign in and out).
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> r;
    // --- Operations: open to anyone, credentials not even looked at (a blocked token too).
    r.push_back(Row("GET", "/healthz", "", kUser, {200, 200, 200, 200, 200, 200}).Blocked(200));
    r.push_back(Row("GET", "/readyz", "", kUser, {200, 200, 200, 200, 200, 200}).Blocked(200));
    r.push_back(Row("GET", "/metrics", "", kUser, {200, 200, 200, 200, 200, 200}).Blocked(200));
    r.push_back(Row("GET", "/api/v1/openapi.yaml", "", kUser, {200, 200, 200, 200, 200, 200}).Blocked(200));
    r.push_back(Row("GET", "/api/v1/version", "", kUser, {200, 200, 200, 200, 200, 200}).Blocked(200));
    // The readiness detail (media nodes' addresses, the database's error): admins.
    r.push_back(Row("GET", "/api/v1/admin/status", "", kUser, {401, 403, 403, 403, 403, 200}));

    // --- Accounts. A blocked account may sign in (to read why and appeal), see itself and sign
    // out; registering is refused like everything else while it holds a blocked session.
    r.push_back(Row("POST", "/api/v1/auth/register",
                    R"({"email": "{email}", "password": "password123", "display_name": "New"})", kUser,
                    {201, 201, 201, 201, 201, 201})
                    .NoCsrf());
    r.push_back(Row("POST", "/api/v1/auth/login", R"({"email": "{stranger.email}", "password": "password123"})",
                    kUser, {200, 200, 200, 200, 200, 200})
                    .Blocked(200)
                    .NoCsrf());
    r.push_back(Row("POST", "/api/v1/auth/logout", "", kUser, {401, 204, 204, 204, 204, 204}).Blocked(204));
    r.push_back(Row("GET", "/api/v1/me", "", kUser, {401, 200, 200, 200, 200, 200}).Blocked(200));
    r.push_back(Row("PATCH", "/api/v1/me", R"({"display_name": "Renamed"})", kUser, {401, 200, 200, 200, 200, 200}));
    r.push_back(Row("GET", "/api/v1/admin/users", "", kUser, {401, 403, 403, 403, 403, 200}));
    r.push_back(Row("PUT", "/api/v1/admin/users/{stranger}/skills", R"({"skills": ["vertical:goods"]})", kUser,
                    {401, 403, 403, 403, 403, 200}));
    r.push_back(Row("POST", "/api/v1/admin/users/{stranger}/roles", R"({"roles": ["user", "moderator"]})", kUser,
                    {401, 403, 403, 403, 403, 200}));

    // --- Listings: anyone reads; only the seller changes one.
    r.push_back(Row("POST", "/api/v1/listings", R"({"title": "Lamp", "price": 5, "vertical": "goods"})", kUser,
                    {401, 201, 201, 201, 201, 201}));
    r.push_back(Row("GET", "/api/v1/listings", "", kUser,
                    {Sees(200), Sees(200), Sees(200), Sees(200), Sees(200), Sees(200)})
                    .Lists("id", "listing"));
    r.push_back(Row("GET", "/api/v1/listings/{listing}", "", kSeller, {200, 200, 200, 200, 200, 200}));
    r.push_back(Row("GET", "/api/v1/listings/{listing.archived}", "", kSeller, {200, 200, 200, 200, 200, 200}));
    r.push_back(Row("GET", "/api/v1/listings/{missing}", "", kSeller, {404, 404, 404, 404, 404, 404}));
    // Archived listings in the feed: their seller only.
    r.push_back(Row("GET", "/api/v1/listings?seller_id={seller}&status=all", "", kSeller,
                    {403, Sees(200), 403, 403, 403, 403})
                    .Lists("id", "listing.archived"));
    r.push_back(Row("PATCH", "/api/v1/listings/{listing}", R"({"title": "Changed"})", kSeller,
                    {401, 200, 403, 403, 403, 403}));
    r.push_back(Row("PATCH", "/api/v1/listings/{listing}", R"({"title": "Changed"})", kBuyer,
                    {401, 403, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/listings/{listing}/archive", "", kSeller, {401, 200, 403, 403, 403, 403}));

    // --- Chat: any signed-in user may open a conversation as a buyer; only its two users see it.
    r.push_back(Row("POST", "/api/v1/listings/{conversation.listing}/conversations", "", kBuyer,
                    {401, 200, 201, 201, 201, 201}));  // the buyer gets the existing one back
    r.push_back(Row("POST", "/api/v1/listings/{listing}/conversations", "", kSeller,
                    {401, 409, 201, 201, 201, 201}));  // not with yourself: own_listing
    r.push_back(Row("GET", "/api/v1/conversations", "", kEither,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "conversation"));
    r.push_back(Row("GET", "/api/v1/conversations/{conversation}", "", kEither, {401, 200, 404, 404, 404, 404}));
    r.push_back(Row("GET", "/api/v1/conversations/{missing}", "", kEither, {401, 404, 404, 404, 404, 404}));
    r.push_back(Row("POST", "/api/v1/conversations/{conversation}/messages", R"({"text": "hi"})", kEither,
                    {401, 201, 404, 404, 404, 404}));
    r.push_back(Row("GET", "/api/v1/conversations/{conversation}/messages", "", kEither,
                    {401, 200, 404, 404, 404, 404}));
    r.push_back(Row("POST", "/api/v1/conversations/{conversation}/read", "", kEither, {401, 204, 404, 404, 404, 404}));

    // --- Calls (docs/calls.md).
    r.push_back(Row("POST", "/api/v1/conversations/{conversation}/calls", "{}", kEither,
                    {401, 201, 404, 404, 404, 404}));
    r.push_back(Row("GET", "/api/v1/calls", "", kEither,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "call.recorded"));
    r.push_back(Row("GET", "/api/v1/calls?conversation_id={conversation}", "", kEither,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "call.recorded"));
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}", "", kEither, {401, 200, 403, 200, 403, 403}));
    r.push_back(Row("GET", "/api/v1/calls/{missing}", "", kEither, {401, 404, 404, 404, 404, 404}));
    // A proposal is answered by the other party (here the seller); the proposer may cancel it.
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/accept", "", kSeller, {401, 200, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/accept", "", kBuyer, {401, 403, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/decline", "", kSeller, {401, 200, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/decline", "", kBuyer, {401, 403, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/cancel", "", kBuyer, {401, 200, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/cancel", "", kSeller, {401, 403, 403, 403, 403, 403}));
    // No media server in these tests: a party gets past the access check to 503
    // media_unavailable; anyone else stops at 403.
    r.push_back(Row("POST", "/api/v1/calls/{call.accepted}/join", R"({"consent": true})", kEither,
                    {401, 503, 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{call.active}/hangup", "", kEither, {401, 200, 403, 403, 403, 403}));
    // The recording: moderators only (audited), not even the call's own parties.
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/recording", "", kEither, {401, 403, 403, 200, 403, 403}));
    // Janus's event hook: HTTP Basic with the shared secret, whatever else the caller holds.
    r.push_back(Row("POST", "/api/v1/internal/janus/events", "[]", kUser, {401, 401, 401, 401, 401, 401})
                    .Blocked(401)
                    .NoCsrf());
    r.push_back(Row("POST", "/api/v1/internal/janus/events", "[]", kUser, {204, 204, 204, 204, 204, 204})
                    .With({{"Authorization", "{events.basic}"}})
                    .Blocked(204)
                    .NoCsrf());

    // --- Transcripts and search (docs/transcripts.md, docs/search.md).
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/transcript", "", kEither, {401, 200, 403, 200, 403, 403}));
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/captions.vtt", "", kEither,
                    {401, 200, 403, 200, 403, 403}));
    r.push_back(Row("GET", "/api/v1/search?q={word}", "", kEither,
                    {401, Sees(200), Hides(200), Sees(200), Hides(200), Hides(200)})
                    .Lists("call_id", "call.recorded"));
    r.push_back(Row("GET", "/api/v1/search?q={word}&call_id={call.recorded}", "", kEither,
                    {401, Sees(200), Hides(200), Sees(200), Hides(200), Hides(200)})
                    .Lists("call_id", "call.recorded"));
    r.push_back(Row("GET", "/api/v1/search?q={word}&user_id={seller}", "", kEither,
                    {401, Sees(200), Hides(200), Sees(200), Hides(200), Hides(200)})
                    .Lists("call_id", "call.recorded"));
    r.push_back(Row("POST", "/api/v1/admin/calls/{call.recorded}/reprocess", "{}", kEither,
                    {401, 403, 403, 403, 403, 202}));

    // --- Jobs and audit: admins.
    r.push_back(Row("GET", "/api/v1/admin/jobs", "", kUser, {401, 403, 403, 403, 403, 200}));
    r.push_back(Row("POST", "/api/v1/admin/jobs/{job.failed}/retry", "", kUser, {401, 403, 403, 403, 403, 200}));
    r.push_back(Row("GET", "/api/v1/admin/audit", "", kUser, {401, 403, 403, 403, 403, 200}));

    // --- The live WebSocket (not a router route: the upgrade is handled on its own).
    r.push_back(Row("GET", "/api/v1/ws", "", kUser, {401, 101, 101, 101, 101, 101}).With(kWsUpgrade));

    // --- Moderation (docs/moderation.md). {complaint} is the buyer's, on {call.recorded}, against
    // the seller; {case} is the seller's case holding it. Moderators have no rights as admins
    // and admins none as moderators (roles are checked one by one, accounts::HasRole).
    //
    // Complaints: the call's two parties file them (anyone else: 403 not_participant, as for
    // the call); each reporter sees and edits only their own (404 complaint_not_found, the
    // accused seller included); moderators read any but edit none.
    const std::string kComplaint = R"({"category": "rude", "text": "Rude words"})";
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/complaints", kComplaint, kEither,
                    {401, 201, Err(403, "not_participant"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{call.proposed}/complaints", kComplaint, kBuyer,
                    {401, Err(409, "call_not_complainable"), 403, 403, 403, 403}));
    r.push_back(Row("POST", "/api/v1/calls/{missing}/complaints", kComplaint, kEither,
                    {401, Err(404, "call_not_found"), 404, 404, 404, 404}));
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/complaints", "", kBuyer,
                    {401, Sees(200), Err(403, "not_participant"), Sees(200), Err(403, "not_participant"),
                     Err(403, "not_participant")})
                    .Lists("id", "complaint"));
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/complaints", "", kSeller,
                    {401, Hides(200), 403, Sees(200), 403, 403})
                    .Lists("id", "complaint"));
    r.push_back(Row("GET", "/api/v1/calls/{missing}/complaints", "", kEither,
                    {401, Err(404, "call_not_found"), 404, 404, 404, 404}));
    r.push_back(Row("GET", "/api/v1/complaints", "", kBuyer,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "complaint"));
    r.push_back(Row("GET", "/api/v1/complaints", "", kSeller,
                    {401, Hides(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "complaint"));
    const Outcome kNoComplaint = Err(404, "complaint_not_found");
    r.push_back(Row("GET", "/api/v1/complaints/{complaint}", "", kBuyer,
                    {401, 200, kNoComplaint, 200, kNoComplaint, kNoComplaint}));
    r.push_back(Row("GET", "/api/v1/complaints/{complaint}", "", kSeller,
                    {401, kNoComplaint, kNoComplaint, 200, kNoComplaint, kNoComplaint}));
    r.push_back(Row("GET", "/api/v1/complaints/{missing}", "", kBuyer,
                    {401, kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint}));
    r.push_back(Row("PATCH", "/api/v1/complaints/{complaint}", R"({"text": "Very rude words"})", kBuyer,
                    {401, 200, kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint}));
    r.push_back(Row("PATCH", "/api/v1/complaints/{complaint}", R"({"text": "Very rude words"})", kSeller,
                    {401, kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint}));
    // Once a moderator took the case the reporter can no longer change it.
    r.push_back(Row("PATCH", "/api/v1/complaints/{complaint.locked}", R"({"text": "Very rude words"})", kBuyer,
                    {401, Err(409, "complaint_locked"), kNoComplaint, kNoComplaint, kNoComplaint, kNoComplaint}));

    // The queue and cases: moderators only. Any moderator reads any case; heartbeat, release
    // and decision are the assignee's: {case.mine} is assigned to the fixture's moderator,
    // {case.theirs} to another moderator (403 not_assignee), {case} to nobody yet.
    r.push_back(Row("POST", "/api/v1/moderation/next", "", kBuyer, {401, kForbidden, kForbidden, 200, kForbidden,
                                                                     kForbidden})
                    .Given("case"));
    r.push_back(Row("POST", "/api/v1/moderation/next", "", kUser,  // nothing queued
                    {401, kForbidden, kForbidden, 204, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/moderation/queue", "", kEither,
                    {401, kForbidden, kForbidden, Sees(200), kForbidden, kForbidden})
                    .Lists("id", "case"));
    r.push_back(Row("GET", "/api/v1/moderation/cases/{case}", "", kEither,
                    {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/moderation/cases/{case.theirs}", "", kEither,
                    {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/moderation/cases/{missing}", "", kEither,
                    {401, kForbidden, kForbidden, Err(404, "case_not_found"), kForbidden, kForbidden}));
    const Outcome kNotAssignee = Err(403, "not_assignee");
    const std::string kDecision = R"({"action": "warn", "reason": "Rule 4.2"})";
    for (const auto& [action, body] : std::initializer_list<std::pair<std::string, std::string>>{
             {"heartbeat", ""}, {"release", ""}, {"decision", kDecision}}) {
      r.push_back(Row("POST", "/api/v1/moderation/cases/{case.mine}/" + action, body, kEither,
                      {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
      r.push_back(Row("POST", "/api/v1/moderation/cases/{case.theirs}/" + action, body, kEither,
                      {401, kForbidden, kForbidden, kNotAssignee, kForbidden, kForbidden}));
    }
    r.push_back(Row("POST", "/api/v1/moderation/cases/{case}/heartbeat", "", kEither,
                    {401, kForbidden, kForbidden, kNotAssignee, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/moderation/cases/{case}/decision", kDecision, kEither,
                    {401, kForbidden, kForbidden, kNotAssignee, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/moderation/me", "", kUser, {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
    r.push_back(Row("PUT", "/api/v1/moderation/me", R"({"on_shift": false})", kUser,
                    {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
    // Moderators' shifts and capacity: admins.
    r.push_back(Row("PUT", "/api/v1/admin/moderators/{moderator}", R"({"capacity": 5})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, 200}));
    r.push_back(Row("PUT", "/api/v1/admin/moderators/{stranger}", R"({"capacity": 5})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, Err(404, "moderator_not_found")}));

    // Sanctions and notifications: every signed-in user their own, blocked or not. {sanction}
    // is the seller's warning (the fixture's moderator decided {case}); {notification} the
    // seller's statement of reasons for it.
    const Outcome kNoSanction = Err(404, "sanction_not_found");
    r.push_back(Row("GET", "/api/v1/sanctions", "", kSeller,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "sanction")
                    .Blocked(Sees(200)));
    r.push_back(Row("POST", "/api/v1/sanctions/{sanction}/appeal", R"({"text": "I was not rude"})", kSeller,
                    {401, 201, kNoSanction, kNoSanction, kNoSanction, kNoSanction})
                    .Blocked(201));
    r.push_back(Row("POST", "/api/v1/sanctions/{sanction}/appeal", R"({"text": "I was not rude"})", kBuyer,
                    {401, kNoSanction, kNoSanction, kNoSanction, kNoSanction, kNoSanction})
                    .Blocked(kNoSanction));
    r.push_back(Row("GET", "/api/v1/rewards", "", kBuyer, {401, 200, 200, 200, 200, 200}));
    r.push_back(Row("GET", "/api/v1/notifications", "", kSeller,
                    {401, Sees(200), Hides(200), Hides(200), Hides(200), Hides(200)})
                    .Lists("id", "notification")
                    .Blocked(Sees(200)));
    r.push_back(Row("POST", "/api/v1/notifications/read", R"({"up_to": "{notification}"})", kSeller,
                    {401, 204, 204, 204, 204, 204})
                    .Blocked(204));
    return r;
  }();
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Running it.

enum class Auth { kBearer, kCookieWithCsrf, kCookieWithoutCsrf };

std::string AuthName(Auth a) {
  switch (a) {
    case Auth::kBearer: return "bearer";
    case Auth::kCookieWithCsrf: return "cookie+csrf";
    case Auth::kCookieWithoutCsrf: return "cookie, no csrf";
  }
  return "?";
}

// "GET /api/v1/calls/{call.recorded}?x={y}" → "GET /api/v1/calls/{}": how rows meet routes.
std::string RouteKey(const std::string& method, const std::string& path) {
  std::string out = method + " ";
  const auto end = path.find('?');
  for (std::size_t i = 0; i < path.size() && i < end; ++i) {
    if (path[i] == '{') {
      out += "{}";
      i = path.find('}', i);
    } else {
      out += path[i];
    }
  }
  return out;
}

class AuthzTest : public ServerTest {
 protected:
  struct User {
    std::string id, email, token, csrf;
  };

  User NewUser(const std::string& tag, const std::vector<std::string>& roles) {
    User u;
    u.email = tag + "-" + std::to_string(world_) + "@authz.test";
    auto r = Call("POST", "/api/v1/auth/register", "",
                  json::object{{"email", u.email}, {"password", "password123"}, {"display_name", tag}});
    EXPECT_EQ(r.status, 201u) << r.body;
    auto v = r.Json();
    u.id = S(v.at("user").at("id"));
    u.token = S(v.at("token"));
    u.csrf = S(v.at("csrf_token"));
    if (!roles.empty()) {
      EXPECT_TRUE(server_->accounts().SetRoles(std::stoll(u.id), roles));
    }
    return u;
  }

  // Fresh users for one cell; objects are made when a placeholder first names them.
  void NewWorld() {
    ++world_;
    ids_.clear();
    seller_ = NewUser("seller", {});
    buyer_ = NewUser("buyer", {});
    stranger_ = NewUser("stranger", {});
    moderator_ = NewUser("moderator", {"user", "moderator"});
    analyst_ = NewUser("analyst", {"user", "analyst"});
    admin_ = NewUser("admin", {"user", "admin"});
    RetireCases();
  }

  // Earlier cells' undecided cases out of the way: each cell's queue and next see its own.
  void RetireCases() {
    const auto now = clock_.NowMs();
    auto done = server_->store().Write([&](store::Tx& tx) -> base::Result<void> {
      store::CaseFilter undecided;
      undecided.statuses = {"open", "assigned"};
      undecided.limit = 10000;
      for (auto c : TRY(tx.cases().ListCases(undecided))) {
        c.status = "decided";
        c.lease_until.reset();
        c.decided_at = now;
        c.updated_at = now;
        TRY(tx.cases().UpdateCase(c));
      }
      return {};
    });
    EXPECT_TRUE(done) << done.error().message;
  }

  // The user's row as the services take it.
  store::User Record(const User& u) {
    auto found = server_->store().Read([&](store::Tx& tx) -> base::Result<std::optional<store::User>> {
      return tx.users().FindById(std::stoll(u.id));
    });
    EXPECT_TRUE(found && *found) << "user " << u.id;
    return found && *found ? **found : store::User{};
  }

  void Block(const User& u) {
    auto blocked = server_->store().Write([&](store::Tx& tx) {
      return tx.users().SetStatus(std::stoll(u.id), "blocked", std::nullopt, clock_.NowMs());
    });
    EXPECT_TRUE(blocked) << blocked.error().message;
  }

  // The buyer's complaint about the seller on {call.recorded}.
  std::string NewComplaint() {
    moderation::ComplaintInput in;
    in.category = "rude";
    in.text = "Rude words";
    auto k = server_->moderation().FileComplaint(Record(buyer_), std::stoll(Id("call.recorded")), in);
    EXPECT_TRUE(k) << k.error().message;
    return k ? std::to_string(k->id) : "0";
  }

  // {case} taken by `moderator` through next: the only open case there is (RetireCases).
  std::string TakeCase(const User& moderator) {
    const auto want = Id("case");
    auto view = server_->moderation().Next(Record(moderator));
    EXPECT_TRUE(view && *view) << (view ? "nothing to take" : view.error().message);
    if (!view || !*view) return "0";
    EXPECT_EQ(std::to_string((*view)->c.id), want);
    return want;
  }

  // The seller's warning, decided by the fixture's moderator on {case.mine}.
  std::string NewSanction() {
    moderation::DecisionInput in;
    in.action = "warn";
    in.reason = "Rule 4.2";
    auto out = server_->moderation().Decide(Record(moderator_), std::stoll(Id("case.mine")), in);
    EXPECT_TRUE(out && out->sanction) << (out ? "no sanction" : out.error().message);
    return out && out->sanction ? std::to_string(out->sanction->id) : "0";
  }

  std::string SellersNewestNotification() {
    Id("sanction");
    auto list = server_->moderation().Notifications(Record(seller_), std::nullopt, 1);
    EXPECT_TRUE(list && !list->empty()) << (list ? "no notification" : list.error().message);
    return list && !list->empty() ? std::to_string(list->front().id) : "0";
  }

  const User* As(Role role, Party party) const {
    switch (role) {
      case kAnon: return nullptr;
      case kParty:
      case kBlocked: return party == Party::kSeller ? &seller_ : &buyer_;
      case kStranger: return &stranger_;
      case kModerator: return &moderator_;
      case kAnalyst: return &analyst_;
      case kAdmin: return &admin_;
    }
    return nullptr;
  }

  std::string NewListing(bool archived = false) {
    auto r = Call("POST", "/api/v1/listings", seller_.token,
                  json::object{{"title", "Bike"}, {"price", 100}, {"vertical", "goods"}, {"video_call_ready", true}});
    EXPECT_EQ(r.status, 201u) << r.body;
    const auto id = S(r.Json().at("id"));
    if (archived) {
      EXPECT_EQ(Call("POST", "/api/v1/listings/" + id + "/archive", seller_.token).status, 200u);
    }
    return id;
  }

  // An open call (proposed by the buyer) on a listing and conversation of its own: one open
  // call per conversation.
  std::string NewOpenCall(const std::string& state) {
    const auto listing = std::stoll(NewListing());
    const auto now = clock_.NowMs();
    auto call = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Call> {
      auto conv = TRY(tx.chat().FindOrCreateConversation(listing, std::stoll(buyer_.id), std::stoll(seller_.id), now));
      store::Call c;
      c.conversation_id = conv.first.id;
      c.listing_id = listing;
      c.buyer_id = conv.first.buyer_id;
      c.seller_id = conv.first.seller_id;
      c.proposed_by = c.buyer_id;
      c.state = state;
      c.created_at = c.updated_at = now - 60'000;
      c.join_opens_at = now - 60'000;
      c.join_closes_at = now + 3'600'000;
      if (state != "proposed") c.accepted_at = now - 30'000;
      if (state == "active") {
        c.started_at = now - 10'000;
        c.recording_status = "recording";
      }
      return tx.calls().Insert(c);
    });
    EXPECT_TRUE(call) << call.error().message;
    return call ? std::to_string(call->id) : "0";
  }

  std::string NewRecordedCall() {
    const auto recordings = fs::path(app::RecordingsDir(server_->config()));
    const auto now = clock_.NowMs();
    const auto call_id = testing::InsertRecordedCall(server_->store(), recordings, std::stoll(Id("listing")),
                                                     std::stoll(buyer_.id), std::stoll(seller_.id), {}, now);
    const auto sid = std::to_string(call_id);
    testing::AttachCombinedFileAndTranscript(server_->store(), recordings, call_id, "hello there " + Id("word"), now);
    return sid;
  }

  std::string NewFailedJob() {
    const auto now = clock_.NowMs();
    auto id = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
      store::NewJob job;
      job.kind = "authz.test";  // no worker takes this kind
      job.run_after = now;
      const auto inserted = TRY(tx.jobs().Insert(job, now));
      auto claimed = TRY(tx.jobs().Claim({"authz.test"}, "authz", now, 60'000));
      if (!inserted || !claimed) return base::Internal("job not inserted or claimed");
      TRY(tx.jobs().Fail(*inserted, "authz", "boom", std::nullopt, now));
      return *inserted;
    });
    EXPECT_TRUE(id) << id.error().message;
    return id ? std::to_string(*id) : "0";
  }

  // The value of a placeholder, making its object the first time this cell names it.
  std::string Id(const std::string& name) {
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    std::string v;
    if (name == "seller") v = seller_.id;
    else if (name == "buyer") v = buyer_.id;
    else if (name == "stranger") v = stranger_.id;
    else if (name == "stranger.email") v = stranger_.email;
    else if (name == "email") v = "new-" + std::to_string(world_) + "@authz.test";
    else if (name == "missing") v = "999999999";
    else if (name == "word") {
      v = "quux";  // a word only this cell's transcript has: other cells' calls never rank above it
      for (int n = world_; n > 0; n /= 26) v += static_cast<char>('a' + n % 26);
    }
    else if (name == "events.basic") v = "Basic " + base::Base64("janus:" + server_->media_events_secret());
    else if (name == "listing") v = NewListing();
    else if (name == "listing.archived") v = NewListing(true);
    else if (name == "conversation") {
      auto r = Call("POST", "/api/v1/listings/" + Id("listing") + "/conversations", buyer_.token);
      EXPECT_EQ(r.status, 201u) << r.body;
      v = S(r.Json().at("id"));
    } else if (name == "conversation.listing") {
      Id("conversation");
      v = Id("listing");
    } else if (name == "call.proposed") v = NewOpenCall("proposed");
    else if (name == "call.accepted") v = NewOpenCall("accepted");
    else if (name == "call.active") v = NewOpenCall("active");
    else if (name == "call.recorded") {
      Id("conversation");  // the recorded call is on it
      v = NewRecordedCall();
    } else if (name == "job.failed") v = NewFailedJob();
    else if (name == "moderator") v = moderator_.id;
    else if (name == "complaint") v = NewComplaint();
    else if (name == "case") {
      auto k = server_->moderation().GetComplaint(Record(buyer_), std::stoll(Id("complaint")));
      EXPECT_TRUE(k) << k.error().message;
      v = k ? std::to_string(k->case_id) : "0";
    } else if (name == "case.mine") v = TakeCase(moderator_);
    else if (name == "case.theirs") v = TakeCase(NewUser("moderator2", {"user", "moderator"}));
    else if (name == "complaint.locked") {
      Id("case.mine");
      v = Id("complaint");
    } else if (name == "sanction") v = NewSanction();
    else if (name == "notification") v = SellersNewestNotification();
    else ADD_FAILURE() << "unknown placeholder {" << name << "}";
    ids_[name] = v;
    return v;
  }

  std::string Resolve(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto close = text[i] == '{' ? text.find('}', i) : std::string::npos;
      const auto name = close == std::string::npos ? "" : text.substr(i + 1, close - i - 1);
      const bool placeholder =
          !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz.") == std::string::npos;
      if (!placeholder) {
        out += text[i];
        continue;
      }
      out += Id(name);
      i = close;
    }
    return out;
  }

  // One cell: fresh world, resolve, send as `role`, compare. Returns false on a mismatch.
  // `body_override`: send this instead of the row's body (the invalid-body pass).
  bool RunCell(const Row& row, Role role, Party party, Auth auth, const std::string* body_override = nullptr) {
    NewWorld();
    const auto path = Resolve(row.path);
    const auto body = body_override ? *body_override : Resolve(row.body);
    const auto listed = row.list_object.empty() ? "" : Id(row.list_object);
    for (const auto& object : row.given) Id(object);
    Headers headers;
    const User* user = As(role, party);
    if (user && auth == Auth::kBearer) headers.emplace_back("Authorization", "Bearer " + user->token);
    if (user && auth != Auth::kBearer) headers.emplace_back("Cookie", "vitrina_session=" + user->token);
    if (user && auth == Auth::kCookieWithCsrf) headers.emplace_back("X-CSRF-Token", user->csrf);
    for (const auto& [k, v] : row.headers) {
      std::erase_if(headers, [&](const auto& h) { return h.first == k; });  // the row's own wins
      headers.emplace_back(k, Resolve(v));
    }
    if (role == kBlocked) Block(*user);  // once its objects exist: some are made through the API
    ClientResponse res;
    if (row.headers == kWsUpgrade) {
      HttpClient fresh(server_->port());  // an upgraded connection is not reused
      res = fresh.Send(row.method, path, body, headers);
    } else {
      res = client_->Send(row.method, path, body, headers);
    }

    Outcome want = row.For(role);
    std::vector<std::string> codes;  // the error code must be one of these
    if (!want.code.empty()) codes = {want.code};
    std::string also;  // what else must hold
    if (auth == Auth::kCookieWithoutCsrf && user && row.Writes() && row.csrf) {
      // Refused before the handler: a blocked account where it is blocked (that check comes
      // first), else csrf_failed (or forbidden by role).
      codes = role == kBlocked && want.code == "user_blocked" ? std::vector<std::string>{"user_blocked"}
                                                               : std::vector<std::string>{"csrf_failed", "forbidden"};
      want = Outcome(403);
    }
    for (const auto& c : codes) also += (also.empty() ? "error code " : " or ") + c;
    std::string wrong;
    if (res.status != want.status) {
      wrong = "status";
    } else if (!codes.empty() && std::find(codes.begin(), codes.end(), res.ErrorCode()) == codes.end()) {
      wrong = "error code";
    } else if (want.vis != Vis::kAny) {
      bool seen = false;
      auto v = res.Json();
      if (v.is_object() && v.as_object().contains("items") && v.at("items").is_array()) {
        for (const auto& item : v.at("items").as_array()) {
          const auto* f = item.is_object() ? item.as_object().if_contains(row.list_field) : nullptr;
          seen |= f && S(*f) == listed;
        }
      } else {
        wrong = "body (no items)";
      }
      if (wrong.empty() && seen != (want.vis == Vis::kSees)) wrong = "visibility";
    }
    ++cells_;
    if (wrong.empty()) return true;
    static const char* kRoleNames[] = {"anonymous", "party", "stranger", "moderator", "analyst", "admin",
                                       "blocked party"};
    std::string who = kRoleNames[role];
    if (role == kParty || role == kBlocked) {
      who += party == Party::kSeller ? " (seller)" : party == Party::kBuyer ? " (buyer)" : " (a user)";
    }
    auto describe = [&](const Outcome& o) {
      std::string s = std::to_string(o.status);
      if (o.vis == Vis::kSees) s += " listing " + row.list_object + " " + listed;
      if (o.vis == Vis::kHides) s += " not listing " + row.list_object + " " + listed;
      return s;
    };
    ADD_FAILURE() << "wrong " << wrong << ": " << row.method << " " << path << " as " << who << " ["
                  << AuthName(auth) << "]" << (body_override ? " with the invalid body " + *body_override : "")
                  << "\n  row:      " << row.method << " " << row.path
                  << "\n  expected: " << describe(want) << (also.empty() ? "" : ", " + also)
                  << "\n  got:      " << res.status << " " << res.body.substr(0, 400);
    return false;
  }

  void RunMatrix(Auth auth) {
    int failed = 0;
    for (const auto& row : Rows()) {
      if (auth == Auth::kCookieWithoutCsrf && !row.Writes()) continue;  // reads need no token
      for (Role role : kRoles) {
        if ((role == kParty || role == kBlocked) && row.party == Party::kEither) {
          failed += !RunCell(row, role, Party::kBuyer, auth);
          failed += !RunCell(row, role, Party::kSeller, auth);
        } else {
          failed += !RunCell(row, role, row.party, auth);
        }
      }
    }
    std::cout << "[ authz    ] " << AuthName(auth) << ": " << cells_ << " cells, " << failed << " wrong\n";
  }

  // Who may act is checked before what they sent: every write a caller is refused (401, 403,
  // 404) is refused the same way when its body is invalid — empty JSON, broken JSON, the wrong
  // JSON type. A route that validates first answers 400 here instead.
  void RunInvalidBodies() {
    static const std::vector<std::string> kInvalid = {"{}", "{\"", "[1]", "{\"text\": 5, \"action\": []}"};
    int failed = 0;
    for (const auto& row : Rows()) {
      if (!row.Writes() || row.headers == kWsUpgrade) continue;
      for (Role role : kRoles) {
        const auto status = row.For(role).status;
        if (status != 401 && status != 403 && status != 404) continue;
        const std::vector<Party> parties = (role == kParty || role == kBlocked) && row.party == Party::kEither
                                               ? std::vector<Party>{Party::kBuyer, Party::kSeller}
                                               : std::vector<Party>{row.party};
        for (Party p : parties) {
          for (const auto& body : kInvalid) failed += !RunCell(row, role, p, Auth::kBearer, &body);
        }
      }
    }
    std::cout << "[ authz    ] invalid bodies: " << cells_ << " cells, " << failed << " wrong\n";
  }

  int world_ = 0;
  int cells_ = 0;
  User seller_, buyer_, stranger_, moderator_, analyst_, admin_;
  std::map<std::string, std::string> ids_;
};

TEST_F(AuthzTest, BearerTokens) { RunMatrix(Auth::kBearer); }

TEST_F(AuthzTest, CookieSessionsWithCsrfToken) { RunMatrix(Auth::kCookieWithCsrf); }

TEST_F(AuthzTest, CookieWritesWithoutCsrfTokenAreRefused) { RunMatrix(Auth::kCookieWithoutCsrf); }

TEST_F(AuthzTest, WhoIsCheckedBeforeWhatTheySent) { RunInvalidBodies(); }

TEST_F(AuthzTest, EveryRouteHasARow) {
  ASSERT_NE(server_->api(), nullptr);
  std::set<std::string> rows, routes;
  for (const auto& row : Rows()) rows.insert(RouteKey(row.method, row.path));
  for (const auto& [verb, pattern] : server_->api()->routes()) {
    const auto key = RouteKey(std::string(boost::beast::http::to_string(verb)), pattern);
    routes.insert(key);
    EXPECT_TRUE(rows.count(key)) << key << " has no row in the authorization matrix (tests/integration/authz_test.cc)";
  }
  for (const auto& key : rows) {
    EXPECT_TRUE(routes.count(key) || key == "GET /api/v1/ws") << key << " is in the matrix but is no route";
  }
}

}  // namespace
}  // namespace vitrina
