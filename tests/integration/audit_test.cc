// The audit log through the API and the CLI: role changes and moderators' reads of a call's
// recording and transcript are appended; admins read the log; `vitrina audit verify` passes
// on the untouched log and fails at the entry someone edited in the database file.
#include <sqlite3.h>

#include <fstream>

#include "base/subprocess.h"
#include "recorded_call.h"
#include "server_fixture.h"

namespace vitrina {
namespace {

class AuditApiTest : public ServerTest {
 protected:
  json::array Entries(const std::string& query = "") {
    auto r = Call("GET", "/api/v1/admin/audit" + query, admin_.token);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200u) return {};
    return r.Json().at("items").as_array();
  }
  base::ProcessOutput Verify() {
    auto out = base::RunProcess({VITRINA_BIN, "audit", "verify", "--data-dir", dir_.string()}, std::chrono::seconds(60));
    EXPECT_TRUE(out) << out.error().message;
    return *out;
  }
  // A recorded call between `buyer` and `seller` with a transcript ("hello") and a 1000-byte
  // combined file whose recorded hash is "c0ffee".
  store::Id RecordedCall(const std::string& listing, const Account& buyer, const Account& seller) {
    const auto recordings = fs::path(app::RecordingsDir(server_->config()));
    const auto call_id = testing::InsertRecordedCall(server_->store(), recordings, std::stoll(listing),
                                                     std::stoll(buyer.id), std::stoll(seller.id), {}, clock_.NowMs());
    testing::AttachCombinedFileAndTranscript(server_->store(), recordings, call_id, "hello", clock_.NowMs());
    return call_id;
  }
  Account admin_;
};

TEST_F(AuditApiTest, AccessAndRoleChangesAreChainedAndVerifiable) {
  admin_ = Register("admin@a.test", "Admin");
  MakeAdmin(admin_);  // directly, before the API exists for it: not audited
  auto seller = Register("seller@a.test", "Seller");
  auto buyer = Register("buyer@a.test", "Buyer");
  auto moderator = Register("mod@a.test", "Mod");
  const auto listing = CreateListing(seller);

  // A role change through the API is on the record, with who did it.
  auto r = Call("POST", "/api/v1/admin/users/" + moderator.id + "/roles", admin_.token,
                json::object{{"roles", json::array{"user", "moderator"}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto entries = Entries("?action=user.roles_changed");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(S(entries[0].at("actor_id")), admin_.id);
  EXPECT_EQ(S(entries[0].at("object_id")), moderator.id);
  EXPECT_EQ(entries[0].at("details").at("roles").as_array().size(), 2u);

  // A recorded call with a transcript and a combined file.
  const auto call_id = RecordedCall(listing, buyer, seller);
  const auto sid = std::to_string(call_id);

  // Participants reading their own transcript: not audited. A moderator: audited.
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + sid + "/transcript", buyer.token).status, 200u);
  EXPECT_TRUE(Entries("?action=transcript.accessed").empty());
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + sid + "/transcript", moderator.token).status, 200u);
  entries = Entries("?action=transcript.accessed");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(S(entries[0].at("actor_id")), moderator.id);
  EXPECT_EQ(S(entries[0].at("object_id")), sid);

  // A moderator's search is on the record with its query and filters; a user's own is not.
  EXPECT_EQ(Call("GET", "/api/v1/search?q=anything", buyer.token).status, 200u);
  EXPECT_TRUE(Entries("?action=transcript.searched").empty());
  EXPECT_EQ(Call("GET", "/api/v1/search?q=prepayment&call_id=" + sid, moderator.token).status, 200u);
  entries = Entries("?action=transcript.searched");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(S(entries[0].at("actor_id")), moderator.id);
  EXPECT_EQ(S(entries[0].at("details").at("q")), "prepayment");
  EXPECT_EQ(entries[0].at("details").at("call_id").as_int64(), call_id);

  // Opening the recording is audited with the file's hash; the player's later ranges are not.
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + sid + "/recording", moderator.token, "", {{"Range", "bytes=0-"}}).status,
            206u);
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + sid + "/recording", moderator.token, "", {{"Range", "bytes=500-"}}).status,
            206u);
  entries = Entries("?action=recording.accessed");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(S(entries[0].at("evidence").at(0).at("sha256")), "c0ffee");

  // The log is for admins only, newest first, with a cursor.
  ExpectError(Call("GET", "/api/v1/admin/audit", moderator.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/admin/audit"), 401, "unauthenticated");
  auto page = Call("GET", "/api/v1/admin/audit?limit=2", admin_.token).Json();
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  EXPECT_EQ(S(page.at("items").at(0).at("id")), "4");
  auto next = Call("GET", "/api/v1/admin/audit?limit=2&cursor=" + S(page.at("next_cursor")), admin_.token).Json();
  ASSERT_EQ(next.at("items").as_array().size(), 2u);
  EXPECT_EQ(S(next.at("items").at(1).at("id")), "1");
  EXPECT_EQ(S(next.at("items").at(1).at("prev_hash")), "");
  EXPECT_TRUE(next.at("next_cursor").is_null());

  // The CLI verifies the chain; an edit in the database file is found at that entry.
  auto ok = Verify();
  EXPECT_EQ(ok.exit_code, 0) << ok.stdout_text << ok.stderr_text;
  EXPECT_NE(ok.stdout_text.find("intact: 4 entries"), std::string::npos) << ok.stdout_text;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(app::SqlitePath(server_->config()).c_str(), &db), SQLITE_OK);
  // The running server writes in the background (jobs, rollups): wait for its locks, so a
  // refusal below is the trigger's, not SQLITE_BUSY.
  sqlite3_busy_timeout(db, 10000);
  EXPECT_EQ(sqlite3_exec(db, "UPDATE audit_log SET actor_id = NULL WHERE id = 2", nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT)
      << "the database refuses edits";
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = NULL WHERE id = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto broken = Verify();
  EXPECT_EQ(broken.exit_code, 1) << broken.stdout_text << broken.stderr_text;
  EXPECT_NE(broken.stdout_text.find("BROKEN at entry 2"), std::string::npos) << broken.stdout_text;
}

TEST_F(AuditApiTest, EveryResponseCarryingTheFirstByteIsAnAuditedOpening) {
  admin_ = Register("admin@r.test", "Admin");
  MakeAdmin(admin_);
  auto seller = Register("seller@r.test", "Seller");
  auto buyer = Register("buyer@r.test", "Buyer");
  auto moderator = Register("mod@r.test", "Mod");
  SetRoles(moderator, {"user", "moderator"});
  const auto sid = std::to_string(RecordedCall(CreateListing(seller), buyer, seller));
  const auto path = "/api/v1/calls/" + sid + "/recording";
  auto opened = [&] { return Entries("?action=recording.accessed").size(); };

  // Decided on the parsed range: every spelling of "from the start", and no Range at all.
  std::size_t expected = 0;
  for (const std::string range : {"", "bytes=0-", "bytes=00-", "bytes=-99999999", "bytes=-1000", "bytes=0-0"}) {
    Headers h;
    if (!range.empty()) h.emplace_back("Range", range);
    auto r = Call("GET", path, moderator.token, "", h);
    EXPECT_EQ(r.status, range.empty() ? 200u : 206u) << range;
    EXPECT_EQ(opened(), ++expected) << "'" << range << "' carried byte 0 without an entry";
  }
  // The whole file arrives only through one of those.
  auto whole = Call("GET", path, moderator.token, "", {{"Range", "bytes=-99999999"}});
  EXPECT_EQ(whole.body.size(), 1000u);
  EXPECT_EQ(whole.Header("content-range"), "bytes 0-999/1000");
  ++expected;

  // Later ranges of a viewing carry no byte 0: not an opening. HEAD reads nothing: no entry.
  for (const std::string range : {"bytes=500-", "bytes=1-", "bytes=-10"}) {
    auto r = Call("GET", path, moderator.token, "", {{"Range", range}});
    EXPECT_EQ(r.status, 206u) << range;
  }
  auto head = Call("HEAD", path, moderator.token);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.Header("content-length"), "1000");
  EXPECT_TRUE(head.body.empty());
  // Unsatisfiable or several ranges: no bytes, no entry.
  EXPECT_EQ(Call("GET", path, moderator.token, "", {{"Range", "bytes=1000-"}}).status, 416u);
  EXPECT_EQ(Call("GET", path, moderator.token, "", {{"Range", "bytes=0-1,5-6"}}).status, 416u);
  EXPECT_EQ(opened(), expected);
}

// Every privileged write and every staff read of evidence is an entry, written with the change.
TEST_F(AuditApiTest, PrivilegedWritesAndStaffReadsOfCasesAreOnTheRecord) {
  admin_ = Register("admin@p.test", "Admin");
  MakeAdmin(admin_);
  auto seller = Register("seller@p.test", "Seller");
  auto buyer = Register("buyer@p.test", "Buyer");
  auto mod = Register("mod@p.test", "Mod");
  auto mod2 = Register("mod2@p.test", "Mod Two");
  SetRoles(mod, {"user", "moderator"});
  SetRoles(mod2, {"user", "moderator"});
  auto one = [&](const std::string& action) {
    auto entries = Entries("?action=" + action);
    EXPECT_EQ(entries.size(), 1u) << action;
    return entries.empty() ? json::object{} : entries[0].as_object();
  };

  // Skills, capacity and shift (the admin's, and a moderator's own).
  ASSERT_EQ(Call("PUT", "/api/v1/admin/users/" + mod.id + "/skills", admin_.token,
                 json::object{{"skills", json::array{"vertical:auto", "lang:ru"}}})
                .status,
            200u);
  auto skills = one("user.skills_changed");
  EXPECT_EQ(S(skills.at("actor_id")), admin_.id);
  EXPECT_EQ(S(skills.at("object_id")), mod.id);
  EXPECT_EQ(skills.at("details").at("skills").as_array().size(), 2u);
  ASSERT_EQ(Call("PUT", "/api/v1/admin/moderators/" + mod.id, admin_.token, json::object{{"capacity", 7}}).status, 200u);
  ASSERT_EQ(Call("PUT", "/api/v1/moderation/me", mod2.token, json::object{{"on_shift", false}}).status, 200u);
  auto updates = Entries("?action=moderator.updated");
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(S(updates[0].at("actor_id")), mod2.id);  // newest first
  EXPECT_FALSE(updates[0].at("details").at("on_shift").as_bool());
  EXPECT_EQ(S(updates[1].at("actor_id")), admin_.id);
  EXPECT_EQ(updates[1].at("details").at("capacity").as_int64(), 7);
  ASSERT_EQ(Call("PUT", "/api/v1/moderation/me", mod2.token, json::object{{"on_shift", true}}).status, 200u);

  // Retrying a failed job.
  const auto now = clock_.NowMs();
  auto job = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
    store::NewJob j;
    j.kind = "audit.test";
    j.run_after = now;
    const auto id = TRY(tx.jobs().Insert(j, now));
    TRY(tx.jobs().Claim({"audit.test"}, "t", now, 60'000));
    TRY(tx.jobs().Fail(*id, "t", "boom", std::nullopt, now));
    return *id;
  });
  ASSERT_TRUE(job);
  ASSERT_EQ(Call("POST", "/api/v1/admin/jobs/" + std::to_string(*job) + "/retry", admin_.token).status, 200u);
  auto retried = one("job.retried");
  EXPECT_EQ(S(retried.at("object_id")), std::to_string(*job));
  EXPECT_EQ(S(retried.at("details").at("kind")), "audit.test");

  // Reprocessing a call: with the hashes of the files as they were.
  const auto call_id = RecordedCall(CreateListing(seller), buyer, seller);
  auto re = Call("POST", "/api/v1/admin/calls/" + std::to_string(call_id) + "/reprocess", admin_.token, std::string("{}"));
  ASSERT_EQ(re.status, 202u) << re.body;
  auto reprocessed = one("call.reprocessed");
  EXPECT_EQ(S(reprocessed.at("actor_id")), admin_.id);
  EXPECT_EQ(S(reprocessed.at("evidence").at(0).at("sha256")), "c0ffee");
  EXPECT_EQ(S(reprocessed.at("details").at("job_id")), S(re.Json().at("job_id")));

  // A case: its assignee works it unrecorded; any other moderator's read is an entry.
  moderation::ComplaintInput in;
  in.category = "rude";
  in.text = "Rude words";
  auto buyer_record = server_->accounts().GetUser(std::stoll(buyer.id));
  ASSERT_TRUE(buyer_record);
  auto complaint = server_->moderation().complaints().FileComplaint(*buyer_record, call_id, in);
  ASSERT_TRUE(complaint) << complaint.error().message;
  const auto case_path = "/api/v1/moderation/cases/" + std::to_string(complaint->case_id);
  EXPECT_EQ(Call("GET", case_path, mod.token).status, 200u);  // not assigned to anyone
  auto viewed = one("case.viewed");
  EXPECT_EQ(S(viewed.at("actor_id")), mod.id);
  EXPECT_EQ(S(viewed.at("details").at("status")), "open");
  ASSERT_EQ(Call("POST", "/api/v1/moderation/next", mod2.token).status, 200u);  // mod2 (any skill) takes it
  EXPECT_EQ(Call("GET", case_path, mod2.token).status, 200u);  // the assignee: no entry
  EXPECT_EQ(Entries("?action=case.viewed").size(), 1u);
  EXPECT_EQ(Call("GET", case_path, mod.token).status, 200u);  // another moderator: an entry
  auto views = Entries("?action=case.viewed");
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(S(views[0].at("details").at("assignee_id")), mod2.id);

  auto ok = Verify();
  EXPECT_EQ(ok.exit_code, 0) << ok.stdout_text << ok.stderr_text;
}

}  // namespace
}  // namespace vitrina
