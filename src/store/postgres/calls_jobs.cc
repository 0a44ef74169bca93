#include "store/postgres/calls_jobs.h"

#include <algorithm>

namespace vitrina::store::postgres {
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

// ---- PgCalls ----
//
// Concurrency: Update writes every mutable column (the interface's contract), so it is a
// read-modify-write of the whole row. Every caller reads the call and updates it in one
// Store::Write (SERIALIZABLE here): a concurrent update of the same row between the read and
// the write fails with a serialization failure and the transaction runs again on the fresh
// row, so no component's columns are lost. Never call it from a WriteClaim (READ COMMITTED)
// transaction, where the last writer would silently win.

Result<Call> PgCalls::Insert(const Call& call) {
  auto stmt = TRY(c_.Prepare(
      std::string("INSERT INTO calls (") + (kCallColumns + 4) +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
      " $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36,"
      " $37, $38, $39, $40) RETURNING id"));
  BindCall(stmt, call);
  auto done = Guarded(c_, [&] { return stmt.Step(); });
  if (!done) {
    if (done.error().kind == base::ErrorKind::kConflict) {
      return base::Conflict("call_exists", "This conversation already has an open call");
    }
    return tl::unexpected(done.error());
  }
  Call out = call;
  out.id = stmt.Int(0);
  return out;
}

Result<void> PgCalls::Update(const Call& call) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE calls SET conversation_id = $1, listing_id = $2, buyer_id = $3, seller_id = $4,"
      " proposed_by = $5, state = $6, scheduled_for = $7, join_opens_at = $8,"
      " join_closes_at = $9, created_at = $10, accepted_at = $11, started_at = $12,"
      " ended_at = $13, end_reason = $14, ended_by = $15, no_show = $16, media_node = $17,"
      " room = $18, room_pin = $19, room_secret = $20,"
      " buyer_media_id = $21, buyer_room_token = $22, buyer_consent_at = $23,"
      " buyer_joined_at = $24, buyer_left_at = $25,"
      " seller_media_id = $26, seller_room_token = $27, seller_consent_at = $28,"
      " seller_joined_at = $29, seller_left_at = $30,"
      " recording_status = $31, recording_error = $32, recording_attempts = $33,"
      " recording_duration_ms = $34, recording_timeline_start_us = $35, updated_at = $36,"
      " transcript_status = $37, transcript_error = $38, transcript_progress = $39,"
      " purged_at = $40 WHERE id = $41"));
  BindCall(stmt, call);
  stmt.Bind(41, call.id);
  auto done = Guarded(c_, [&] { return stmt.Exec(); });
  if (!done && done.error().kind == base::ErrorKind::kConflict) {
    return base::Conflict("call_exists", "This conversation already has an open call");
  }
  return done;
}

Result<std::optional<Call>> PgCalls::FindById(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns + " FROM calls WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Call>();
  return std::optional<Call>(ReadCall(stmt));
}

Result<std::optional<Call>> PgCalls::FindByRoom(std::int64_t room) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns + " FROM calls WHERE room = $1"));
  stmt.Bind(1, room);
  if (!TRY(stmt.Step())) return std::optional<Call>();
  return std::optional<Call>(ReadCall(stmt));
}

Result<std::vector<Call>> PgCalls::List(const CallFilter& f) {
  // buyer OR seller: a BitmapOr of calls_by_buyer and calls_by_seller.
  auto stmt = TRY(c_.Prepare(
      std::string("SELECT ") + kCallColumns + " FROM calls WHERE (buyer_id = $1 OR seller_id = $1)"
      " AND ($2::bigint IS NULL OR conversation_id = $2) AND ($3::bigint IS NULL OR listing_id = $3)"
      " AND ($4::bigint = 0 OR state IN ('proposed', 'accepted', 'active'))"
      " AND ($5::bigint IS NULL OR id < $5) ORDER BY id DESC LIMIT $6"));
  stmt.Bind(1, f.user_id).Bind(2, f.conversation_id).Bind(3, f.listing_id).Bind(4, f.only_open)
      .Bind(5, f.before_id).Bind(6, f.limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<std::vector<Call>> PgCalls::ListExpired(TimeMs now, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns +
                             " FROM calls WHERE state IN ('proposed', 'accepted', 'active')"
                             " AND join_closes_at < $1"
                             " AND NOT (state = 'active' AND buyer_joined_at IS NOT NULL"
                             "          AND seller_joined_at IS NOT NULL)"
                             " ORDER BY join_closes_at LIMIT $2"));
  stmt.Bind(1, now).Bind(2, limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> PgCalls::OpenCallsPerNode() {
  auto stmt = TRY(c_.Prepare(
      "SELECT media_node, count(*) FROM calls"
      " WHERE state IN ('accepted', 'active') AND room IS NOT NULL AND room <> 0"
      " GROUP BY media_node ORDER BY media_node"));
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (TRY(stmt.Step())) out.emplace_back(stmt.Text(0), stmt.Int(1));
  return out;
}

Result<std::vector<Call>> PgCalls::ListByState(const std::string& state, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCallColumns +
                             " FROM calls WHERE state = $1 ORDER BY id LIMIT $2"));
  stmt.Bind(1, state).Bind(2, limit);
  std::vector<Call> out;
  while (TRY(stmt.Step())) out.push_back(ReadCall(stmt));
  return out;
}

Result<void> PgCalls::ReplaceFiles(Id call_id, const std::vector<RecordingFile>& files) {
  auto del = TRY(c_.Prepare("DELETE FROM recording_files WHERE call_id = $1"));
  TRY(del.Bind(1, call_id).Exec());
  for (const auto& f : files) {
    auto ins = TRY(c_.Prepare(
        "INSERT INTO recording_files (call_id, participant, kind, path, bytes, duration_ms,"
        " offset_ms, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"));
    TRY(ins.Bind(1, call_id).Bind(2, f.participant).Bind(3, f.kind).Bind(4, f.path)
            .Bind(5, f.bytes).Bind(6, f.duration_ms).Bind(7, f.offset_ms).Bind(8, f.sha256)
            .Bind(9, f.created_at).Exec());
  }
  return {};
}

Result<std::vector<RecordingFile>> PgCalls::Files(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT call_id, participant, kind, path, bytes, duration_ms, offset_ms, sha256, created_at"
      " FROM recording_files WHERE call_id = $1 ORDER BY participant, kind"));
  stmt.Bind(1, call_id);
  std::vector<RecordingFile> out;
  while (TRY(stmt.Step())) {
    out.push_back(RecordingFile{stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Int(4),
                                stmt.Int(5), stmt.Int(6), stmt.Text(7), stmt.Int(8)});
  }
  return out;
}

Result<void> PgCalls::InsertRating(const CallRating& r) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO call_ratings (call_id, buyer_id, seller_id, stars, comment, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)"));
  stmt.Bind(1, r.call_id).Bind(2, r.buyer_id).Bind(3, r.seller_id).Bind(4, r.stars).Bind(5, r.comment)
      .Bind(6, r.created_at);
  auto done = Guarded(c_, [&] { return stmt.Exec(); });
  // The primary key (call_id) is the one unique constraint: "call_ratings_pkey".
  if (!done && done.error().kind == base::ErrorKind::kConflict &&
      done.error().message.find("unique constraint \"call_ratings_") != std::string::npos) {
    return base::Conflict("already_rated", "This call has been rated already");
  }
  return done;
}

Result<std::optional<CallRating>> PgCalls::FindRating(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT call_id, buyer_id, seller_id, stars, comment, created_at FROM call_ratings WHERE call_id = $1"));
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

Result<void> PgCalls::MarkPurged(Id call_id, TimeMs now) {
  auto del = TRY(c_.Prepare("DELETE FROM recording_files WHERE call_id = $1"));
  TRY(del.Bind(1, call_id).Exec());
  auto upd = TRY(c_.Prepare("UPDATE calls SET purged_at = $2, updated_at = $2 WHERE id = $1"));
  return upd.Bind(1, call_id).Bind(2, now).Exec();
}

// ---- PgJobs ----

Result<std::optional<Id>> PgJobs::Insert(const NewJob& job, TimeMs now) {
  // A live twin (jobs_live_key) makes it a no-op without aborting the transaction.
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, max_attempts, run_after,"
      " created_at, updated_at) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $6)"
      " ON CONFLICT DO NOTHING RETURNING id"));
  stmt.Bind(1, job.kind).Bind(2, job.payload).Bind(3, job.dedupe_key).Bind(4, job.max_attempts)
      .Bind(5, std::max(job.run_after, now)).Bind(6, now);
  if (!TRY(stmt.Step())) return std::optional<Id>();
  return std::optional<Id>(stmt.Int(0));
}

// Exactly once across processes: each step locks the rows it takes with FOR UPDATE SKIP
// LOCKED, so concurrent claimants (any isolation level; the worker pool uses WriteClaim, READ
// COMMITTED) pass over each other's rows instead of waiting or taking them twice. A row
// locked by a claimant that then finds it no longer due (it was taken and committed meanwhile)
// is re-checked against the WHERE clause on its newest version and skipped.
Result<std::optional<Job>> PgJobs::Claim(const std::vector<std::string>& kinds,
                                         const std::string& owner, TimeMs now,
                                         std::int64_t lease_ms) {
  const std::string kind_list = TextArrayLiteral(kinds);
  // A job whose worker stopped (crash, kill -9) on every one of its attempts is taken once
  // more (attempts > max_attempts), only for the worker pool to give it up and settle what it
  // leaves behind; if that run stops too, it is failed here and never taken again: a job that
  // kills its worker would otherwise take every worker down for ever.
  auto give_up = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = $1,"
      " last_error = 'its worker stopped (crashed or was killed) during each of its ' || max_attempts::text ||"
      " ' attempts' || coalesce('; last error: ' || last_error, '')"
      " WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_until < $1"
      "   AND attempts > max_attempts AND kind = ANY($2::text[]) FOR UPDATE SKIP LOCKED)"));
  TRY(give_up.Bind(1, now).Bind(2, kind_list).Exec());
  // Due queued jobs first, then running jobs whose worker stopped heart-beating, by due time
  // and id (SQLite's order). `attempts <= max_attempts` on the expired ones: one another
  // claimant was failing above (and we skipped) is never taken here.
  auto lease = TRY(c_.Prepare(
      std::string("UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $3,"
                  " lease_until = $4, updated_at = $1"
                  " WHERE id = (SELECT id FROM jobs"
                  "   WHERE ((state = 'queued' AND run_after <= $1)"
                  "       OR (state = 'running' AND lease_until < $1 AND attempts <= max_attempts))"
                  "     AND kind = ANY($2::text[])"
                  "   ORDER BY CASE WHEN state = 'queued' THEN run_after ELSE lease_until END, id"
                  "   LIMIT 1 FOR UPDATE SKIP LOCKED)"
                  " RETURNING ") + kJobColumns));
  lease.Bind(1, now).Bind(2, kind_list).Bind(3, owner).Bind(4, now + lease_ms);
  if (!TRY(lease.Step())) return std::optional<Job>();
  return std::optional<Job>(ReadJob(lease));
}

Result<bool> PgJobs::Heartbeat(Id id, const std::string& owner, TimeMs lease_until,
                               const std::optional<std::string>& progress) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET lease_until = $3, progress = coalesce($4::text, progress)"
      " WHERE id = $1 AND state = 'running' AND lease_owner = $2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, lease_until).Bind(4, progress).Exec());
  return stmt.Affected() > 0;
}

Result<bool> PgJobs::Complete(Id id, const std::string& owner, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = $3"
      " WHERE id = $1 AND state = 'running' AND lease_owner = $2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, now).Exec());
  return stmt.Affected() > 0;
}

Result<bool> PgJobs::Fail(Id id, const std::string& owner, const std::string& error,
                          std::optional<TimeMs> retry_at, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = CASE WHEN $4::bigint IS NULL THEN 'failed' ELSE 'queued' END,"
      " run_after = coalesce($4::bigint, run_after), last_error = $3, lease_owner = NULL,"
      " lease_until = NULL, updated_at = $5"
      " WHERE id = $1 AND state = 'running' AND lease_owner = $2"));
  TRY(stmt.Bind(1, id).Bind(2, owner).Bind(3, error).Bind(4, retry_at).Bind(5, now).Exec());
  return stmt.Affected() > 0;
}

Result<std::optional<Job>> PgJobs::FindById(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Job>();
  return std::optional<Job>(ReadJob(stmt));
}

Result<std::vector<Job>> PgJobs::List(const std::optional<std::string>& state,
                                      std::optional<Id> before_id, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kJobColumns +
                             " FROM jobs WHERE ($1::text IS NULL OR state = $1)"
                             " AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"));
  stmt.Bind(1, state).Bind(2, before_id).Bind(3, limit);
  std::vector<Job> out;
  while (TRY(stmt.Step())) out.push_back(ReadJob(stmt));
  return out;
}

Result<bool> PgJobs::Retry(Id id, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE jobs SET state = 'queued', attempts = 0, run_after = $2, updated_at = $2"
      " WHERE id = $1 AND state = 'failed'"));
  stmt.Bind(1, id).Bind(2, now);
  // A live twin (jobs_live_key) refuses it: false, and the transaction goes on.
  auto done = Guarded(c_, [&] { return stmt.Exec(); });
  if (!done) {
    if (done.error().kind == base::ErrorKind::kConflict) return false;  // a live twin exists
    return tl::unexpected(done.error());
  }
  return stmt.Affected() > 0;
}

}  // namespace vitrina::store::postgres
