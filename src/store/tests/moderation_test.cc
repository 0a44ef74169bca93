// Moderation tables (migration 5) and their repositories: complaint and case uniqueness, the
// next-eligible query (order, skills, exclusions, plan, speed), leases, the supervisors'
// queue, retention holds, sanctions/appeals, the append-only reward ledger, notifications.
// Parameterised over the backends (test_backends.h); the query-plan checks are per backend.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "store/open.h"
#include "store/postgres/moderation.h"
#include "store/sqlite/moderation.h"
#include "store/store.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class ModerationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = fs::temp_directory_path() / ("vitrina-moderation-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
    ASSERT_GE(*version, 5);
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  bool Postgres() const { return options_.driver == "postgres"; }

  // Runs `fn` in a write transaction and returns its value (failing the test on error).
  template <typename F>
  auto W(F&& fn) {
    auto r = store_->Write(std::forward<F>(fn));
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    return r;
  }
  template <typename F>
  auto R(F&& fn) {
    auto r = store_->Read(std::forward<F>(fn));
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    return r;
  }

  Id AddUser(const std::string& email) {
    auto u = W([&](Tx& tx) { return tx.users().Insert({email, "Name " + email, "hash", {"user"}, "UTC"}, 1000); });
    return u ? u->id : 0;
  }

  Id AddListing(Id seller, const std::string& vertical = "goods") {
    Listing l;
    l.seller_id = seller;
    l.title = "t";
    l.description = "d";
    l.price = 100;
    l.vertical = vertical;
    l.call_hours_json = "{}";
    l.created_at = l.updated_at = 2000;
    auto r = W([&](Tx& tx) { return tx.listings().Insert(l); });
    return r ? r->id : 0;
  }

  // An ended call between buyer and seller (a fresh listing of the seller each time).
  Call AddCall(Id buyer, Id seller, std::optional<TimeMs> ended_at, const std::string& recording = "ready",
               const std::string& transcript = "none") {
    const Id listing = AddListing(seller);
    auto conv = W([&](Tx& tx) { return tx.chat().FindOrCreateConversation(listing, buyer, seller, 3000); });
    Call c;
    c.conversation_id = conv->first.id;
    c.listing_id = listing;
    c.buyer_id = buyer;
    c.seller_id = seller;
    c.proposed_by = buyer;
    c.state = ended_at ? "ended" : "active";
    c.join_opens_at = 4000;
    c.join_closes_at = 9000;
    c.started_at = 4000;
    c.ended_at = ended_at;
    c.recording_status = recording;
    c.transcript_status = transcript;
    c.created_at = c.updated_at = 4000;
    auto r = W([&](Tx& tx) { return tx.calls().Insert(c); });
    return r ? *r : Call{};
  }

  static Case MakeCase(Id accused, int priority, TimeMs due, const std::string& vertical = "goods",
                       const std::string& language = "en", const std::string& kind = "complaints") {
    Case c;
    c.kind = kind;
    c.accused_id = accused;
    c.priority = priority;
    c.sla_due_at = due;
    c.vertical = vertical;
    c.language = language;
    c.complainants = 1;
    c.opened_at = c.updated_at = 100;
    return c;
  }

  Case AddCase(const Case& c) {
    auto r = W([&](Tx& tx) { return tx.cases().InsertCase(c); });
    return r ? *r : Case{};
  }

  void Assign(Case c, Id moderator, TimeMs lease_until) {
    c.status = "assigned";
    c.assignee_id = moderator;
    c.assigned_at = 500;
    c.lease_until = lease_until;
    W([&](Tx& tx) { return tx.cases().UpdateCase(c); });
  }

  void Decide(Case c, TimeMs at) {
    c.status = "decided";
    c.assignee_id.reset();
    c.assigned_at.reset();
    c.lease_until.reset();
    c.decided_at = at;
    c.updated_at = at;
    W([&](Tx& tx) { return tx.cases().UpdateCase(c); });
  }

  // NextEligible locks the case it finds (PostgreSQL: FOR UPDATE ... SKIP LOCKED), so it runs
  // in a writable transaction, the claim kind the moderation service uses.
  std::optional<Id> Next(Id moderator, std::vector<std::string> verticals = {},
                         std::vector<std::string> languages = {}) {
    CaseEligibility who{moderator, std::move(verticals), std::move(languages)};
    auto r = store_->WriteClaim([&](Tx& tx) { return tx.cases().NextEligible(who); });
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    if (!r || !*r) return std::nullopt;
    return (*r)->id;
  }

  Complaint MakeComplaint(const Call& call, Id reporter, Id accused, Id case_id) {
    Complaint c;
    c.call_id = call.id;
    c.reporter_id = reporter;
    c.accused_id = accused;
    c.case_id = case_id;
    c.category = "prepayment_request";
    c.text = "He asked me to prepay to a card";
    c.ranges = R"([{"from_ms":61000,"to_ms":68000}])";
    c.quote = "send a prepayment to my card";
    c.created_at = c.updated_at = 6000;
    return c;
  }

  Decision AddDecision(Id case_id, Id moderator, const std::string& action, std::vector<Id> cited) {
    Decision d;
    d.case_id = case_id;
    d.moderator_id = moderator;
    d.action = action;
    d.reason = "rule 4.2";
    d.evidence = "[]";
    d.cited_calls = std::move(cited);
    d.created_at = 7000;
    auto r = W([&](Tx& tx) { return tx.sanctions().InsertDecision(d); });
    return r ? *r : Decision{};
  }

  Sanction AddSanction(Id user, const Decision& d, TimeMs appeal_until, const std::string& status = "active") {
    Sanction s;
    s.user_id = user;
    s.decision_id = d.id;
    s.case_id = d.case_id;
    s.kind = "ban";
    s.reason = "rule 4.2";
    s.starts_at = 7000;
    s.status = status;
    s.appeal_until = appeal_until;
    s.created_at = 7000;
    auto r = W([&](Tx& tx) { return tx.sanctions().InsertSanction(s); });
    return r ? *r : Sanction{};
  }

  std::vector<Id> Purgeable(TimeMs cutoff, TimeMs now, int limit = 100) {
    auto r = R([&](Tx& tx) { return tx.cases().PurgeableCalls(cutoff, now, limit); });
    return r ? *r : std::vector<Id>{};
  }

  // Runs SQL (one or more statements) on a connection of its own, outside the store (as
  // someone with the file or the database's credentials would); whether it succeeded.
  bool RawExec(const std::string& sql) {
    if (Postgres()) {
      PGconn* conn = PQconnectdb(options_.postgres.url.c_str());
      EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
      PGresult* res = PQexec(conn, sql.c_str());
      const auto status = PQresultStatus(res);
      const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
      PQclear(res);
      PQfinish(conn);
      return ok;
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(options_.sqlite.path.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_OK;
  }

  // The first column of each row of `sql`, run outside the store, as text.
  std::vector<std::string> RawColumn(const std::string& sql) {
    std::vector<std::string> out;
    if (Postgres()) {
      PGconn* conn = PQconnectdb(options_.postgres.url.c_str());
      EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
      PGresult* res = PQexec(conn, sql.c_str());
      EXPECT_EQ(PQresultStatus(res), PGRES_TUPLES_OK) << PQresultErrorMessage(res);
      for (int i = 0; i < PQntuples(res); ++i) out.emplace_back(PQgetvalue(res, i, 0));
      PQclear(res);
      PQfinish(conn);
      return out;
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(options_.sqlite.path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(s, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(ModerationTest, OneUndecidedComplaintPerReporterAndCall) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x");
  const Call call = AddCall(buyer, seller, 5000);
  const Call other_call = AddCall(buyer, seller, 5500);
  const Case kase = AddCase(MakeCase(seller, 1, 10'000));

  auto first = W([&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(call, buyer, seller, kase.id)); });
  ASSERT_TRUE(first);
  auto found = R([&](Tx& tx) { return tx.complaints().FindComplaint(first->id); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->quote, "send a prepayment to my card");
  EXPECT_FALSE((*found)->quote_match);
  EXPECT_EQ((*found)->ranges, R"([{"from_ms":61000,"to_ms":68000}])");
  EXPECT_EQ((*found)->status, "open");

  auto twin = store_->Write([&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(call, buyer, seller, kase.id)); });
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().kind, base::ErrorKind::kConflict);
  EXPECT_EQ(twin.error().code, "complaint_exists");
  // Another call of the same pair is a complaint of its own.
  EXPECT_TRUE(W([&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(other_call, buyer, seller, kase.id)); }));
  // A bad foreign key is not reported as a duplicate.
  const Call third_call = AddCall(buyer, seller, 5600);
  auto orphan = store_->Write(
      [&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(third_call, buyer, seller, kase.id + 1000)); });
  ASSERT_FALSE(orphan);
  EXPECT_NE(orphan.error().code, "complaint_exists");

  // In review it still counts as undecided.
  EXPECT_EQ(*W([&](Tx& tx) { return tx.complaints().SetComplaintStatus(kase.id, {"open"}, "in_review", 6500); }), 2);
  twin = store_->Write([&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(call, buyer, seller, kase.id)); });
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().code, "complaint_exists");

  // Once decided, the reporter may complain about the same call again.
  EXPECT_EQ(*W([&](Tx& tx) { return tx.complaints().SetComplaintStatus(kase.id, {"open", "in_review"}, "dismissed", 7000); }),
            2);
  EXPECT_EQ(*W([&](Tx& tx) { return tx.complaints().SetComplaintStatus(kase.id, {"open", "in_review"}, "upheld", 7000); }),
            0);
  found = R([&](Tx& tx) { return tx.complaints().FindComplaint(first->id); });
  EXPECT_EQ((*found)->status, "dismissed");
  EXPECT_EQ((*found)->updated_at, 7000);
  auto again = W([&](Tx& tx) { return tx.complaints().InsertComplaint(MakeComplaint(call, buyer, seller, kase.id)); });
  ASSERT_TRUE(again);
  // ...and reopening the dismissed one now collides with the new one.
  Complaint reopened = **found;
  reopened.status = "open";
  auto clash = store_->Write([&](Tx& tx) { return tx.complaints().UpdateComplaint(reopened); });
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, "complaint_exists");

  // Edits round-trip.
  Complaint edited = *again;
  edited.category = "fraud";
  edited.text = "edited";
  edited.quote.reset();
  edited.quote_match = R"({"segment_ids":["1"],"from_ms":1,"to_ms":2})";
  edited.updated_at = 8000;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.complaints().UpdateComplaint(edited); }));
  found = R([&](Tx& tx) { return tx.complaints().FindComplaint(again->id); });
  EXPECT_EQ((*found)->category, "fraud");
  EXPECT_EQ((*found)->text, "edited");
  EXPECT_FALSE((*found)->quote);
  EXPECT_EQ((*found)->quote_match, edited.quote_match);
  EXPECT_EQ((*found)->updated_at, 8000);
}

TEST_P(ModerationTest, ListComplaintsNewestFirstWithFiltersAndCursor) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x"), buyer2 = AddUser("b2@x");
  const Case kase = AddCase(MakeCase(seller, 1, 10'000));
  std::vector<Id> ids;
  std::vector<Call> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back(AddCall(i % 2 ? buyer2 : buyer, seller, 5000 + i));
    ids.push_back(W([&](Tx& tx) {
                    return tx.complaints().InsertComplaint(MakeComplaint(calls.back(), i % 2 ? buyer2 : buyer, seller, kase.id));
                  })->id);
  }
  ComplaintFilter f;
  f.case_id = kase.id;
  auto all = *R([&](Tx& tx) { return tx.complaints().ListComplaints(f); });
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, ids[3]);
  EXPECT_EQ(all[3].id, ids[0]);
  f.limit = 2;
  f.before_id = ids[3];
  auto page = *R([&](Tx& tx) { return tx.complaints().ListComplaints(f); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[2]);
  EXPECT_EQ(page[1].id, ids[1]);
  ComplaintFilter by;
  by.reporter_id = buyer2;
  auto mine = *R([&](Tx& tx) { return tx.complaints().ListComplaints(by); });
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, ids[3]);
  EXPECT_EQ(mine[1].id, ids[1]);
  ComplaintFilter on_call;
  on_call.call_id = calls[2].id;
  auto one = *R([&](Tx& tx) { return tx.complaints().ListComplaints(on_call); });
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id, ids[2]);
  ComplaintFilter against;
  against.accused_id = buyer;
  EXPECT_TRUE(R([&](Tx& tx) { return tx.complaints().ListComplaints(against); })->empty());
}

TEST_P(ModerationTest, OneUndecidedComplaintsCasePerAccused) {
  const Id seller = AddUser("s@x"), mod = AddUser("m@x");
  const Case first = AddCase(MakeCase(seller, 2, 10'000));
  ASSERT_GT(first.id, 0);
  auto twin = store_->Write([&](Tx& tx) { return tx.cases().InsertCase(MakeCase(seller, 1, 5'000)); });
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().kind, base::ErrorKind::kConflict);
  // An appeal is a case of its own.
  const Case appeal = AddCase(MakeCase(seller, 2, 10'000, "goods", "en", "appeal"));
  ASSERT_GT(appeal.id, 0);

  auto open = *R([&](Tx& tx) { return tx.cases().OpenComplaintsCase(seller); });
  ASSERT_TRUE(open);
  EXPECT_EQ(open->id, first.id);
  Assign(first, mod, 9'000);  // assigned is still undecided
  open = *R([&](Tx& tx) { return tx.cases().OpenComplaintsCase(seller); });
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, "assigned");
  EXPECT_EQ(open->assignee_id, mod);
  EXPECT_EQ(open->lease_until, 9'000);
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.cases().InsertCase(MakeCase(seller, 1, 5'000)); }));

  Decide(*open, 12'000);
  EXPECT_FALSE(*R([&](Tx& tx) { return tx.cases().OpenComplaintsCase(seller); }));
  auto decided = *R([&](Tx& tx) { return tx.cases().FindCase(first.id); });
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->status, "decided");
  EXPECT_EQ(decided->decided_at, 12'000);
  EXPECT_FALSE(decided->assignee_id);
  const Case second = AddCase(MakeCase(seller, 1, 20'000));
  ASSERT_GT(second.id, 0);

  // The database refuses an assigned case without a lease.
  Case bad = second;
  bad.status = "assigned";
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.cases().UpdateCase(bad); }));

  CaseFilter f;
  f.accused_id = seller;
  auto all = *R([&](Tx& tx) { return tx.cases().ListCases(f); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, second.id);
  EXPECT_EQ(all[1].id, appeal.id);
  EXPECT_EQ(all[2].id, first.id);
  f.statuses = {"decided"};
  all = *R([&](Tx& tx) { return tx.cases().ListCases(f); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, first.id);
  f.statuses = {"open", "assigned"};
  f.before_id = second.id;
  all = *R([&](Tx& tx) { return tx.cases().ListCases(f); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, appeal.id);
  Assign(second, mod, 30'000);
  CaseFilter mine;
  mine.statuses = {"assigned"};
  mine.assignee_id = mod;
  all = *R([&](Tx& tx) { return tx.cases().ListCases(mine); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, second.id);

  // Case calls.
  const Id buyer = AddUser("b@x");
  const Call c1 = AddCall(buyer, seller, 5000), c2 = AddCall(buyer, seller, 5100);
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    TRY(tx.cases().AddCaseCall(second.id, c2.id));
    TRY(tx.cases().AddCaseCall(second.id, c1.id));
    return tx.cases().AddCaseCall(second.id, c2.id);  // idempotent
  }));
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CaseCalls(second.id); }), (std::vector<Id>{c1.id, c2.id}));
}

TEST_P(ModerationTest, NextEligibleIsTheMostUrgentByPriorityThenDueThenId) {
  const Id mod = AddUser("m@x");
  std::vector<Id> accused;
  for (int i = 0; i < 6; ++i) accused.push_back(AddUser("a" + std::to_string(i) + "@x"));
  EXPECT_FALSE(Next(mod));
  // Inserted out of order and spread over verticals, so only the cross-vertical pick orders them.
  const Case p2_early = AddCase(MakeCase(accused[0], 2, 100, "goods"));
  const Case p1_late = AddCase(MakeCase(accused[1], 1, 900, "realty"));
  const Case p1_mid_a = AddCase(MakeCase(accused[2], 1, 500, "jobs"));
  const Case p1_mid_b = AddCase(MakeCase(accused[3], 1, 500, "auto"));
  const Case p3 = AddCase(MakeCase(accused[4], 3, 50, "goods"));
  const Case p1_mid_c = AddCase(MakeCase(accused[5], 1, 500, "jobs"));
  const std::vector<Id> expected = {p1_mid_a.id, p1_mid_b.id, p1_mid_c.id, p1_late.id, p2_early.id, p3.id};
  std::vector<Id> got;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto next = Next(mod);
    ASSERT_TRUE(next);
    got.push_back(*next);
    auto c = *R([&](Tx& tx) { return tx.cases().FindCase(*next); });
    Assign(*c, mod, 100'000);  // taken: out of the open queue
  }
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(Next(mod));
  // Decided cases are not offered either.
  auto c = *R([&](Tx& tx) { return tx.cases().FindCase(p3.id); });
  Decide(*c, 200);
  EXPECT_FALSE(Next(mod));
}

TEST_P(ModerationTest, NextEligibleHonoursVerticalAndLanguageSkills) {
  const Id mod = AddUser("m@x");
  std::vector<Id> a;
  for (int i = 0; i < 5; ++i) a.push_back(AddUser("a" + std::to_string(i) + "@x"));
  const Case goods_en = AddCase(MakeCase(a[0], 1, 100, "goods", "en"));
  const Case realty_ru = AddCase(MakeCase(a[1], 1, 200, "realty", "ru"));
  const Case goods_ru = AddCase(MakeCase(a[2], 2, 100, "goods", "ru"));
  const Case auto_de = AddCase(MakeCase(a[3], 3, 100, "auto", "de"));
  // Empty lists: anything.
  EXPECT_EQ(Next(mod), goods_en.id);
  EXPECT_EQ(Next(mod, {}, {}), goods_en.id);
  EXPECT_EQ(Next(mod, {"realty"}), realty_ru.id);
  EXPECT_EQ(Next(mod, {"realty", "goods"}), goods_en.id);
  EXPECT_EQ(Next(mod, {"auto"}), auto_de.id);
  EXPECT_FALSE(Next(mod, {"jobs"}));
  // Language: the head of goods is en; a ru moderator walks past it to the next goods case.
  EXPECT_EQ(Next(mod, {}, {"ru"}), realty_ru.id);
  EXPECT_EQ(Next(mod, {"goods"}, {"ru"}), goods_ru.id);
  EXPECT_EQ(Next(mod, {"goods"}, {"ru", "en"}), goods_en.id);
  EXPECT_EQ(Next(mod, {}, {"de"}), auto_de.id);
  EXPECT_FALSE(Next(mod, {"realty"}, {"en"}));
  EXPECT_FALSE(Next(mod, {}, {"fr"}));
  EXPECT_FALSE(Next(mod, {"jobs"}, {"en"}));
}

TEST_P(ModerationTest, NextEligibleSkipsCasesAgainstTheModeratorAndAppealsOfTheirOwnDecisions) {
  const Id mod = AddUser("m@x"), mod2 = AddUser("m2@x"), seller = AddUser("s@x");
  const Case against_mod = AddCase(MakeCase(mod, 1, 100));
  Case appeal = MakeCase(seller, 1, 200, "goods", "en", "appeal");
  appeal.excluded_moderator_id = mod;
  appeal = AddCase(appeal);
  const Case plain = AddCase(MakeCase(seller, 2, 100));
  EXPECT_EQ(Next(mod), plain.id);
  EXPECT_EQ(Next(mod2), against_mod.id);
  // Once mod2 holds the case against mod, the appeal is theirs next; mod still may not take it.
  Assign(against_mod, mod2, 100'000);
  EXPECT_EQ(Next(mod2), appeal.id);
  EXPECT_EQ(Next(mod), plain.id);
  EXPECT_FALSE(Next(seller));  // every open case left is against them
}

// A moderator who complained in a case or is a party to one of its calls (an appeal case
// carries the appealed case's calls) never gets it, and IsParty says why.
TEST_P(ModerationTest, NextEligibleSkipsCasesTheModeratorIsAPartyTo) {
  const Id mod = AddUser("m@x"), mod2 = AddUser("m2@x"), seller = AddUser("s@x"), other = AddUser("o@x");
  const Case urgent = AddCase(MakeCase(seller, 1, 100));  // mod bought from the seller and complained
  const Call with_mod = AddCall(mod, seller, 5000);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.cases().AddCaseCall(urgent.id, with_mod.id); }));
  const Case appeal = AddCase(MakeCase(other, 1, 200, "goods", "en", "appeal"));  // mod sold to them
  const Call mod_sells = AddCall(other, mod, 5000);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.cases().AddCaseCall(appeal.id, mod_sells.id); }));
  const Case plain = AddCase(MakeCase(other, 3, 100));
  EXPECT_EQ(Next(mod), plain.id);
  EXPECT_EQ(Next(mod2), urgent.id);
  EXPECT_TRUE(*R([&](Tx& tx) { return tx.cases().IsParty(urgent.id, mod); }));
  EXPECT_TRUE(*R([&](Tx& tx) { return tx.cases().IsParty(appeal.id, mod); }));
  EXPECT_FALSE(*R([&](Tx& tx) { return tx.cases().IsParty(plain.id, mod); }));
  EXPECT_FALSE(*R([&](Tx& tx) { return tx.cases().IsParty(urgent.id, mod2); }));
}

TEST_P(ModerationTest, ExpiredLeasesGoBackToTheQueueAndAssignmentsAreCounted) {
  const Id mod = AddUser("m@x"), other = AddUser("o@x");
  std::vector<Id> a;
  for (int i = 0; i < 3; ++i) a.push_back(AddUser("a" + std::to_string(i) + "@x"));
  const Case c1 = AddCase(MakeCase(a[0], 1, 100));
  const Case c2 = AddCase(MakeCase(a[1], 1, 200));
  const Case c3 = AddCase(MakeCase(a[2], 1, 300));
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CountAssigned(mod); }), 0);
  Assign(c1, mod, 1'000);
  Assign(c2, mod, 2'000);
  Assign(c3, other, 500);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CountAssigned(mod); }), 2);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CountAssigned(other); }), 1);
  EXPECT_FALSE(Next(AddUser("m3@x")));

  EXPECT_EQ(*W([&](Tx& tx) { return tx.cases().ReleaseExpiredLeases(500); }), 0);  // not before it ends
  EXPECT_EQ(*W([&](Tx& tx) { return tx.cases().ReleaseExpiredLeases(1'500); }), 2);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CountAssigned(mod); }), 1);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.cases().CountAssigned(other); }), 0);
  auto released = *R([&](Tx& tx) { return tx.cases().FindCase(c1.id); });
  EXPECT_EQ(released->status, "open");
  EXPECT_FALSE(released->assignee_id);
  EXPECT_FALSE(released->assigned_at);
  EXPECT_FALSE(released->lease_until);
  EXPECT_EQ(released->updated_at, 1'500);
  auto kept = *R([&](Tx& tx) { return tx.cases().FindCase(c2.id); });
  EXPECT_EQ(kept->status, "assigned");
  EXPECT_EQ(kept->lease_until, 2'000);
  EXPECT_EQ(Next(AddUser("m4@x")), c1.id);
  EXPECT_EQ(*W([&](Tx& tx) { return tx.cases().ReleaseExpiredLeases(1'500); }), 0);
}

TEST_P(ModerationTest, QueuePagesWalkEveryUndecidedCaseOnceInUrgencyOrder) {
  const Id mod = AddUser("m@x");
  std::vector<Case> undecided;
  for (int i = 0; i < 23; ++i) {
    const Id accused = AddUser("a" + std::to_string(i) + "@x");
    // Many ties on (priority, due) so pages split inside a tie.
    Case c = AddCase(MakeCase(accused, 1 + (i * 7) % 3, 1'000 * ((i * 5) % 4), i % 2 ? "goods" : "auto"));
    if (i % 5 == 0) {
      Decide(c, 50);
      continue;
    }
    if (i % 4 == 1) {
      Assign(c, mod, 99'000);
      c.status = "assigned";
    }
    undecided.push_back(c);
  }
  std::sort(undecided.begin(), undecided.end(), [](const Case& x, const Case& y) {
    return std::tie(x.priority, x.sla_due_at, x.id) < std::tie(y.priority, y.sla_due_at, y.id);
  });
  std::vector<Id> expected;
  for (const auto& c : undecided) expected.push_back(c.id);

  std::vector<Id> walked;
  std::optional<QueueCursor> cursor;
  int pages = 0;
  while (true) {
    auto page = *R([&](Tx& tx) { return tx.cases().Queue(cursor, 4); });
    if (page.empty()) break;
    ++pages;
    for (const auto& c : page) {
      EXPECT_NE(c.status, "decided");
      walked.push_back(c.id);
    }
    cursor = QueueCursor{page.back().priority, page.back().sla_due_at, page.back().id};
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(walked, expected);
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 3) / 4));
}

TEST_P(ModerationTest, CountQueueCountsUndecidedCasesByStateAndSla) {
  const Id mod = AddUser("m@x");
  // now = 10'000; at risk within 1'000 / 2'000 / 3'000 of the due time for priority 1 / 2 / 3.
  const TimeMs now = 10'000;
  const std::array<std::int64_t, 3> at_risk = {1'000, 2'000, 3'000};
  QueueCounts expected;
  for (int i = 0; i < 40; ++i) {
    const Id accused = AddUser("a" + std::to_string(i) + "@x");
    const int priority = 1 + i % 3;
    const TimeMs due = now - 2'500 + 250 * i;  // from 2.5 s past due to 7.25 s ahead
    Case c = AddCase(MakeCase(accused, priority, due));
    if (i % 7 == 0) {
      Decide(c, 50);  // not counted at all
      continue;
    }
    if (i % 3 == 1) {
      Assign(c, mod, 99'000);
      expected.assigned++;
    } else {
      expected.open++;
    }
    if (due < now) expected.breached++;
    else if (due - now < at_risk[static_cast<std::size_t>(priority - 1)]) expected.at_risk++;
  }
  auto counts = *R([&](Tx& tx) { return tx.cases().CountQueue(now, at_risk); });
  EXPECT_EQ(counts.open, expected.open);
  EXPECT_EQ(counts.assigned, expected.assigned);
  EXPECT_EQ(counts.breached, expected.breached);
  EXPECT_EQ(counts.at_risk, expected.at_risk);
  EXPECT_GT(expected.open, 0);
  EXPECT_GT(expected.assigned, 0);
  EXPECT_GT(expected.breached, 0);
  EXPECT_GT(expected.at_risk, 0);
  // Long before any due time: the same cases, none breached.
  auto early = *R([&](Tx& tx) { return tx.cases().CountQueue(0, at_risk); });
  EXPECT_EQ(early.open, expected.open);
  EXPECT_EQ(early.assigned, expected.assigned);
  EXPECT_EQ(early.breached, 0);
}

TEST_P(ModerationTest, ModeratorStateDefaultsAndUpserts) {
  const Id mod = AddUser("m@x");
  auto m = *R([&](Tx& tx) { return tx.moderators().Moderator(mod); });
  EXPECT_EQ(m.user_id, mod);
  EXPECT_TRUE(m.on_shift);
  EXPECT_EQ(m.capacity, 3);
  EXPECT_FALSE(m.last_seen_at);
  m.on_shift = false;
  m.capacity = 5;
  m.last_seen_at = 700;
  m.updated_at = 700;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.moderators().PutModerator(m); }));
  auto read = *R([&](Tx& tx) { return tx.moderators().Moderator(mod); });
  EXPECT_FALSE(read.on_shift);
  EXPECT_EQ(read.capacity, 5);
  EXPECT_EQ(read.last_seen_at, 700);
  m.on_shift = true;
  m.capacity = 2;
  m.updated_at = 800;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.moderators().PutModerator(m); }));
  read = *R([&](Tx& tx) { return tx.moderators().Moderator(mod); });
  EXPECT_TRUE(read.on_shift);
  EXPECT_EQ(read.capacity, 2);
  EXPECT_EQ(read.updated_at, 800);
}

// Retention: which ended calls may lose their recording and transcript.
TEST_P(ModerationTest, PurgeableCallsRespectEveryHold) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x"), mod = AddUser("m@x");
  constexpr TimeMs kCutoff = 1'000'000;
  // Free: old enough, something to delete, nothing holding it.
  const Call free_old = AddCall(buyer, seller, 100);
  const Call free_newer = AddCall(buyer, seller, 300, "none", "ready");
  const Call files_only = AddCall(buyer, seller, 400, "none", "none");
  ASSERT_TRUE(W([&](Tx& tx) {
    return tx.calls().ReplaceFiles(files_only.id, {{files_only.id, "buyer", "audio", "f/b.opus", 1, 1, 0, "aa", 1}});
  }));
  // Not candidates at all.
  const Call too_recent = AddCall(buyer, seller, kCutoff + 1);
  const Call nothing_left = AddCall(buyer, seller, 150, "none", "none");
  const Call still_active = AddCall(buyer, seller, std::nullopt);
  // Held by cases and sanctions.
  const Call in_open_case = AddCall(buyer, seller, 200);
  const Call appealable = AddCall(buyer, seller, 210);
  const Call appealed = AddCall(buyer, seller, 220);
  const Call overturned = AddCall(buyer, seller, 230);
  const Call dismissed = AddCall(buyer, seller, 240);
  (void)too_recent;
  (void)nothing_left;
  (void)still_active;

  // An undecided case holds its calls (assigned too).
  const Case open_case = AddCase(MakeCase(seller, 1, 10));
  ASSERT_TRUE(W([&](Tx& tx) { return tx.cases().AddCaseCall(open_case.id, in_open_case.id); }));

  // Decided cases hold nothing by themselves; their sanctions' decisions cite calls.
  const Id other1 = AddUser("o1@x"), other2 = AddUser("o2@x"), other3 = AddUser("o3@x");
  const Case decided1 = AddCase(MakeCase(other1, 1, 10));
  Decide(decided1, 7000);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.cases().AddCaseCall(decided1.id, appealable.id); }));
  const Decision d1 = AddDecision(decided1.id, mod, "ban", {appealable.id, appealable.id});
  AddSanction(other1, d1, 10'000'000);

  const Case decided2 = AddCase(MakeCase(other2, 1, 10));
  Decide(decided2, 7000);
  const Decision d2 = AddDecision(decided2.id, mod, "ban", {appealed.id});
  const Sanction s2 = AddSanction(other2, d2, 10'000'000);
  // The appeal's own case is not linked to the call here: only the open appeal holds it.
  const Case appeal_case = AddCase(MakeCase(other2, 2, 10, "goods", "en", "appeal"));
  Appeal appeal;
  appeal.sanction_id = s2.id;
  appeal.user_id = other2;
  appeal.text = "not me";
  appeal.case_id = appeal_case.id;
  appeal.created_at = 8000;
  appeal = *W([&](Tx& tx) { return tx.sanctions().InsertAppeal(appeal); });

  const Case decided3 = AddCase(MakeCase(other3, 1, 10));
  Decide(decided3, 7000);
  const Decision d3 = AddDecision(decided3.id, mod, "ban", {overturned.id});
  AddSanction(other3, d3, 10'000'000, "overturned");
  const Decision d4 = AddDecision(decided3.id, mod, "dismiss", {dismissed.id});  // no sanction
  (void)d4;

  // Inside the appeal window.
  const TimeMs during = 5'000'000, after = 20'000'000;
  EXPECT_EQ(Purgeable(kCutoff, during),
            (std::vector<Id>{free_old.id, overturned.id, dismissed.id, free_newer.id, files_only.id}));
  EXPECT_EQ(Purgeable(kCutoff, during, 2), (std::vector<Id>{free_old.id, overturned.id}));
  // The cutoff is strict and bounds the candidates.
  EXPECT_EQ(Purgeable(230, during), (std::vector<Id>{free_old.id}));
  EXPECT_EQ(Purgeable(231, during), (std::vector<Id>{free_old.id, overturned.id}));
  // After the window: the sanction without an appeal lets go; the open appeal still holds.
  EXPECT_EQ(Purgeable(kCutoff, after), (std::vector<Id>{free_old.id, appealable.id, overturned.id, dismissed.id,
                                                        free_newer.id, files_only.id}));
  // Window exactly at now: over.
  EXPECT_EQ(Purgeable(kCutoff, 10'000'000).size(), 6u);
  // The appeal decided: nothing holds it any more.
  appeal.status = "upheld";
  appeal.decided_at = after;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.sanctions().UpdateAppeal(appeal); }));
  EXPECT_EQ(Purgeable(kCutoff, after).size(), 7u);
  EXPECT_EQ(Purgeable(kCutoff, after)[2], appealed.id);
  // The undecided case decided (while assigned it still held).
  Assign(open_case, mod, 99);
  EXPECT_EQ(Purgeable(kCutoff, after).size(), 7u);
  Decide(open_case, after);
  EXPECT_EQ(Purgeable(kCutoff, after),
            (std::vector<Id>{free_old.id, in_open_case.id, appealable.id, appealed.id, overturned.id, dismissed.id,
                             free_newer.id, files_only.id}));
  // Purged calls are done.
  ASSERT_TRUE(W([&](Tx& tx) { return tx.calls().MarkPurged(free_old.id, after); }));
  EXPECT_EQ(Purgeable(kCutoff, after).size(), 7u);
  EXPECT_EQ(Purgeable(kCutoff, after)[0], in_open_case.id);
}

TEST_P(ModerationTest, MarkPurgedForgetsFilesAndStampsTheCall) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x");
  const Call call = AddCall(buyer, seller, 100);
  const Call neighbour = AddCall(buyer, seller, 100);
  auto files = [](Id id) {
    return std::vector<RecordingFile>{{id, "buyer", "audio", std::to_string(id) + "/b.opus", 10, 1000, 0, "ab", 1},
                                      {id, "combined", "combined", std::to_string(id) + "/c.webm", 20, 1000, 0, "cd", 1}};
  };
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    TRY(tx.calls().ReplaceFiles(call.id, files(call.id)));
    return tx.calls().ReplaceFiles(neighbour.id, files(neighbour.id));
  }));
  auto before = *R([&](Tx& tx) { return tx.calls().FindById(call.id); });
  EXPECT_FALSE(before->purged_at);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.calls().MarkPurged(call.id, 77'000); }));
  EXPECT_TRUE(R([&](Tx& tx) { return tx.calls().Files(call.id); })->empty());
  EXPECT_EQ(R([&](Tx& tx) { return tx.calls().Files(neighbour.id); })->size(), 2u);
  auto after = *R([&](Tx& tx) { return tx.calls().FindById(call.id); });
  EXPECT_EQ(after->purged_at, 77'000);
  EXPECT_EQ(after->updated_at, 77'000);
  EXPECT_EQ(after->recording_status, "ready");  // metadata stays
  // Update writes purged_at like every other column.
  Call edited = *after;
  edited.purged_at.reset();
  edited.updated_at = 78'000;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.calls().Update(edited); }));
  EXPECT_FALSE((*R([&](Tx& tx) { return tx.calls().FindById(call.id); }))->purged_at);
  edited.purged_at = 79'000;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.calls().Update(edited); }));
  EXPECT_EQ((*R([&](Tx& tx) { return tx.calls().FindById(call.id); }))->purged_at, 79'000);
  // Lists read it too.
  auto listed = *R([&](Tx& tx) { return tx.calls().ListByState("ended", 10); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].purged_at, 79'000);
  EXPECT_FALSE(listed[1].purged_at);
}

TEST_P(ModerationTest, DecisionsSanctionsAndOneAppealPerSanction) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x"), mod = AddUser("m@x");
  const Call c1 = AddCall(buyer, seller, 100), c2 = AddCall(buyer, seller, 200);
  const Case kase = AddCase(MakeCase(seller, 1, 10));
  const Decision d = AddDecision(kase.id, mod, "block", {c2.id, c1.id, c2.id});
  EXPECT_GT(d.id, 0);
  auto decisions = *R([&](Tx& tx) { return tx.sanctions().Decisions(kase.id); });
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].action, "block");
  EXPECT_EQ(decisions[0].cited_calls, (std::vector<Id>{c1.id, c2.id}));
  EXPECT_EQ(decisions[0].moderator_id, mod);

  Sanction s1 = AddSanction(seller, d, 9'000);
  const Sanction s2 = AddSanction(seller, d, 9'500);
  auto mine = *R([&](Tx& tx) { return tx.sanctions().Sanctions(seller); });
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, s2.id);  // newest first
  EXPECT_EQ(mine[1].id, s1.id);
  EXPECT_TRUE(R([&](Tx& tx) { return tx.sanctions().Sanctions(buyer); })->empty());
  s1.status = "overturned";
  s1.lifted_at = 8'800;
  s1.ends_at = 8'800;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.sanctions().UpdateSanction(s1); }));
  auto read = **R([&](Tx& tx) { return tx.sanctions().FindSanction(s1.id); });
  EXPECT_EQ(read.status, "overturned");
  EXPECT_EQ(read.lifted_at, 8'800);
  EXPECT_EQ(read.ends_at, 8'800);
  EXPECT_EQ(read.appeal_until, 9'000);

  const Case appeal_case = AddCase(MakeCase(seller, 2, 10, "goods", "en", "appeal"));
  Appeal a;
  a.sanction_id = s2.id;
  a.user_id = seller;
  a.text = "not me";
  a.case_id = appeal_case.id;
  a.created_at = 8'000;
  auto inserted = W([&](Tx& tx) { return tx.sanctions().InsertAppeal(a); });
  ASSERT_TRUE(inserted);
  auto twin = store_->Write([&](Tx& tx) { return tx.sanctions().InsertAppeal(a); });
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().kind, base::ErrorKind::kConflict);
  EXPECT_EQ(twin.error().code, "appeal_exists");
  // A different sanction may be appealed.
  a.sanction_id = s1.id;
  EXPECT_TRUE(W([&](Tx& tx) { return tx.sanctions().InsertAppeal(a); }));

  auto of = *R([&](Tx& tx) { return tx.sanctions().AppealOf(s2.id); });
  ASSERT_TRUE(of);
  EXPECT_EQ(of->id, inserted->id);
  EXPECT_EQ(of->status, "open");
  EXPECT_FALSE(of->decision_id);
  const Decision verdict = AddDecision(appeal_case.id, AddUser("m2@x"), "uphold", {});
  Appeal decided = *of;
  decided.status = "upheld";
  decided.decision_id = verdict.id;
  decided.decided_at = 9'100;
  ASSERT_TRUE(W([&](Tx& tx) { return tx.sanctions().UpdateAppeal(decided); }));
  auto found = **R([&](Tx& tx) { return tx.sanctions().FindAppeal(inserted->id); });
  EXPECT_EQ(found.status, "upheld");
  EXPECT_EQ(found.decision_id, verdict.id);
  EXPECT_EQ(found.decided_at, 9'100);
  EXPECT_EQ(found.text, "not me");
  EXPECT_FALSE(*R([&](Tx& tx) { return tx.sanctions().AppealOf(s2.id + 100); }));
}

TEST_P(ModerationTest, TheRewardLedgerIsAppendOnly) {
  const Id seller = AddUser("s@x"), buyer = AddUser("b@x"), mod = AddUser("m@x");
  const Case kase = AddCase(MakeCase(seller, 1, 10));
  const Decision d = AddDecision(kase.id, mod, "ban", {});
  Reward r;
  r.user_id = buyer;
  r.decision_id = d.id;
  r.amount = 500;
  r.reason = "upheld complaint";
  r.created_at = 7'000;
  auto first = W([&](Tx& tx) { return tx.sanctions().InsertReward(r); });
  ASSERT_TRUE(first);
  r.amount = 300;
  auto second = W([&](Tx& tx) { return tx.sanctions().InsertReward(r); });
  ASSERT_TRUE(second);
  auto ledger = *R([&](Tx& tx) { return tx.sanctions().Rewards(buyer); });
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[0].id, second->id);
  EXPECT_EQ(ledger[0].amount, 300);
  EXPECT_EQ(ledger[1].amount, 500);
  EXPECT_EQ(ledger[1].currency, "RUB");
  EXPECT_FALSE(ledger[1].complaint_id);
  r.amount = 0;
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.sanctions().InsertReward(r); }));

  EXPECT_FALSE(RawExec("UPDATE rewards SET amount = 1000000 WHERE id = " + std::to_string(first->id)));
  EXPECT_FALSE(RawExec("DELETE FROM rewards WHERE id = " + std::to_string(first->id)));
  ledger = *R([&](Tx& tx) { return tx.sanctions().Rewards(buyer); });
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1].amount, 500);
  // The triggers are what refuses (not, say, a read-only file).
  EXPECT_TRUE(RawExec(std::string("DROP TRIGGER rewards_no_delete") + (Postgres() ? " ON rewards" : "") +
                      "; DELETE FROM rewards WHERE id = " + std::to_string(first->id)));
  EXPECT_EQ(R([&](Tx& tx) { return tx.sanctions().Rewards(buyer); })->size(), 1u);
}

TEST_P(ModerationTest, NotificationsPageCountAndMarkRead) {
  const Id u = AddUser("u@x"), v = AddUser("v@x");
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) {
    Notification n;
    n.user_id = u;
    n.kind = "complaint_decided";
    n.payload = R"({"n":)" + std::to_string(i) + "}";
    n.created_at = 1'000 + i;
    ids.push_back(W([&](Tx& tx) { return tx.notifications().Insert(n); })->id);
    n.user_id = v;
    W([&](Tx& tx) { return tx.notifications().Insert(n); });
  }
  auto page = *R([&](Tx& tx) { return tx.notifications().List(u, std::nullopt, 2); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[4]);
  EXPECT_EQ(page[1].id, ids[3]);
  EXPECT_EQ(page[0].payload, R"({"n":4})");
  EXPECT_EQ(page[0].kind, "complaint_decided");
  EXPECT_FALSE(page[0].read_at);
  page = *R([&](Tx& tx) { return tx.notifications().List(u, ids[3], 2); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[2]);
  EXPECT_EQ(page[1].id, ids[1]);
  page = *R([&](Tx& tx) { return tx.notifications().List(u, ids[1], 2); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, ids[0]);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.notifications().UnreadCount(u); }), 5);

  EXPECT_EQ(*W([&](Tx& tx) { return tx.notifications().MarkRead(u, ids[2], 9'000); }), 3);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.notifications().UnreadCount(u); }), 2);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.notifications().UnreadCount(v); }), 5);
  EXPECT_EQ(*W([&](Tx& tx) { return tx.notifications().MarkRead(u, ids[2], 9'500); }), 0);  // already read
  page = *R([&](Tx& tx) { return tx.notifications().List(u, std::nullopt, 10); });
  ASSERT_EQ(page.size(), 5u);
  EXPECT_FALSE(page[0].read_at);
  EXPECT_FALSE(page[1].read_at);
  EXPECT_EQ(page[2].read_at, 9'000);
  EXPECT_EQ(page[4].read_at, 9'000);
  EXPECT_EQ(*W([&](Tx& tx) { return tx.notifications().MarkRead(u, ids[4], 9'900); }), 2);
  EXPECT_EQ(*R([&](Tx& tx) { return tx.notifications().UnreadCount(u); }), 0);
  EXPECT_EQ(R([&](Tx& tx) { return tx.notifications().List(u, std::nullopt, 10); })->at(2).read_at, 9'000);
}

// The per-vertical head query walks cases_queue in order: no sort, no table scan. SQLite: its
// EXPLAIN QUERY PLAN of the statement; PostgreSQL: EXPLAIN of the prepared statement (with
// its FOR UPDATE SKIP LOCKED) over enough analysed rows that the planner has a real choice.
TEST_P(ModerationTest, NextEligibleQueryWalksTheQueueIndex) {
  if (!Postgres()) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(options_.sqlite.path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, (std::string("EXPLAIN QUERY PLAN ") + sqlite::kNextEligibleInVerticalSql).c_str(),
                                 -1, &s, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    std::vector<std::string> rows;
    while (sqlite3_step(s) == SQLITE_ROW) rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    std::string plan;
    for (const auto& r : rows) plan += r + "\n";
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0], "SEARCH cases USING INDEX cases_queue (vertical=?)") << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN cases"), std::string::npos) << plan;
    return;
  }
  ASSERT_TRUE(RawExec(
      "SET session_replication_role = replica;"  // no rollup triggers for the fill (see below)
      "INSERT INTO users (email, display_name, password_hash, created_at, updated_at)"
      " SELECT 'u' || i || '@x', 'u', 'h', 1, 1 FROM generate_series(1, 20010) i;"
      "INSERT INTO cases (kind, accused_id, status, priority, sla_due_at, vertical, language,"
      " complainants, opened_at, updated_at)"
      " SELECT 'complaints', i + 10, CASE WHEN i % 5 = 0 THEN 'decided' ELSE 'open' END,"
      " 1 + i % 3, (i * 7919) % 1000000, (ARRAY['goods', 'realty', 'auto', 'jobs'])[1 + i % 4],"
      " CASE WHEN i % 50 = 0 THEN 'en' ELSE 'ru' END, 1, 1, 1 FROM generate_series(1, 20000) i;"
      "ANALYZE cases; ANALYZE case_calls; ANALYZE calls;"));
  for (const std::string languages : {"NULL", "'{en}'"}) {
    const auto rows = RawColumn(std::string("PREPARE next_head(text, bigint, text[]) AS ") +
                                postgres::kPgNextEligibleInVerticalSql +
                                "; EXPLAIN EXECUTE next_head('goods', 1, " + languages + ")");
    std::string plan;
    for (const auto& r : rows) plan += r + "\n";
    ASSERT_FALSE(rows.empty());
    EXPECT_NE(plan.find("LockRows"), std::string::npos) << plan;
    EXPECT_NE(plan.find("Index Scan using cases_queue on cases"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("Sort"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("Seq Scan on cases"), std::string::npos) << plan;
  }
}

// 100,000 open cases: the per-vertical index walks give what a plain scan gives (the speed is
// measured in bench/moderation_bench.cc, not asserted here).
TEST_P(ModerationTest, NextEligibleAgreesWithAPlainScanOverAHundredThousandCases) {
  constexpr int kCases = 100'000;
  if (Postgres()) {
    // With the triggers: the rollup dirty-day trigger marks the fill's one day once (one row
    // of the mark log per statement and day).
    ASSERT_TRUE(RawExec(
        "BEGIN;"
        "INSERT INTO users (email, display_name, password_hash, created_at, updated_at)"
        " SELECT 'u' || i || '@x', 'u', 'h', 1, 1 FROM generate_series(1, " + std::to_string(kCases + 10) + ") i;"
        "INSERT INTO cases (kind, accused_id, status, priority, sla_due_at, vertical, language,"
        " complainants, opened_at, updated_at)"
        " SELECT 'complaints', i + 10, 'open', 1 + floor(random() * 3)::bigint, floor(random() * 10000000)::bigint,"
        " (ARRAY['goods', 'realty', 'auto', 'jobs'])[1 + floor(random() * 4)::int],"
        " CASE WHEN random() < 0.02 THEN 'en' ELSE 'ru' END, 1, 1, 1"
        " FROM generate_series(1, " + std::to_string(kCases) + ") i;"
        "COMMIT; ANALYZE cases;"));
  } else {
    ASSERT_TRUE(RawExec("BEGIN;"
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                        std::to_string(kCases + 10) +
                        ") INSERT INTO users (email, display_name, password_hash, created_at, updated_at)"
                        " SELECT 'u' || i || '@x', 'u', 'h', 1, 1 FROM n;"
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                        std::to_string(kCases) +
                        ") INSERT INTO cases (kind, accused_id, status, priority, sla_due_at, vertical, language,"
                        " complainants, opened_at, updated_at)"
                        " SELECT 'complaints', i + 10, 'open', 1 + abs(random()) % 3, abs(random()) % 10000000,"
                        " CASE abs(random()) % 4 WHEN 0 THEN 'goods' WHEN 1 THEN 'realty' WHEN 2 THEN 'auto' ELSE 'jobs' END,"
                        " CASE WHEN abs(random()) % 100 < 2 THEN 'en' ELSE 'ru' END, 1, 1, 1 FROM n;"
                        "COMMIT;"));
  }
  auto expected = [&](const std::string& vertical_sql, const std::string& language) -> std::optional<Id> {
    const std::string sql = std::string("SELECT id FROM cases") + (Postgres() ? "" : " NOT INDEXED") +
                            " WHERE status = 'open' AND accused_id <> 1" + vertical_sql +
                            (language.empty() ? "" : " AND language = '" + language + "'") +
                            " ORDER BY priority, sla_due_at, id LIMIT 1";
    const auto rows = RawColumn(sql);
    if (rows.empty()) return std::nullopt;
    return std::stoll(rows[0]);
  };
  const Id mod = 1;
  EXPECT_EQ(Next(mod), expected("", ""));
  EXPECT_EQ(Next(mod, {"realty"}), expected(" AND vertical = 'realty'", ""));
  EXPECT_EQ(Next(mod, {}, {"en"}), expected("", "en"));
  EXPECT_EQ(Next(mod, {"goods", "auto"}, {"en"}), expected(" AND vertical IN ('goods', 'auto')", "en"));
}

// Moderators on different processes (here: a Store object each, as separate server processes
// would have) asking for their next case at the same moment, through the moderation service's
// transaction (WriteClaim: release expired leases, NextEligible, assign): no case is handed to
// two of them, and every open case is handed out.
TEST_P(ModerationTest, ConcurrentModeratorsOnSeparateStoresNeverGetTheSameCase) {
  constexpr int kModerators = 6, kCases = 60;
  std::vector<Id> moderators;
  for (int i = 0; i < kModerators; ++i) moderators.push_back(AddUser("m" + std::to_string(i) + "@x"));
  const std::array<const char*, 4> verticals = {"goods", "realty", "auto", "jobs"};
  std::set<Id> open;
  for (int i = 0; i < kCases; ++i) {
    const Id accused = AddUser("a" + std::to_string(i) + "@x");
    open.insert(AddCase(MakeCase(accused, 1 + i % 3, 1'000 + (i * 37) % 500, verticals[i % 4])).id);
  }
  ASSERT_EQ(open.size(), static_cast<std::size_t>(kCases));

  constexpr TimeMs kNow = 10'000;
  std::mutex mu;
  std::map<Id, std::vector<Id>> taken_by;  // case -> every moderator it was handed to
  std::vector<std::string> errors;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kModerators; ++t) {
    threads.emplace_back([&, t] {
      auto opened = OpenStore(options_);
      if (!opened) {
        std::lock_guard lock(mu);
        errors.push_back("open: " + opened.error().message);
        return;
      }
      auto& store = **opened;
      ready++;
      while (ready.load() < kModerators) std::this_thread::yield();
      const Id me = moderators[static_cast<std::size_t>(t)];
      while (true) {
        auto next = store.WriteClaim([&](Tx& tx) -> Result<std::optional<Case>> {
          TRY(tx.cases().ReleaseExpiredLeases(kNow));
          auto c = TRY(tx.cases().NextEligible(CaseEligibility{me, {}, {}}));
          if (!c) return c;
          c->status = "assigned";
          c->assignee_id = me;
          c->assigned_at = kNow;
          c->lease_until = kNow + 3'600'000;
          c->updated_at = kNow;
          TRY(tx.cases().UpdateCase(*c));
          TRY(tx.complaints().SetComplaintStatus(c->id, {"open"}, "in_review", kNow));
          ModeratorState state = TRY(tx.moderators().Moderator(me));
          state.last_seen_at = kNow;
          state.updated_at = kNow;
          TRY(tx.moderators().PutModerator(state));
          return c;
        });
        std::lock_guard lock(mu);
        if (!next) {
          errors.push_back(next.error().code + ": " + next.error().message);
          return;
        }
        if (!*next) return;
        taken_by[(*next)->id].push_back(me);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::set<Id> handed_out;
  for (const auto& [id, who] : taken_by) {
    EXPECT_EQ(who.size(), 1u) << "case " << id << " was handed to " << who.size() << " moderators";
    handed_out.insert(id);
  }
  EXPECT_EQ(handed_out, open);
  // The database agrees: each case is assigned to the one moderator it was handed to.
  for (const auto& [id, who] : taken_by) {
    auto c = *R([&](Tx& tx) { return tx.cases().FindCase(id); });
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, "assigned");
    EXPECT_EQ(c->assignee_id, who.front());
  }
  int assigned = 0;
  for (Id m : moderators) assigned += *R([&](Tx& tx) { return tx.cases().CountAssigned(m); });
  EXPECT_EQ(assigned, kCases);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModerationTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
