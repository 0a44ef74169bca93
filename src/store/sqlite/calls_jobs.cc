#include "store/sqlite/calls_jobs.h"

#include <boost/json.hpp>

namespace vitrina::store::sqlite {
namespace {

constexpr const char* kCallColumns =
    "id, conversation_id, listing_id, buyer_id, seller_id, proposed_by, state, scheduled_for,"
    " join_opens_at, join_closes_at, created_at, accepted_at, started_at, ended_at, end_reason,"
    " ended_by, no_show, media_node, room, room_pin, room_secret,"
    " buyer_media_id, buyer_room_token, buyer_consent_at, buyer_joined_at, buyer_left_at,"
    " seller_media_id, seller_room_token, seller_consent_at, seller_joined_at, seller_left_at,"
    " recording_status, recording_error, recording_attempts, recording_duration_ms,"
    " recording_timeline_start_us, updated_at, transcript_status, transcript_error,"
    " transcript_progress, purged_at";

std::optional<std::string> OptText(const Stmt& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Text(col);
}

Call ReadCall(const Stmt& s) {
  Call c;
  c.id = s.Int(0);
  c.conversation_id = s.Int(1);
  c.listing_id = s.Int(2);
  c.buyer_id = s.Int(3);
  c.seller_id = s.Int(4);
  c.proposed_by = s.Int(5);
  c.state = s.Text(6);
  c.scheduled_for = s.OptInt(7);
  c.join_opens_at = s.Int(8);
  c.join_closes_at = s.Int(9);
  c.created_at = s.Int(10);
  c.accepted_at = s.OptInt(11);
  c.started_at = s.OptInt(12);
  c.ended_at = s.OptInt(13);
  c.end_reason = OptText(s, 14);
  c.ended_by = s.OptInt(15);
  c.no_show = OptText(s, 16);
  c.media_node = s.Text(17);
  c.room = s.OptInt(18).value_or(0);
  c.room_pin = s.Text(19);
  c.room_secret = s.Text(20);
  auto read_participant = [&](int at) {
    CallParticipant p;
    p.media_id = s.Int(at);
    p.room_token = s.Text(at + 1);
    p.consent_at = s.OptInt(at + 2);
    p.joined_at = s.OptInt(at + 3);
    p.left_at = s.OptInt(at + 4);
    return p;
  };
  c.buyer = read_participant(21);
  c.seller = read_participant(26);
  c.recording_status = s.Text(31);
  c.recording_error = OptText(s, 32);
  c.recording_attempts = s.Int(33);
  c.recording_duration_ms = s.OptInt(34);
  c.recording_timeline_start_us = s.OptInt(35);
  c.updated_at = s.Int(36);
  c.transcript_status = s.Text(37);
  c.transcript_error = OptText(s, 38);
  c.transcript_progress = s.OptInt(39);
  c.purged_at = s.OptInt(40);
  return c;
}

// Binds every column but id, in kCallColumns order starting at parameter 1 (40 parameters).
void BindCall(Stmt& s, const Call& c) {
  s.Bind(1, c.conversation_id).Bind(2, c.listing_id).Bind(3, c.buyer_id).Bind(4, c.seller_id)
      .Bind(5, c.proposed_by).Bind(6, c.state).Bind(7, c.scheduled_for).Bind(8, c.join_opens_at)
      .Bind(9, c.join_closes_at).Bind(10, c.created_at).Bind(11, c.accepted_at)
      .Bind(12, c.started_at).Bind(13, c.ended_at).Bind(14, c.end_reason).Bind(15, c.ended_by)
      .Bind(16, c.no_show).Bind(17, c.media_node);
  if (c.room != 0) {
    s.Bind(18, c.room);
  } else {
    s.BindNull(18);
  }
  s.Bind(19, c.room_pin).Bind(20, c.room_secret);
  auto bind_participant = [&](int at, const CallParticipant& p) {
    s.Bind(at, p.media_id).Bind(at + 1, p.room_token).Bind(at + 2, p.consent_at)
        .Bind(at + 3, p.joined_at).Bind(at + 4, p.left_at);
  };
  bind_participant(21, c.buyer);
  bind_participant(26, c.seller);
  s.Bind(31, c.recording_status).Bind(32, c.recording_error).Bind(33, c.recording_attempts)
      .Bind(34, c.recording_duration_ms).Bind(35, c.recording_timeline_start_us)
      .Bind(36, c.updated_at).Bind(37, c.transcript_status).Bind(38, c.transcript_error)
      .Bind(39, c.transcript_progress).Bind(40, c.purged_at);
}

constexpr const char* kJobColumns =
    "id, kind, payload, state, attempts, max_attempts, run_after, lease_owner, lease_until,"
    " last_error, progress, created_at, updated_at";

Job ReadJob(const Stmt& s) {
  Job j;
  j.id = s.Int(0);
  j.kind = s.Text(1);
  j.payload = s.Text(2);
  j.state = s.Text(3);
  j.attempts = s.Int(4);
  j.max_attempts = s.Int(5);
  j.run_after = s.Int(6);
  j.lease_owner = OptText(s, 7);
  j.lease_until = s.OptInt(8);
  j.last_error = OptText(s, 9);
  j.progress = OptText(s, 10);
  j.created_at = s.Int(11);
  j.updated_at = s.Int(12);
  return j;
}

}  // namespace

Result<Call> SqliteCalls::Insert(const Call& call) {
  auto stmt = TRY(c_.Prepare(
      std::string("INSERT INTO calls (") + (kCallColumns + 4) +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
      " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36,"
      " ?37, ?38, ?39, ?40)"));
  BindCall(stmt, call);
  auto done = stmt.Exec();
  if (!done) {
    if (done.error().kind == base::ErrorKind::kConflict) {
      return base::Conflict("call_exists", "This conversation already has an open call");
    }
    return tl::unexpected(done.error());
  }
  Call out = call;
  out.id = c_.LastInsertId();
  return out;
}

Result<void> SqliteCalls::Update(const Call& call) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE calls SET conversation_id = ?1, listing_id = ?2, buyer_id = ?3, seller_id = ?4,"
      " proposed_by = ?5, state = ?6, scheduled_for = ?7, join_opens_at = ?8,"
      " join_closes_at = ?9, created_at = ?10, accepted_at = ?11, started_at = ?12,"
      " ended_at = ?13, end_reason = ?14, ended_by = ?15, no_show = ?16, media_node = ?17,"
      " room = ?18, room_pin = ?19, room_secret = ?20,"
      " buyer_media_id = ?21, buyer_room_token = ?22, buyer_consent_at = ?23,"
      " buyer_joined_at = ?24, buyer_left_at = ?25,"
      " seller_media_id = ?26, seller_room_token = ?27, seller_consent_at = ?28,"
      " seller_joined_at = ?29, seller_left_at = ?30,"
      " recording_status = ?31, recording_error = ?32, recording_attempts = ?33,"
      " recording_duration_ms = ?34, recording_timeline_start_us = ?35, updated_at = ?36,"
      " transcript_status = ?37, transcript_error = ?38, transcript_progress = ?39,"
      " purged_at = ?40 WHERE id = ?41"));
  BindCall(stmt, call);
  stmt.Bind(41, call.id);
  auto done = stmt.Exec();
  if (!done && done.error().kind == base::ErrorKind::kConflict) {
    return base::Conflict("call_exists", "This conversation already has an open call");
  }
  return done;
}

Result<std::optional<Call>> SqliteCalls::FindOne(const std::string& where, std::int64_t value) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns + " FROM calls WHERE " + where));
  stmt.Bind(1, value);
  if (!TRY(stmt.Step())) return std::optional<Call>();
  return std::optional<Call>(ReadCall(stmt));
}

Result<std::optional<Call>> SqliteCalls::FindById(Id id) { return FindOne("id = ?1", id); }

Result<std::optional<Call>> SqliteCalls::FindByRoom(std::int64_t room) {
  return FindOne("room = ?1", room);
}

Result<std::vector<Call>> SqliteCalls::List(const CallFilter& f) {
  auto stmt = TRY(c_.Prepare(
      std::string("SELECT ") + kCallColumns + " FROM calls WHERE id IN ("
      "   SELECT id FROM calls WHERE buyer_id = ?1 UNION ALL SELECT id FROM calls WHERE seller_id = ?1)"
      " AND (?2 IS NULL OR conversation_id = ?2) AND (?3 IS NULL OR listing_id = ?3)"
      " AND (?4 = 0 OR state IN ('proposed', 'accepted', 'active'))"
      " AND (?5 IS NULL OR id < ?5) ORDER BY id DESC LIMIT ?6"));
  stmt.Bind(1, f.user_id).Bind(2, f.conversation_id).Bind(3, f.listing_id).Bind(4, f.only_open)
      .Bind(5, f.before_id).Bind(6, f.limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<std::vector<Call>> SqliteCalls::ListExpired(TimeMs now, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns +
                             " FROM calls WHERE state IN ('proposed', 'accepted', 'active')"
                             " AND join_closes_at < ?1"
                             " AND NOT (state = 'active' AND buyer_joined_at IS NOT NULL"
                             "          AND seller_joined_at IS NOT NULL)"
                             " ORDER BY join_closes_at LIMIT ?2"));
  stmt.Bind(1, now).Bind(2, limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqliteCalls::OpenCallsPerNode() {
  auto stmt = TRY(c_.Prepare(
      "SELECT media_node, count(*) FROM calls"
      " WHERE state IN ('accepted', 'active') AND room IS NOT NULL AND room <> 0"
      " GROUP BY media_node ORDER BY media_node"));
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (TRY(stmt.Step())) out.emplace_back(stmt.Text(0), stmt.Int(1));
  return out;
}

Result<std::vector<Call>> SqliteCalls::ListByState(const std::string& state, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns +
                             " FROM calls WHERE state = ?1 ORDER BY id LIMIT ?2"));
  stmt.Bind(1, state).Bind(2, limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<void> SqliteCalls::ReplaceFiles(Id call_id, const std::vector<RecordingFile>& files) {
  auto del = TRY(c_.Prepare("DELETE FROM recording_files WHERE call_id = ?1"));
  TRY(del.Bind(1, call_id).Exec());
  for (const auto& f : files) {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO recording_files (call_id, participant, kind, path, bytes, duration_ms,"
        " offset_ms, sha256, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    TRY(ins.Bind(1, call_id).Bind(2, f.participant).Bind(3, f.kind).Bind(4, f.path)
            .Bind(5, f.bytes).Bind(6, f.duration_ms).Bind(7, f.offset_ms).Bind(8, f.sha256)
            .Bind(9, f.created_at).Exec());
  }
  return {};
}

Result<std::vector<RecordingFile>> SqliteCalls::Files(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT call_id, participant, kind, path, bytes, duration_ms, offset_ms, sha256, created_at"
      " FROM recording_files WHERE call_id = ?1 ORDER BY participant, kind"));
  stmt.Bind(1, call_id);
  std::vector<RecordingFile> out;
  while (TRY(stmt.Step())) {
    out.push_back(RecordingFile{stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Int(4),
                                stmt.Int(5), stmt.Int(6), stmt.Text(7), stmt.Int(8)});
  }
  return out;
}

Result<void> SqliteCalls::InsertRating(const CallRating& r) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO call_ratings (call_id, buyer_id, seller_id, stars, comment, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt.Bind(1, r.call_id).Bind(2, r.buyer_id).Bind(3, r.seller_id).Bind(4, r.stars).Bind(5, r.comment)
      .Bind(6, r.created_at);
  auto done = stmt.Exec();
  if (!done && done.error().kind == base::ErrorKind::kConflict &&
      done.error().message.find("call_ratings.call_id") != std::string::npos) {
    return base::Conflict("already_rated", "This call has been rated already");
  }
  return done;
}

Result<std::optional<CallRating>> SqliteCalls::FindRating(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT call_id, buyer_id, seller_id, stars, comment, created_at FROM call_ratings WHERE call_id = ?1"));
  stmt.Bind(1, call_id);
  if (!TRY(stmt.Step())) return std::optional<CallRating>();
  CallRating r;
  r.call_id = stmt.Int(0);
  r.buyer_id = stmt.Int(1);
  r.seller_id = stmt.Int(2);
  r.stars = static_cast<int>(stmt.Int(3));
  if (!stmt.IsNull(4)) r.comment = stmt.Text(4);
  r.created_at = stmt.Int(5);
  return std::optional<CallRating>(std::move(r));
}

Result<void> SqliteCalls::MarkPurged(Id call_id, TimeMs now) {
  auto del = TRY(c_.Prepare("DELETE FROM recording_files WHERE call_id = ?1"));
  TRY(del.Bind(1, call_id).Exec());
  auto upd = TRY(c_.Prepare("UPDATE calls SET purged_at = ?2, updated_at = ?2 WHERE id = ?1"));
  return upd.Bind(1, call_id).Bind(2, now).Exec();
}

Result<std::optional<Id>> SqliteJobs::Insert(const NewJob& job, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, max_attempts, run_after,"
      " created_at, updated_at) VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?5, ?6, ?6)"
      " ON CONFLICT DO NOTHING"));
  TRY(stmt.Bind(1, job.kind).Bind(2, job.payload).Bind(3, job.dedupe_key)
          .Bind(4, job.max_attempts).Bind(5, std::max(job.run_after, now)).Bind(6, now).Exec());
  if (c_.Changes() == 0) return std::optional<Id>();
  return std::optional<Id>(c_.LastInsertId());
}

Result<std::optional<Job>> SqliteJobs::Claim(const std::vector<std::string>& kinds,
                                             const std::string& owner, TimeMs now,
                                             std::int64_t lease_ms) {
  boost::json::array kind_list;
  for (const auto& k : kinds) kind_list.emplace_back(k);
  // A job whose worker stopped (crash, kill -9) on every one of its attempts is taken once
  // more (attempts > max_attempts), only for the worker pool to give it up and settle what it
  // leaves behind; if that run stops too, it is failed here and never taken again: a job that
  // kills its worker would otherwise take every worker down for ever.
  auto give_up = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = ?1,"
      " last_error = 'its worker stopped (crashed or was killed) during each of its ' || max_attempts ||"
      " ' attempts' || coalesce('; last error: ' || last_error, '')"
      " WHERE state = 'running' AND lease_until < ?1 AND attempts > max_attempts"
      "   AND kind IN (SELECT value FROM json_each(?2))"));
  TRY(give_up.Bind(1, now).Bind(2, boost::json::serialize(kind_list)).Exec());
  // Due queued jobs first, then running jobs whose worker stopped heart-beating.
  auto pick = TRY(c_.Prepare(
      "SELECT id FROM ("
      "  SELECT id, run_after AS due FROM jobs WHERE state = 'queued' AND run_after <= ?1"
      "    AND kind IN (SELECT value FROM json_each(?2))"
      "  UNION ALL"
      "  SELECT id, lease_until AS due FROM jobs WHERE state = 'running' AND lease_until < ?1"
      "    AND kind IN (SELECT value FROM json_each(?2))"
      ") ORDER BY due, id LIMIT 1"));
  pick.Bind(1, now).Bind(2, boost::json::serialize(kind_list));
  if (!TRY(pick.Step())) return std::optional<Job>();
  const Id id = pick.Int(0);
  auto lease = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?2,"
      " lease_until = ?3, updated_at = ?4 WHERE id = ?1"));
  TRY(lease.Bind(1, id).Bind(2, owner).Bind(3, now + lease_ms).Bind(4, now).Exec());
  return FindById(id);
}

Result<bool> SqliteJobs::Heartbeat(Id id, const std::string& owner, TimeMs lease_until,
                                   const std::optional<std::string>& progress) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET lease_until = ?3, progress = coalesce(?4, progress)"
      " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, lease_until).Bind(4, progress).Exec());
  return c_.Changes() > 0;
}

Result<bool> SqliteJobs::Complete(Id id, const std::string& owner, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = ?3"
      " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, now).Exec());
  return c_.Changes() > 0;
}

Result<bool> SqliteJobs::Fail(Id id, const std::string& owner, const std::string& error,
                              std::optional<TimeMs> retry_at, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'queued' END,"
      " run_after = coalesce(?4, run_after), last_error = ?3, lease_owner = NULL,"
      " lease_until = NULL, updated_at = ?5"
      " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, error).Bind(4, retry_at).Bind(5, now).Exec());
  return c_.Changes() > 0;
}

Result<std::optional<Job>> SqliteJobs::FindById(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Job>();
  return std::optional<Job>(ReadJob(stmt));
}

Result<std::vector<Job>> SqliteJobs::List(const std::optional<std::string>& state,
                                          std::optional<Id> before_id, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kJobColumns +
                             " FROM jobs WHERE (?1 IS NULL OR state = ?1)"
                             " AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"));
  stmt.Bind(1, state).Bind(2, before_id).Bind(3, limit);
  std::vector<Job> out;
  while (TRY(stmt.Step())) out.push_back(ReadJob(stmt));
  return out;
}

Result<bool> SqliteJobs::Retry(Id id, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?2, updated_at = ?2"
      " WHERE id = ?1 AND state = 'failed'"));
  auto done = stmt.Bind(1, id).Bind(2, now).Exec();
  if (!done) {
    if (done.error().kind == base::ErrorKind::kConflict) return false;  // a live twin exists
    return tl::unexpected(done.error());
  }
  return c_.Changes() > 0;
}

}  // namespace vitrina::store::sqlite
