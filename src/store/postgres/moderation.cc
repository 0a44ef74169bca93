#include "store/postgres/moderation.h"

#include <algorithm>
#include <array>
#include <tuple>

namespace vitrina::store::postgres {
namespace {

std::optional<std::string> OptText(const Stmt& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Text(col);
}

// A UNIQUE violation on `table` (not a CHECK or foreign key failure, which stay errors): its
// constraints and unique indexes are all named "<table>_..." (cases_one_open_per_accused,
// complaints_one_undecided, appeals_sanction_id_key).
bool IsUniqueViolation(const base::Error& e, std::string_view table) {
  return e.kind == base::ErrorKind::kConflict &&
         e.message.find("violates unique constraint \"" + std::string(table) + "_") != std::string::npos;
}


// An INSERT ... RETURNING id, guarded: the id, or the statement's error.
Result<Id> InsertReturningId(Connection& c, Stmt& stmt) {
  auto row = Guarded(c, [&] { return stmt.Step(); });
  if (!row) return tl::unexpected(row.error());
  if (!*row) return base::Internal("INSERT ... RETURNING id returned no row");
  return stmt.Int(0);
}

Result<void> Void(const Result<Id>& r) {
  if (!r) return tl::unexpected(r.error());
  return {};
}

// The verticals a listing may have (listings.vertical CHECK): "any vertical" walks each.
constexpr std::array<const char*, 4> kVerticals = {"goods", "realty", "auto", "jobs"};

// ---- cases ----

constexpr std::array<const char*, 3> kCaseStatuses = {"open", "assigned", "decided"};

constexpr const char* kCaseColumns =
    "id, kind, accused_id, status, priority, sla_due_at, vertical, language, complainants,"
    " assignee_id, assigned_at, lease_until, excluded_moderator_id, appeal_id, opened_at,"
    " decided_at, updated_at, auto_flags";

Case ReadCase(const Stmt& s) {
  Case c;
  c.id = s.Int(0);
  c.kind = s.Text(1);
  c.accused_id = s.Int(2);
  c.status = s.Text(3);
  c.priority = static_cast<int>(s.Int(4));
  c.sla_due_at = s.Int(5);
  c.vertical = s.Text(6);
  c.language = s.Text(7);
  c.complainants = static_cast<int>(s.Int(8));
  c.assignee_id = s.OptInt(9);
  c.assigned_at = s.OptInt(10);
  c.lease_until = s.OptInt(11);
  c.excluded_moderator_id = s.OptInt(12);
  c.appeal_id = s.OptInt(13);
  c.opened_at = s.Int(14);
  c.decided_at = s.OptInt(15);
  c.updated_at = s.Int(16);
  c.auto_flags = static_cast<int>(s.Int(17));
  return c;
}

// Binds every column but id, in kCaseColumns order starting at parameter 1 (17 parameters).
void BindCase(Stmt& s, const Case& c) {
  s.Bind(1, c.kind).Bind(2, c.accused_id).Bind(3, c.status).Bind(4, c.priority)
      .Bind(5, c.sla_due_at).Bind(6, c.vertical).Bind(7, c.language).Bind(8, c.complainants)
      .Bind(9, c.assignee_id).Bind(10, c.assigned_at).Bind(11, c.lease_until)
      .Bind(12, c.excluded_moderator_id).Bind(13, c.appeal_id).Bind(14, c.opened_at)
      .Bind(15, c.decided_at).Bind(16, c.updated_at).Bind(17, c.auto_flags);
}

Result<void> CaseConflict(Result<void> done) {
  if (!done && IsUniqueViolation(done.error(), "cases")) {
    return base::Conflict("case_exists", "The accused already has an undecided complaints case");
  }
  return done;
}

// ---- complaints ----

constexpr const char* kComplaintColumns =
    "id, call_id, reporter_id, accused_id, case_id, category, text, ranges, quote, quote_match,"
    " status, created_at, updated_at";

Complaint ReadComplaint(const Stmt& s) {
  Complaint c;
  c.id = s.Int(0);
  c.call_id = s.Int(1);
  c.reporter_id = s.Int(2);
  c.accused_id = s.Int(3);
  c.case_id = s.Int(4);
  c.category = s.Text(5);
  c.text = s.Text(6);
  c.ranges = s.Text(7);
  c.quote = OptText(s, 8);
  c.quote_match = OptText(s, 9);
  c.status = s.Text(10);
  c.created_at = s.Int(11);
  c.updated_at = s.Int(12);
  return c;
}

// 12 parameters, kComplaintColumns order without id.
void BindComplaint(Stmt& s, const Complaint& c) {
  s.Bind(1, c.call_id).Bind(2, c.reporter_id).Bind(3, c.accused_id).Bind(4, c.case_id)
      .Bind(5, c.category).Bind(6, c.text).Bind(7, c.ranges).Bind(8, c.quote)
      .Bind(9, c.quote_match).Bind(10, c.status).Bind(11, c.created_at).Bind(12, c.updated_at);
}

Result<void> ComplaintConflict(Result<void> done, Id call_id) {
  if (!done && IsUniqueViolation(done.error(), "complaints")) {
    return base::Conflict("complaint_exists",
                          "You already have an undecided complaint on call " + std::to_string(call_id) +
                              "; edit it instead");
  }
  return done;
}

// ---- decisions, sanctions, appeals, rewards ----

constexpr const char* kDecisionColumns =
    "id, case_id, moderator_id, action, days, reason, evidence, created_at";

Decision ReadDecision(const Stmt& s) {
  Decision d;
  d.id = s.Int(0);
  d.case_id = s.Int(1);
  d.moderator_id = s.Int(2);
  d.action = s.Text(3);
  d.days = s.OptInt(4);
  d.reason = s.Text(5);
  d.evidence = s.Text(6);
  d.created_at = s.Int(7);
  return d;
}

constexpr const char* kSanctionColumns =
    "id, user_id, decision_id, case_id, kind, reason, starts_at, ends_at, status, appeal_until,"
    " lifted_at, created_at";

Sanction ReadSanction(const Stmt& s) {
  Sanction x;
  x.id = s.Int(0);
  x.user_id = s.Int(1);
  x.decision_id = s.Int(2);
  x.case_id = s.Int(3);
  x.kind = s.Text(4);
  x.reason = s.Text(5);
  x.starts_at = s.Int(6);
  x.ends_at = s.OptInt(7);
  x.status = s.Text(8);
  x.appeal_until = s.Int(9);
  x.lifted_at = s.OptInt(10);
  x.created_at = s.Int(11);
  return x;
}

// 11 parameters, kSanctionColumns order without id.
void BindSanction(Stmt& s, const Sanction& x) {
  s.Bind(1, x.user_id).Bind(2, x.decision_id).Bind(3, x.case_id).Bind(4, x.kind).Bind(5, x.reason)
      .Bind(6, x.starts_at).Bind(7, x.ends_at).Bind(8, x.status).Bind(9, x.appeal_until)
      .Bind(10, x.lifted_at).Bind(11, x.created_at);
}

constexpr const char* kAppealColumns =
    "id, sanction_id, user_id, text, status, case_id, decision_id, created_at, decided_at";

Appeal ReadAppeal(const Stmt& s) {
  Appeal a;
  a.id = s.Int(0);
  a.sanction_id = s.Int(1);
  a.user_id = s.Int(2);
  a.text = s.Text(3);
  a.status = s.Text(4);
  a.case_id = s.Int(5);
  a.decision_id = s.OptInt(6);
  a.created_at = s.Int(7);
  a.decided_at = s.OptInt(8);
  return a;
}

// 8 parameters, kAppealColumns order without id.
void BindAppeal(Stmt& s, const Appeal& a) {
  s.Bind(1, a.sanction_id).Bind(2, a.user_id).Bind(3, a.text).Bind(4, a.status).Bind(5, a.case_id)
      .Bind(6, a.decision_id).Bind(7, a.created_at).Bind(8, a.decided_at);
}

Result<void> AppealConflict(Result<void> done) {
  if (!done && IsUniqueViolation(done.error(), "appeals")) {
    return base::Conflict("appeal_exists", "This sanction has already been appealed");
  }
  return done;
}

constexpr const char* kRewardColumns =
    "id, user_id, decision_id, complaint_id, amount, currency, reason, created_at";

Reward ReadReward(const Stmt& s) {
  Reward r;
  r.id = s.Int(0);
  r.user_id = s.Int(1);
  r.decision_id = s.Int(2);
  r.complaint_id = s.OptInt(3);
  r.amount = s.Int(4);
  r.currency = s.Text(5);
  r.reason = s.Text(6);
  r.created_at = s.Int(7);
  return r;
}

constexpr const char* kNotificationColumns = "id, user_id, kind, payload, created_at, read_at";

Notification ReadNotification(const Stmt& s) {
  Notification n;
  n.id = s.Int(0);
  n.user_id = s.Int(1);
  n.kind = s.Text(2);
  n.payload = s.Text(3);
  n.created_at = s.Int(4);
  n.read_at = s.OptInt(5);
  return n;
}

}  // namespace

// `status = 'open'` (verbatim) lets the planner use the partial index cases_queue; the
// equality on vertical plus ORDER BY over the index's remaining columns make it an in-order
// index walk that stops at the first row passing the filters (no sort). FOR UPDATE OF cases
// SKIP LOCKED: the head is locked as it is found and a head another moderator's transaction
// holds is walked past, so two moderators (on any processes) never get the same case; a row
// that changed under us (taken and committed meanwhile) is re-checked on its newest version.
const char* const kPgNextEligibleInVerticalSql =
    "SELECT id, kind, accused_id, status, priority, sla_due_at, vertical, language, complainants,"
    " assignee_id, assigned_at, lease_until, excluded_moderator_id, appeal_id, opened_at,"
    " decided_at, updated_at, auto_flags"
    " FROM cases WHERE status = 'open' AND vertical = $1 AND accused_id <> $2"
    " AND (excluded_moderator_id IS NULL OR excluded_moderator_id <> $2)"
    " AND ($3::text[] IS NULL OR language = ANY($3::text[]))"
    " AND NOT EXISTS (SELECT 1 FROM case_calls cc JOIN calls ON calls.id = cc.call_id"
    "                 WHERE cc.case_id = cases.id AND (calls.buyer_id = $2 OR calls.seller_id = $2))"
    " ORDER BY priority, sla_due_at, id LIMIT 1 FOR UPDATE OF cases SKIP LOCKED";

// ---- PgCases ----

Result<Case> PgCases::InsertCase(const Case& c) {
  auto stmt = TRY(c_.Prepare(std::string("INSERT INTO cases (") + (kCaseColumns + 4) +
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                             " $14, $15, $16, $17) RETURNING id"));
  BindCase(stmt, c);
  auto id = InsertReturningId(c_, stmt);
  TRY(CaseConflict(Void(id)));
  Case out = c;
  out.id = *id;
  return out;
}

Result<void> PgCases::UpdateCase(const Case& c) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE cases SET kind = $1, accused_id = $2, status = $3, priority = $4, sla_due_at = $5,"
      " vertical = $6, language = $7, complainants = $8, assignee_id = $9, assigned_at = $10,"
      " lease_until = $11, excluded_moderator_id = $12, appeal_id = $13, opened_at = $14,"
      " decided_at = $15, updated_at = $16, auto_flags = $17 WHERE id = $18"));
  BindCase(stmt, c);
  stmt.Bind(18, c.id);
  return CaseConflict(Guarded(c_, [&] { return stmt.Exec(); }));
}

Result<std::optional<Case>> PgCases::FindCase(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Case>();
  return std::optional<Case>(ReadCase(stmt));
}

Result<std::optional<Case>> PgCases::OpenComplaintsCase(Id accused_id) {
  // The partial unique index cases_one_open_per_accused answers this.
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCaseColumns +
                             " FROM cases WHERE accused_id = $1 AND kind = 'complaints'"
                             " AND status <> 'decided'"));
  stmt.Bind(1, accused_id);
  if (!TRY(stmt.Step())) return std::optional<Case>();
  return std::optional<Case>(ReadCase(stmt));
}

Result<std::vector<Case>> PgCases::ListCases(const CaseFilter& f) {
  // Built from a fixed set of clauses (the statement cache stays small); values are bound,
  // numbered in the order they appear (PostgreSQL must see every parameter it is given).
  std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE true";
  if (!f.statuses.empty()) {
    // Statuses as literals from the fixed set: a lone `status = 'assigned'` matches the
    // partial index cases_by_assignee.
    std::vector<std::string> statuses;
    for (const char* known : kCaseStatuses) {
      if (std::find(f.statuses.begin(), f.statuses.end(), known) != f.statuses.end()) {
        statuses.emplace_back(known);
      }
    }
    if (statuses.empty()) return std::vector<Case>();  // no case has an unknown status
    if (statuses.size() == 1) {
      sql += " AND status = '" + statuses[0] + "'";
    } else {
      sql += " AND status IN (";
      for (std::size_t i = 0; i < statuses.size(); ++i) sql += (i ? ", '" : "'") + statuses[i] + "'";
      sql += ")";
    }
  }
  int n = 0;
  auto param = [&n] { return "$" + std::to_string(++n); };
  if (f.assignee_id) sql += " AND assignee_id = " + param();
  if (f.accused_id) sql += " AND accused_id = " + param();
  if (f.before_id) sql += " AND id < " + param();
  sql += " ORDER BY id DESC LIMIT " + param();
  auto stmt = TRY(c_.Prepare(sql));
  int at = 0;
  if (f.assignee_id) stmt.Bind(++at, *f.assignee_id);
  if (f.accused_id) stmt.Bind(++at, *f.accused_id);
  if (f.before_id) stmt.Bind(++at, *f.before_id);
  stmt.Bind(++at, f.limit);
  std::vector<Case> out;
  while (TRY(stmt.Step())) out.push_back(ReadCase(stmt));
  return out;
}

Result<std::vector<Case>> PgCases::Queue(std::optional<QueueCursor> after, int limit) {
  // Both walk cases_undecided in order; the cursor is a row-value range on it.
  std::vector<Case> out;
  if (after) {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCaseColumns +
                               " FROM cases WHERE status <> 'decided'"
                               " AND (priority, sla_due_at, id) > ($1::bigint, $2::bigint, $3::bigint)"
                               " ORDER BY priority, sla_due_at, id LIMIT $4"));
    stmt.Bind(1, after->priority).Bind(2, after->sla_due_at).Bind(3, after->id).Bind(4, limit);
    while (TRY(stmt.Step())) out.push_back(ReadCase(stmt));
  } else {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kCaseColumns +
                               " FROM cases WHERE status <> 'decided'"
                               " ORDER BY priority, sla_due_at, id LIMIT $1"));
    stmt.Bind(1, limit);
    while (TRY(stmt.Step())) out.push_back(ReadCase(stmt));
  }
  return out;
}

Result<QueueCounts> PgCases::CountQueue(TimeMs now, const std::array<std::int64_t, 3>& at_risk_ms) {
  // The undecided ones on cases_undecided, the assigned ones on cases_by_assignee;
  // open = undecided - assigned.
  auto stmt = TRY(c_.Prepare(
      "SELECT count(*), count(*) FILTER (WHERE sla_due_at < $1::bigint),"
      " count(*) FILTER (WHERE sla_due_at >= $1::bigint AND sla_due_at - $1::bigint <"
      "   CASE priority WHEN 1 THEN $2::bigint WHEN 2 THEN $3::bigint ELSE $4::bigint END)"
      " FROM cases WHERE status <> 'decided'"));
  stmt.Bind(1, now).Bind(2, at_risk_ms[0]).Bind(3, at_risk_ms[1]).Bind(4, at_risk_ms[2]);
  QueueCounts out;
  int undecided = 0;
  if (TRY(stmt.Step())) {
    undecided = static_cast<int>(stmt.Int(0));
    out.breached = static_cast<int>(stmt.Int(1));
    out.at_risk = static_cast<int>(stmt.Int(2));
  }
  auto assigned = TRY(c_.Prepare("SELECT count(*) FROM cases WHERE status = 'assigned'"));
  if (TRY(assigned.Step())) out.assigned = static_cast<int>(assigned.Int(0));
  out.open = undecided - out.assigned;  // undecided is open or assigned (cases.status CHECK)
  return out;
}

Result<int> PgCases::ReleaseExpiredLeases(TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE cases SET status = 'open', assignee_id = NULL, assigned_at = NULL,"
      " lease_until = NULL, updated_at = $1 WHERE status = 'assigned' AND lease_until < $1"));
  TRY(stmt.Bind(1, now).Exec());
  return static_cast<int>(stmt.Affected());
}

Result<std::optional<Case>> PgCases::NextEligible(const CaseEligibility& who) {
  std::vector<std::string> verticals;
  if (who.verticals.empty()) {
    verticals.assign(kVerticals.begin(), kVerticals.end());
  } else {
    verticals = who.verticals;
    std::sort(verticals.begin(), verticals.end());
    verticals.erase(std::unique(verticals.begin(), verticals.end()), verticals.end());
  }
  std::optional<std::string> languages;
  if (!who.languages.empty()) languages = TextArrayLiteral(who.languages);
  // One LIMIT 1 index walk per vertical; the most urgent of the heads wins. Each walk locks
  // its head until the transaction ends (PostgreSQL cannot unlock one row): with several
  // verticals a concurrent moderator may pass over a head this one did not take and take the
  // next case of that vertical (never the same case twice; only the order bends, for the
  // length of one short transaction).
  std::optional<Case> best;
  for (const auto& vertical : verticals) {
    auto stmt = TRY(c_.Prepare(kPgNextEligibleInVerticalSql));
    stmt.Bind(1, vertical).Bind(2, who.moderator_id).Bind(3, languages);
    if (!TRY(stmt.Step())) continue;
    Case head = ReadCase(stmt);
    if (!best || std::tie(head.priority, head.sla_due_at, head.id) <
                     std::tie(best->priority, best->sla_due_at, best->id)) {
      best = std::move(head);
    }
  }
  return best;
}

Result<int> PgCases::CountAssigned(Id moderator_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT count(*) FROM cases WHERE status = 'assigned' AND assignee_id = $1"));
  stmt.Bind(1, moderator_id);
  TRY(stmt.Step());
  return static_cast<int>(stmt.Int(0));
}

Result<bool> PgCases::IsParty(Id case_id, Id user_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT EXISTS (SELECT 1 FROM case_calls cc JOIN calls ON calls.id = cc.call_id"
      " WHERE cc.case_id = $1 AND (calls.buyer_id = $2 OR calls.seller_id = $2))::int"));
  stmt.Bind(1, case_id).Bind(2, user_id);
  TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

Result<void> PgCases::AddCaseCall(Id case_id, Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO case_calls (case_id, call_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
  return stmt.Bind(1, case_id).Bind(2, call_id).Exec();
}

Result<std::vector<Id>> PgCases::CaseCalls(Id case_id) {
  auto stmt = TRY(c_.Prepare("SELECT call_id FROM case_calls WHERE case_id = $1 ORDER BY call_id"));
  stmt.Bind(1, case_id);
  std::vector<Id> out;
  while (TRY(stmt.Step())) out.push_back(stmt.Int(0));
  return out;
}

Result<ModeratorState> PgModerators::Moderator(Id user_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT user_id, on_shift, capacity, last_seen_at, updated_at FROM moderator_state"
      " WHERE user_id = $1"));
  stmt.Bind(1, user_id);
  ModeratorState m;
  m.user_id = user_id;
  if (!TRY(stmt.Step())) return m;  // never set: the defaults
  m.on_shift = stmt.Int(1) != 0;
  m.capacity = static_cast<int>(stmt.Int(2));
  m.last_seen_at = stmt.OptInt(3);
  m.updated_at = stmt.Int(4);
  return m;
}

Result<void> PgModerators::PutModerator(const ModeratorState& m) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO moderator_state (user_id, on_shift, capacity, last_seen_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET"
      " on_shift = excluded.on_shift, capacity = excluded.capacity,"
      " last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at"));
  return stmt.Bind(1, m.user_id).Bind(2, m.on_shift).Bind(3, m.capacity).Bind(4, m.last_seen_at)
      .Bind(5, m.updated_at).Exec();
}

Result<Complaint> PgComplaints::InsertComplaint(const Complaint& c) {
  auto stmt = TRY(c_.Prepare(std::string("INSERT INTO complaints (") + (kComplaintColumns + 4) +
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"));
  BindComplaint(stmt, c);
  auto id = InsertReturningId(c_, stmt);
  TRY(ComplaintConflict(Void(id), c.call_id));
  Complaint out = c;
  out.id = *id;
  return out;
}

Result<void> PgComplaints::UpdateComplaint(const Complaint& c) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE complaints SET call_id = $1, reporter_id = $2, accused_id = $3, case_id = $4,"
      " category = $5, text = $6, ranges = $7, quote = $8, quote_match = $9, status = $10,"
      " created_at = $11, updated_at = $12 WHERE id = $13"));
  BindComplaint(stmt, c);
  stmt.Bind(13, c.id);
  return ComplaintConflict(Guarded(c_, [&] { return stmt.Exec(); }), c.call_id);
}

Result<std::optional<Complaint>> PgComplaints::FindComplaint(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kComplaintColumns + " FROM complaints WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Complaint>();
  return std::optional<Complaint>(ReadComplaint(stmt));
}

Result<std::vector<Complaint>> PgComplaints::ListComplaints(const ComplaintFilter& f) {
  std::string sql = std::string("SELECT ") + kComplaintColumns + " FROM complaints WHERE true";
  int n = 0;
  auto param = [&n] { return "$" + std::to_string(++n); };
  if (f.case_id) sql += " AND case_id = " + param();
  if (f.reporter_id) sql += " AND reporter_id = " + param();
  if (f.accused_id) sql += " AND accused_id = " + param();
  if (f.call_id) sql += " AND call_id = " + param();
  if (f.before_id) sql += " AND id < " + param();
  sql += " ORDER BY id DESC LIMIT " + param();
  auto stmt = TRY(c_.Prepare(sql));
  int at = 0;
  if (f.case_id) stmt.Bind(++at, *f.case_id);
  if (f.reporter_id) stmt.Bind(++at, *f.reporter_id);
  if (f.accused_id) stmt.Bind(++at, *f.accused_id);
  if (f.call_id) stmt.Bind(++at, *f.call_id);
  if (f.before_id) stmt.Bind(++at, *f.before_id);
  stmt.Bind(++at, f.limit);
  std::vector<Complaint> out;
  while (TRY(stmt.Step())) out.push_back(ReadComplaint(stmt));
  return out;
}

Result<int> PgComplaints::SetComplaintStatus(Id case_id, const std::vector<std::string>& from,
                                        const std::string& to, TimeMs now) {
  if (from.empty()) return 0;
  auto stmt = TRY(c_.Prepare(
      "UPDATE complaints SET status = $3, updated_at = $4"
      " WHERE case_id = $1 AND status = ANY($2::text[])"));
  TRY(stmt.Bind(1, case_id).Bind(2, TextArrayLiteral(from)).Bind(3, to).Bind(4, now).Exec());
  return static_cast<int>(stmt.Affected());
}

Result<std::vector<Id>> PgCases::PurgeableCalls(TimeMs cutoff, TimeMs now, int limit) {
  // Walks calls_retention from the oldest; each hold is an index probe per call.
  auto stmt = TRY(c_.Prepare(
      "SELECT c.id FROM calls c"
      " WHERE c.purged_at IS NULL AND c.ended_at IS NOT NULL AND c.ended_at < $1"
      " AND (c.recording_status <> 'none' OR c.transcript_status <> 'none'"
      "      OR EXISTS (SELECT 1 FROM recording_files f WHERE f.call_id = c.id))"
      " AND NOT EXISTS (SELECT 1 FROM case_calls cc JOIN cases k ON k.id = cc.case_id"
      "                 WHERE cc.call_id = c.id AND k.status <> 'decided')"
      " AND NOT EXISTS (SELECT 1 FROM decision_calls d JOIN sanctions s ON s.decision_id = d.decision_id"
      "                 WHERE d.call_id = c.id AND s.status = 'active'"
      "                 AND (s.appeal_until > $2 OR EXISTS (SELECT 1 FROM appeals a"
      "                      WHERE a.sanction_id = s.id AND a.status = 'open')))"
      " ORDER BY c.ended_at, c.id LIMIT $3"));
  stmt.Bind(1, cutoff).Bind(2, now).Bind(3, limit);
  std::vector<Id> out;
  while (TRY(stmt.Step())) out.push_back(stmt.Int(0));
  return out;
}

// ---- PgSanctions ----

Result<Decision> PgSanctions::InsertDecision(const Decision& d) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO decisions (case_id, moderator_id, action, days, reason, evidence, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"));
  stmt.Bind(1, d.case_id).Bind(2, d.moderator_id).Bind(3, d.action).Bind(4, d.days)
      .Bind(5, d.reason).Bind(6, d.evidence).Bind(7, d.created_at);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
  Decision out = d;
  out.id = stmt.Int(0);
  for (Id call_id : d.cited_calls) {
    auto cite = TRY(c_.Prepare(
        "INSERT INTO decision_calls (decision_id, call_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
    TRY(cite.Bind(1, out.id).Bind(2, call_id).Exec());
  }
  std::sort(out.cited_calls.begin(), out.cited_calls.end());
  out.cited_calls.erase(std::unique(out.cited_calls.begin(), out.cited_calls.end()), out.cited_calls.end());
  return out;
}

Result<std::vector<Decision>> PgSanctions::Decisions(Id case_id) {
  std::vector<Decision> out;
  {
    auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kDecisionColumns +
                               " FROM decisions WHERE case_id = $1 ORDER BY id"));
    stmt.Bind(1, case_id);
    while (TRY(stmt.Step())) out.push_back(ReadDecision(stmt));
  }
  for (auto& d : out) {
    auto cited = TRY(c_.Prepare(
        "SELECT call_id FROM decision_calls WHERE decision_id = $1 ORDER BY call_id"));
    cited.Bind(1, d.id);
    while (TRY(cited.Step())) d.cited_calls.push_back(cited.Int(0));
  }
  return out;
}

Result<Sanction> PgSanctions::InsertSanction(const Sanction& s) {
  auto stmt = TRY(c_.Prepare(std::string("INSERT INTO sanctions (") + (kSanctionColumns + 4) +
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"));
  BindSanction(stmt, s);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
  Sanction out = s;
  out.id = stmt.Int(0);
  return out;
}

Result<void> PgSanctions::UpdateSanction(const Sanction& s) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE sanctions SET user_id = $1, decision_id = $2, case_id = $3, kind = $4, reason = $5,"
      " starts_at = $6, ends_at = $7, status = $8, appeal_until = $9, lifted_at = $10,"
      " created_at = $11 WHERE id = $12"));
  BindSanction(stmt, s);
  stmt.Bind(12, s.id);
  return stmt.Exec();
}

Result<std::optional<Sanction>> PgSanctions::FindSanction(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kSanctionColumns + " FROM sanctions WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Sanction>();
  return std::optional<Sanction>(ReadSanction(stmt));
}

Result<std::vector<Sanction>> PgSanctions::Sanctions(Id user_id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kSanctionColumns +
                             " FROM sanctions WHERE user_id = $1 ORDER BY id DESC"));
  stmt.Bind(1, user_id);
  std::vector<Sanction> out;
  while (TRY(stmt.Step())) out.push_back(ReadSanction(stmt));
  return out;
}

Result<Appeal> PgSanctions::InsertAppeal(const Appeal& a) {
  auto stmt = TRY(c_.Prepare(std::string("INSERT INTO appeals (") + (kAppealColumns + 4) +
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"));
  BindAppeal(stmt, a);
  auto id = InsertReturningId(c_, stmt);
  TRY(AppealConflict(Void(id)));
  Appeal out = a;
  out.id = *id;
  return out;
}

Result<void> PgSanctions::UpdateAppeal(const Appeal& a) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE appeals SET sanction_id = $1, user_id = $2, text = $3, status = $4, case_id = $5,"
      " decision_id = $6, created_at = $7, decided_at = $8 WHERE id = $9"));
  BindAppeal(stmt, a);
  stmt.Bind(9, a.id);
  return AppealConflict(Guarded(c_, [&] { return stmt.Exec(); }));
}

Result<std::optional<Appeal>> PgSanctions::FindAppeal(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kAppealColumns + " FROM appeals WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Appeal>();
  return std::optional<Appeal>(ReadAppeal(stmt));
}

Result<std::optional<Appeal>> PgSanctions::AppealOf(Id sanction_id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kAppealColumns +
                             " FROM appeals WHERE sanction_id = $1"));
  stmt.Bind(1, sanction_id);
  if (!TRY(stmt.Step())) return std::optional<Appeal>();
  return std::optional<Appeal>(ReadAppeal(stmt));
}

Result<Reward> PgSanctions::InsertReward(const Reward& r) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO rewards (user_id, decision_id, complaint_id, amount, currency, reason, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"));
  stmt.Bind(1, r.user_id).Bind(2, r.decision_id).Bind(3, r.complaint_id).Bind(4, r.amount)
      .Bind(5, r.currency).Bind(6, r.reason).Bind(7, r.created_at);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
  Reward out = r;
  out.id = stmt.Int(0);
  return out;
}

Result<std::vector<Reward>> PgSanctions::Rewards(Id user_id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kRewardColumns +
                             " FROM rewards WHERE user_id = $1 ORDER BY id DESC"));
  stmt.Bind(1, user_id);
  std::vector<Reward> out;
  while (TRY(stmt.Step())) out.push_back(ReadReward(stmt));
  return out;
}

// ---- PgNotifications ----

Result<Notification> PgNotifications::Insert(const Notification& n) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO notifications (user_id, kind, payload, created_at, read_at)"
      " VALUES ($1, $2, $3, $4, $5) RETURNING id"));
  stmt.Bind(1, n.user_id).Bind(2, n.kind).Bind(3, n.payload).Bind(4, n.created_at).Bind(5, n.read_at);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
  Notification out = n;
  out.id = stmt.Int(0);
  return out;
}

Result<std::vector<Notification>> PgNotifications::List(Id user_id, std::optional<Id> before_id, int limit) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kNotificationColumns +
                             " FROM notifications WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2)"
                             " ORDER BY id DESC LIMIT $3"));
  stmt.Bind(1, user_id).Bind(2, before_id).Bind(3, limit);
  std::vector<Notification> out;
  while (TRY(stmt.Step())) out.push_back(ReadNotification(stmt));
  return out;
}

Result<std::int64_t> PgNotifications::UnreadCount(Id user_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"));
  stmt.Bind(1, user_id);
  TRY(stmt.Step());
  return stmt.Int(0);
}

Result<int> PgNotifications::MarkRead(Id user_id, Id up_to, TimeMs now) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id <= $2 AND read_at IS NULL"));
  TRY(stmt.Bind(1, user_id).Bind(2, up_to).Bind(3, now).Exec());
  return static_cast<int>(stmt.Affected());
}

}  // namespace vitrina::store::postgres
