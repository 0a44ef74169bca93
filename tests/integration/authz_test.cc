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
#include "authz_rows.h"
#include "recorded_call.h"
#include "server_fixture.h"

namespace vitrina {
namespace {

using namespace authz;  // NOLINT(google-build-using-namespace): the table's vocabulary

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
    auto k = server_->moderation().complaints().FileComplaint(Record(buyer_), std::stoll(Id("call.recorded")), in);
    EXPECT_TRUE(k) << k.error().message;
    return k ? std::to_string(k->id) : "0";
  }

  // {case} taken by `moderator` through next: the only open case there is (RetireCases).
  std::string TakeCase(const User& moderator) {
    const auto want = Id("case");
    auto view = server_->moderation().queue().Next(Record(moderator));
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
    auto out = server_->moderation().decisions().Decide(Record(moderator_), std::stoll(Id("case.mine")), in);
    EXPECT_TRUE(out && out->sanction) << (out ? "no sanction" : out.error().message);
    return out && out->sanction ? std::to_string(out->sanction->id) : "0";
  }

  std::string SellersNewestNotification() {
    Id("sanction");
    auto list = server_->moderation().notifications().Notifications(Record(seller_), std::nullopt, 1);
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

  // A rule's flag on the seller's words in {call.recorded} (`live`: raised during the call, so
  // its warning went to the buyer).
  std::string NewFlag(bool live = false) {
    const auto call = std::stoll(Id("call.recorded"));
    auto flag = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
      const auto rules = TRY(tx.analytics().ListRules());
      if (rules.empty()) return base::Internal("no rules");
      store::Flag f;
      f.call_id = call;
      f.transcript_version = live ? 0 : 1;
      f.live = live;
      f.rule_id = rules.front().id;
      f.category = rules.front().category;
      f.severity = rules.front().severity;
      f.speaker = "seller";
      f.accused_id = std::stoll(seller_.id);
      f.start_ms = 1000;
      f.end_ms = 2000;
      f.text = "hello there";
      f.created_at = clock_.NowMs();
      return TRY(tx.analytics().InsertFlag(f)).first.id;
    });
    EXPECT_TRUE(flag) << flag.error().message;
    return flag ? std::to_string(*flag) : "0";
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
    } else if (name == "call.analysed") {
      v = Id("call.recorded");
      auto done = server_->analytics().AnalyzeCall(std::stoll(v));
      EXPECT_TRUE(done) << done.error().message;
    } else if (name == "flag") v = NewFlag();
    else if (name == "flag.live") v = NewFlag(/*live=*/true);
    else if (name == "rule") {
      auto rules = server_->analytics().Rules();
      EXPECT_TRUE(rules && !rules->empty());
      v = rules && !rules->empty() ? std::to_string(rules->front().id) : "0";
    } else if (name == "job.failed") v = NewFailedJob();
    else if (name == "moderator") v = moderator_.id;
    else if (name == "complaint") v = NewComplaint();
    else if (name == "case") {
      auto k = server_->moderation().complaints().GetComplaint(Record(buyer_), std::stoll(Id("complaint")));
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
