#pragma once
// The authorization matrix's table (authz_test.cc runs it): the vocabulary of rows, callers
// and outcomes, and one row per request. Included by authz_test.cc only.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "server_fixture.h"

namespace vitrina::authz {

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
// hook's HTTP Basic credentials; {moderator} the moderator's user id; {call.analysed}
// {call.recorded} once analysed; {flag} a rule's flag on the seller's words in it; {rule} the
// first (shipped) phrase rule.
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
    // The seller service level (docs/service-level.md): every signed-in user sees their own;
    // admins set the verified flag the reliable-seller badge needs.
    r.push_back(Row("GET", "/api/v1/me/service-level", "", kUser, {401, 200, 200, 200, 200, 200}));
    r.push_back(Row("PUT", "/api/v1/admin/users/{stranger}/verified", R"({"verified": true})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, 200}));
    r.push_back(Row("PUT", "/api/v1/admin/users/{missing}/verified", R"({"verified": true})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, Err(404, "user_not_found")}));

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

    // --- Ratings: the buyer rates the seller once after an ended call; both parties read it.
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/rating", R"({"stars": 5})", kBuyer,
                    {401, 201, Err(403, "not_participant"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/rating", R"({"stars": 5})", kSeller,
                    {401, Err(403, "not_buyer"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant"), Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{missing}/rating", R"({"stars": 5})", kBuyer,
                    {401, Err(404, "call_not_found"), Err(404, "call_not_found"), Err(404, "call_not_found"),
                     Err(404, "call_not_found"), Err(404, "call_not_found")}));
    r.push_back(Row("GET", "/api/v1/calls/{call.recorded}/rating", "", kEither,
                    {401, 200, Err(403, "not_participant"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant")}));

    // --- Live warnings (docs/live.md): only the warned party answers (the buyer, about the
    // seller's words); who is checked before the body.
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/live-warnings/{flag.live}/feedback",
                    R"({"answer": "understood"})", kBuyer,
                    {401, 204, Err(403, "not_participant"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/live-warnings/{flag.live}/feedback", "{", kSeller,
                    {401, Err(403, "not_warned"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant"), Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{call.recorded}/live-warnings/{flag}/feedback",
                    R"({"answer": "understood"})", kBuyer,
                    {401, Err(404, "warning_not_found"), Err(403, "not_participant"), Err(403, "not_participant"),
                     Err(403, "not_participant"), Err(403, "not_participant")}));
    r.push_back(Row("POST", "/api/v1/calls/{missing}/live-warnings/{flag.live}/feedback",
                    R"({"answer": "understood"})", kBuyer,
                    {401, Err(404, "call_not_found"), Err(404, "call_not_found"), Err(404, "call_not_found"),
                     Err(404, "call_not_found"), Err(404, "call_not_found")}));

    // --- Speech analytics (docs/analytics.md): a call's analytics for moderators and (masked)
    // analysts, not its parties; rules and backfill for admins; preview for admins and
    // analysts; verdicts on flags for moderators.
    r.push_back(Row("GET", "/api/v1/calls/{call.analysed}/analytics", "", kEither,
                    {401, kForbidden, kForbidden, 200, 200, kForbidden}));
    r.push_back(Row("GET", "/api/v1/calls/{missing}/analytics", "", kEither,
                    {401, kForbidden, kForbidden, Err(404, "call_not_found"), Err(404, "call_not_found"), kForbidden}));
    r.push_back(Row("GET", "/api/v1/analytics/calls", "", kUser, {401, kForbidden, kForbidden, kForbidden, 200, kForbidden}));
    // Dashboards and exports: analysts only; who is checked before what they asked for.
    r.push_back(Row("GET", "/api/v1/analytics/dashboard", "", kUser, {401, kForbidden, kForbidden, kForbidden, 200, kForbidden}));
    r.push_back(Row("GET", "/api/v1/analytics/dashboard?from=nonsense", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, Err(400, "invalid_filter"), kForbidden}));
    r.push_back(Row("GET", "/api/v1/analytics/export?kind=calls&format=csv", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, 200, kForbidden}));
    r.push_back(Row("GET", "/api/v1/analytics/export?kind=users", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, Err(400, "invalid_filter"), kForbidden}));
    // The dishonest-user ranking: users for moderators, pseudonyms for analysts.
    r.push_back(Row("GET", "/api/v1/analytics/dishonest", "", kUser, {401, kForbidden, kForbidden, 200, 200, kForbidden}));
    r.push_back(Row("GET", "/api/v1/analytics/dishonest?cursor=zzz", "", kUser,
                    {401, kForbidden, kForbidden, Err(400, "invalid_cursor"), Err(400, "invalid_cursor"), kForbidden}));
    // Opening a case from a row: moderators only, refused before the user is even looked up
    // (the accused seller included); {complaint} gives the seller a signal (and a case to join).
    r.push_back(Row("POST", "/api/v1/analytics/dishonest/{seller}/case", "", kSeller,
                    {401, kForbidden, kForbidden, 201, kForbidden, kForbidden})
                    .Given("complaint"));
    r.push_back(Row("POST", "/api/v1/analytics/dishonest/{missing}/case", "", kUser,
                    {401, kForbidden, kForbidden, Err(404, "user_not_found"), kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/analytics/dishonest/{stranger}/case", "", kUser,
                    {401, kForbidden, kForbidden, Err(409, "no_signal"), kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/admin/rules", "", kUser, {401, 403, 403, 403, 403, 200}));
    r.push_back(Row("POST", "/api/v1/admin/rules", R"({"category": "insult", "expression": "болван"})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, 201}));
    r.push_back(Row("PATCH", "/api/v1/admin/rules/{rule}", R"({"enabled": true})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, 200}));
    r.push_back(Row("PATCH", "/api/v1/admin/rules/{missing}", R"({"enabled": true})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, Err(404, "rule_not_found")}));
    // (A range that ends before it starts: the role is checked, no job is queued.)
    r.push_back(Row("POST", "/api/v1/admin/analytics/backfill",
                    R"({"from": "2030-01-01T00:00:00Z", "to": "2020-01-01T00:00:00Z"})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, Err(400, "invalid_range")}));
    r.push_back(Row("POST", "/api/v1/analytics/preview", R"({"text": "нужна предоплата на карту", "language": "ru"})",
                    kUser, {401, kForbidden, kForbidden, kForbidden, 200, 200}));
    r.push_back(Row("POST", "/api/v1/flags/{flag}/review", R"({"verdict": "correct"})", kEither,
                    {401, kForbidden, kForbidden, 200, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/flags/{missing}/review", R"({"verdict": "correct"})", kEither,
                    {401, kForbidden, kForbidden, Err(404, "flag_not_found"), kForbidden, kForbidden}));
    // Moderation quality: supervisors only (none of the matrix's callers is one; the supervisor's
    // own outcomes are in quality_test.cc). Who may act is checked before what they sent.
    r.push_back(Row("GET", "/api/v1/quality/moderators", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/honeypots", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/quality/honeypots", "{not json", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/tasks", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/quality/tasks/{missing}/acknowledge", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/quality/tasks/{missing}/close", R"({"result": "x"})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/reviews", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/quality/reviews/{missing}/verdict", R"({"action": "warn", "reason": "x"})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/agreement", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/reporters", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/quality/reporters/{stranger}/mute", R"({"days": 7, "reason": "x"})", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    r.push_back(Row("DELETE", "/api/v1/quality/reporters/{stranger}/mute", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, kForbidden, kForbidden}));
    // Themes: analysts (and supervisors) only.
    r.push_back(Row("GET", "/api/v1/quality/themes", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, 200, kForbidden}));
    r.push_back(Row("GET", "/api/v1/quality/themes?source=nonsense", "", kUser,
                    {401, kForbidden, kForbidden, kForbidden, Err(400, "invalid_source"), kForbidden}));
    // The second reviewer's side: moderators; nothing waits, nothing is theirs.
    r.push_back(Row("POST", "/api/v1/moderation/reviews/next", "", kUser,
                    {401, kForbidden, kForbidden, 204, kForbidden, kForbidden}));
    r.push_back(Row("GET", "/api/v1/moderation/reviews/{missing}", "", kUser,
                    {401, kForbidden, kForbidden, Err(404, "review_not_found"), kForbidden, kForbidden}));
    r.push_back(Row("POST", "/api/v1/moderation/reviews/{missing}/decision", R"({"action": "warn", "reason": "x"})",
                    kUser, {401, kForbidden, kForbidden, Err(404, "review_not_found"), kForbidden, kForbidden}));
    return r;
  }();
  return rows;
}

}  // namespace vitrina::authz
