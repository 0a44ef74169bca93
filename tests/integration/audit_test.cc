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
  const auto recordings = fs::path(app::RecordingsDir(server_->config()));
  const auto call_id = testing::InsertRecordedCall(server_->store(), recordings, std::stoll(listing),
                                                   std::stoll(buyer.id), std::stoll(seller.id), {}, clock_.NowMs());
  const auto sid = std::to_string(call_id);
  const auto combined = recordings / sid / "processed" / "combined.webm";
  fs::create_directories(combined.parent_path());
  std::ofstream(combined, std::ios::binary) << std::string(1000, 'x');
  store::RecordingFile f;
  f.call_id = call_id;
  f.participant = "combined";
  f.kind = "combined";
  f.path = (fs::path(sid) / "processed" / "combined.webm").string();
  f.bytes = 1000;
  f.sha256 = "c0ffee";
  ASSERT_TRUE(server_->store().Write([&](store::Tx& tx) -> base::Result<void> {
    TRY(tx.calls().ReplaceFiles(call_id, {f}));
    store::NewTranscript t;
    t.engine = "test";
    t.model = "m";
    t.language = "en";
    store::TranscriptSegment s;
    s.speaker = "seller";
    s.start_ms = 1000;
    s.end_ms = 2000;
    s.text = "hello";
    t.segments.push_back(s);
    TRY(tx.transcripts().Insert(call_id, t, clock_.NowMs()));
    return {};
  }));

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
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor_id = NULL WHERE id = 2", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << "the database refuses edits";
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = NULL WHERE id = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto broken = Verify();
  EXPECT_EQ(broken.exit_code, 1) << broken.stdout_text << broken.stderr_text;
  EXPECT_NE(broken.stdout_text.find("BROKEN at entry 2"), std::string::npos) << broken.stdout_text;
}

}  // namespace
}  // namespace vitrina
