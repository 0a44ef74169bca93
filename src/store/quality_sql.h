#pragma once
// The QualityRepository for both SQL backends: one implementation over a backend's Connection
// and Stmt (same interface in store/sqlite/db.h and store/postgres/pg.h). Its SQL is written
// once, in the dialect both accept (INSERT ... RETURNING, ON CONFLICT DO NOTHING, 0/1 flags),
// with ?N parameters that `Dialect::Sql` renders for the backend ($N on PostgreSQL).
// Used only through a Tx; each object lives for one transaction.

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/quality.h"

namespace vitrina::store {

template <typename Connection, typename Dialect>
class SqlQualityRepository final : public QualityRepository {
 public:
  explicit SqlQualityRepository(Connection& c) : c_(c) {}

  Result<Honeypot> InsertHoneypot(const Honeypot& h) override {
    auto s = TRY(Prepare(
        "INSERT INTO honeypots (created_by, source, category, vertical, language, expected_action, acceptable,"
        " content, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id"));
    s.Bind(1, h.created_by).Bind(2, h.source).Bind(3, h.category).Bind(4, h.vertical).Bind(5, h.language)
        .Bind(6, h.expected_action).Bind(7, JsonArray(h.acceptable)).Bind(8, h.content).Bind(9, h.active)
        .Bind(10, h.created_at);
    if (!TRY(s.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
    Honeypot out = h;
    out.id = s.Int(0);
    return out;
  }

  Result<void> SetHoneypotActive(Id id, bool active) override {
    auto s = TRY(Prepare("UPDATE honeypots SET active = ?2 WHERE id = ?1"));
    s.Bind(1, id).Bind(2, active);
    return s.Exec();
  }

  Result<std::optional<Honeypot>> FindHoneypot(Id id) override {
    auto s = TRY(Prepare(std::string(kHoneypotSelect) + " WHERE h.id = ?1"));
    s.Bind(1, id);
    if (!TRY(s.Step())) return std::optional<Honeypot>();
    return std::optional<Honeypot>(ReadHoneypot(s));
  }

  Result<std::vector<Honeypot>> ListHoneypots() override {
    auto s = TRY(Prepare(std::string(kHoneypotSelect) + " ORDER BY h.id DESC LIMIT 500"));
    std::vector<Honeypot> out;
    while (TRY(s.Step())) out.push_back(ReadHoneypot(s));
    return out;
  }

  Result<std::optional<Honeypot>> HoneypotFor(Id moderator_id, const std::vector<std::string>& verticals,
                                              const std::vector<std::string>& languages) override {
    auto s = TRY(Prepare(std::string(kHoneypotSelect) +
                         " WHERE h.active = 1 AND NOT EXISTS (SELECT 1 FROM honeypot_cases x"
                         "   WHERE x.honeypot_id = h.id AND x.moderator_id = ?1)"
                         " ORDER BY (SELECT COUNT(*) FROM honeypot_cases y WHERE y.honeypot_id = h.id), h.id"
                         " LIMIT 200"));
    s.Bind(1, moderator_id);
    auto fits = [](const std::vector<std::string>& allowed, const std::string& v) {
      return allowed.empty() || std::find(allowed.begin(), allowed.end(), v) != allowed.end();
    };
    while (TRY(s.Step())) {
      auto h = ReadHoneypot(s);
      if (fits(verticals, h.vertical) && fits(languages, h.language)) return std::optional<Honeypot>(std::move(h));
    }
    return std::optional<Honeypot>();
  }

  Result<void> InsertHoneypotCase(const HoneypotCase& h) override {
    auto s = TRY(Prepare(
        "INSERT INTO honeypot_cases (case_id, honeypot_id, moderator_id, served_at, action, correct, decided_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    BindHoneypotCase(s, h);
    return s.Exec();
  }

  Result<std::optional<HoneypotCase>> FindHoneypotCase(Id case_id) override {
    auto s = TRY(Prepare(
        "SELECT case_id, honeypot_id, moderator_id, served_at, action, correct, decided_at FROM honeypot_cases"
        " WHERE case_id = ?1"));
    s.Bind(1, case_id);
    if (!TRY(s.Step())) return std::optional<HoneypotCase>();
    HoneypotCase h;
    h.case_id = s.Int(0);
    h.honeypot_id = s.Int(1);
    h.moderator_id = s.Int(2);
    h.served_at = s.Int(3);
    if (!s.IsNull(4)) h.action = s.Text(4);
    if (!s.IsNull(5)) h.correct = s.Int(5) != 0;
    h.decided_at = s.OptInt(6);
    return std::optional<HoneypotCase>(h);
  }

  Result<void> UpdateHoneypotCase(const HoneypotCase& h) override {
    auto s = TRY(Prepare(
        "UPDATE honeypot_cases SET honeypot_id = ?2, moderator_id = ?3, served_at = ?4, action = ?5,"
        " correct = ?6, decided_at = ?7 WHERE case_id = ?1"));
    BindHoneypotCase(s, h);
    return s.Exec();
  }

  // honeypot_id 0: invented for the demo quality team (app/demo_quality.h), no honeypot.
  Result<void> InsertSyntheticUser(Id user_id, Id honeypot_id) override {
    auto s = TRY(Prepare("INSERT INTO synthetic_users (user_id, honeypot_id) VALUES (?1, NULLIF(?2, 0))"));
    s.Bind(1, user_id).Bind(2, honeypot_id);
    return s.Exec();
  }

  Result<bool> IsSyntheticUser(Id user_id) override {
    auto s = TRY(Prepare("SELECT 1 FROM synthetic_users WHERE user_id = ?1"));
    s.Bind(1, user_id);
    return s.Step();
  }

  Result<std::int64_t> DecisionsBy(Id moderator_id) override {
    auto s = TRY(Prepare("SELECT COUNT(*) FROM decisions WHERE moderator_id = ?1"));
    s.Bind(1, moderator_id);
    if (!TRY(s.Step())) return std::int64_t{0};
    return s.Int(0);
  }

  Result<std::vector<DecisionFact>> DecisionFacts(TimeMs from, TimeMs to) override {
    auto s = TRY(Prepare(
        "SELECT d.id, d.moderator_id, d.case_id, d.action,"
        " COALESCE((SELECT k.category FROM complaints k WHERE k.case_id = d.case_id GROUP BY k.category"
        "           ORDER BY COUNT(*) DESC, k.category LIMIT 1), 'other'),"
        " c.assigned_at, d.created_at, c.sla_due_at,"
        " (SELECT COUNT(*) FROM sanctions s JOIN appeals a ON a.sanction_id = s.id WHERE s.decision_id = d.id),"
        " (SELECT COUNT(*) FROM sanctions s JOIN appeals a ON a.sanction_id = s.id"
        "   WHERE s.decision_id = d.id AND a.status = 'overturned'),"
        " h.case_id, h.correct"
        " FROM decisions d JOIN cases c ON c.id = d.case_id LEFT JOIN honeypot_cases h ON h.case_id = d.case_id"
        " WHERE c.kind = 'complaints' AND d.created_at >= ?1 AND d.created_at <= ?2"
        " ORDER BY d.created_at, d.id"));
    s.Bind(1, from).Bind(2, to);
    std::vector<DecisionFact> out;
    while (TRY(s.Step())) {
      DecisionFact f;
      f.decision_id = s.Int(0);
      f.moderator_id = s.Int(1);
      f.case_id = s.Int(2);
      f.action = s.Text(3);
      f.category = s.Text(4);
      f.assigned_at = s.OptInt(5);
      f.decided_at = s.Int(6);
      f.sla_due_at = s.Int(7);
      f.appealed = s.Int(8) > 0;
      f.overturned = s.Int(9) > 0;
      f.honeypot = !s.IsNull(10);
      if (!s.IsNull(11)) f.honeypot_correct = s.Int(11) != 0;
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<std::pair<QualityTask, bool>> InsertTask(const QualityTask& t) override {
    auto s = TRY(Prepare(
        "INSERT INTO quality_tasks (moderator_id, period, period_key, metric, value, peer_median, z, explanation,"
        " status, result, note, opened_at, acknowledged_by, acknowledged_at, closed_by, closed_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        " ON CONFLICT (moderator_id, period, period_key, metric) DO NOTHING RETURNING id"));
    BindTask(s, t);
    if (TRY(s.Step())) {
      QualityTask out = t;
      out.id = s.Int(0);
      return std::make_pair(out, true);
    }
    auto q = TRY(Prepare(std::string(kTaskSelect) +
                         " WHERE moderator_id = ?1 AND period = ?2 AND period_key = ?3 AND metric = ?4"));
    q.Bind(1, t.moderator_id).Bind(2, t.period).Bind(3, t.period_key).Bind(4, t.metric);
    if (!TRY(q.Step())) return base::Internal("quality task vanished");
    return std::make_pair(ReadTask(q), false);
  }

  Result<void> UpdateTask(const QualityTask& t) override {
    auto s = TRY(Prepare(
        "UPDATE quality_tasks SET moderator_id = ?1, period = ?2, period_key = ?3, metric = ?4, value = ?5,"
        " peer_median = ?6, z = ?7, explanation = ?8, status = ?9, result = ?10, note = ?11, opened_at = ?12,"
        " acknowledged_by = ?13, acknowledged_at = ?14, closed_by = ?15, closed_at = ?16 WHERE id = ?17"));
    BindTask(s, t);
    s.Bind(17, t.id);
    return s.Exec();
  }

  Result<std::optional<QualityTask>> FindTask(Id id) override {
    auto s = TRY(Prepare(std::string(kTaskSelect) + " WHERE id = ?1"));
    s.Bind(1, id);
    if (!TRY(s.Step())) return std::optional<QualityTask>();
    return std::optional<QualityTask>(ReadTask(s));
  }

  Result<std::vector<QualityTask>> ListTasks(std::optional<std::string> status, int limit) override {
    auto s = TRY(Prepare(std::string(kTaskSelect) +
                         (status ? " WHERE status = ?2 ORDER BY id DESC LIMIT ?1" : " ORDER BY id DESC LIMIT ?1")));
    s.Bind(1, limit);
    if (status) s.Bind(2, *status);
    std::vector<QualityTask> out;
    while (TRY(s.Step())) out.push_back(ReadTask(s));
    return out;
  }

  Result<DoubleReview> InsertReview(const DoubleReview& r) override {
    auto s = TRY(Prepare(std::string("INSERT INTO double_reviews (") + (kReviewColumns + 4) +
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                         " RETURNING id"));
    BindReview(s, r);
    if (!TRY(s.Step())) return base::Internal("INSERT ... RETURNING id returned no row");
    DoubleReview out = r;
    out.id = s.Int(0);
    return out;
  }

  Result<void> UpdateReview(const DoubleReview& r) override {
    auto s = TRY(Prepare(
        "UPDATE double_reviews SET case_id = ?1, first_decision_id = ?2, first_moderator_id = ?3, first_action = ?4,"
        " category = ?5, status = ?6, second_moderator_id = ?7, assigned_at = ?8, lease_until = ?9,"
        " second_action = ?10, second_decided_at = ?11, verdict = ?12, verdict_reason = ?13, verdict_by = ?14,"
        " verdict_at = ?15, created_at = ?16 WHERE id = ?17"));
    BindReview(s, r);
    s.Bind(17, r.id);
    return s.Exec();
  }

  Result<std::optional<DoubleReview>> FindReview(Id id) override {
    auto s = TRY(Prepare(std::string("SELECT ") + kReviewColumns + " FROM double_reviews WHERE id = ?1"));
    s.Bind(1, id);
    if (!TRY(s.Step())) return std::optional<DoubleReview>();
    return std::optional<DoubleReview>(ReadReview(s));
  }

  Result<std::optional<DoubleReview>> HeldReview(Id moderator_id, TimeMs now) override {
    auto s = TRY(Prepare(std::string("SELECT ") + kReviewColumns +
                         " FROM double_reviews WHERE status = 'assigned' AND second_moderator_id = ?1"
                         " AND lease_until >= ?2 ORDER BY id LIMIT 1"));
    s.Bind(1, moderator_id).Bind(2, now);
    if (!TRY(s.Step())) return std::optional<DoubleReview>();
    return std::optional<DoubleReview>(ReadReview(s));
  }

  Result<std::optional<DoubleReview>> NextReview(Id moderator_id, TimeMs now) override {
    auto s = TRY(Prepare(
        std::string("SELECT ") + kReviewColumns +
        " FROM double_reviews r WHERE (r.status = 'pending' OR (r.status = 'assigned' AND r.lease_until < ?2))"
        " AND r.first_moderator_id <> ?1"
        " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id AND c.accused_id = ?1)"
        " AND NOT EXISTS (SELECT 1 FROM case_calls cc JOIN calls ON calls.id = cc.call_id"
        "   WHERE cc.case_id = r.case_id AND (calls.buyer_id = ?1 OR calls.seller_id = ?1))"
        " ORDER BY r.id LIMIT 1"));
    s.Bind(1, moderator_id).Bind(2, now);
    if (!TRY(s.Step())) return std::optional<DoubleReview>();
    return std::optional<DoubleReview>(ReadReview(s));
  }

  Result<std::vector<DoubleReview>> ListReviews(std::optional<std::string> status, int limit) override {
    auto s = TRY(Prepare(std::string("SELECT ") + kReviewColumns + " FROM double_reviews" +
                         (status ? " WHERE status = ?2" : "") + " ORDER BY id DESC LIMIT ?1"));
    s.Bind(1, limit);
    if (status) s.Bind(2, *status);
    std::vector<DoubleReview> out;
    while (TRY(s.Step())) out.push_back(ReadReview(s));
    return out;
  }

  Result<std::vector<DoubleReview>> DecidedReviews(TimeMs from, TimeMs to) override {
    auto s = TRY(Prepare(std::string("SELECT ") + kReviewColumns +
                         " FROM double_reviews WHERE second_decided_at >= ?1 AND second_decided_at <= ?2"
                         " ORDER BY second_decided_at, id"));
    s.Bind(1, from).Bind(2, to);
    std::vector<DoubleReview> out;
    while (TRY(s.Step())) out.push_back(ReadReview(s));
    return out;
  }

  Result<std::vector<ThemeText>> ThemeTexts(const std::string& source, TimeMs from, TimeMs to,
                                            int limit) override {
    const char* sql =
        source == "appeals"   ? "SELECT id, text, created_at FROM appeals WHERE created_at >= ?1 AND created_at <= ?2"
                                " ORDER BY created_at DESC, id DESC LIMIT ?3"
        : source == "ratings" ? "SELECT call_id, comment, created_at FROM call_ratings WHERE comment IS NOT NULL"
                                " AND comment <> '' AND created_at >= ?1 AND created_at <= ?2"
                                " ORDER BY created_at DESC, call_id DESC LIMIT ?3"
                              : "SELECT id, text, created_at FROM complaints WHERE created_at >= ?1 AND created_at <= ?2"
                                " ORDER BY created_at DESC, id DESC LIMIT ?3";
    auto s = TRY(Prepare(sql));
    s.Bind(1, from).Bind(2, to).Bind(3, limit);
    std::vector<ThemeText> out;
    while (TRY(s.Step())) out.push_back({s.Int(0), s.Text(1), s.Int(2)});
    return out;
  }

  Result<ReporterRecord> Reporter(Id user_id) override {
    ReporterRecord r;
    r.user_id = user_id;
    auto s = TRY(Prepare(
        "SELECT COALESCE(SUM(CASE WHEN status = 'upheld' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN status = 'dismissed' THEN 1 ELSE 0 END), 0)"
        " FROM (SELECT status FROM complaints WHERE reporter_id = ?1 AND status IN ('upheld', 'dismissed')"
        "       ORDER BY updated_at DESC, id DESC LIMIT 100) last"));
    s.Bind(1, user_id);
    if (TRY(s.Step())) {
      r.upheld = s.Int(0);
      r.dismissed = s.Int(1);
    }
    auto m = TRY(Prepare("SELECT until, reason, muted_by FROM reporter_mutes WHERE user_id = ?1"));
    m.Bind(1, user_id);
    if (TRY(m.Step())) {
      r.muted_until = m.Int(0);
      r.mute_reason = m.Text(1);
      r.muted_by = m.Int(2);
    }
    return r;
  }

  Result<void> SetReporterMute(Id user_id, std::optional<TimeMs> until, const std::string& reason, Id by,
                               TimeMs now) override {
    if (!until) {
      auto d = TRY(Prepare("DELETE FROM reporter_mutes WHERE user_id = ?1"));
      d.Bind(1, user_id);
      return d.Exec();
    }
    auto s = TRY(Prepare(
        "INSERT INTO reporter_mutes (user_id, until, reason, muted_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,"
        " muted_by = excluded.muted_by, created_at = excluded.created_at"));
    s.Bind(1, user_id).Bind(2, *until).Bind(3, reason).Bind(4, by).Bind(5, now);
    return s.Exec();
  }

  Result<std::vector<ReporterRecord>> Reporters(int limit) override {
    // Reporters of decided complaints in the newest 10,000 such complaints, and every muted one.
    auto s = TRY(Prepare(
        "SELECT reporter_id FROM (SELECT reporter_id FROM complaints WHERE status IN ('upheld', 'dismissed')"
        "   ORDER BY updated_at DESC, id DESC LIMIT 10000) recent"
        " UNION SELECT user_id FROM reporter_mutes"));
    std::vector<Id> ids;
    while (TRY(s.Step())) ids.push_back(s.Int(0));
    std::vector<ReporterRecord> out;
    for (Id id : ids) out.push_back(TRY(Reporter(id)));
    std::sort(out.begin(), out.end(), [](const ReporterRecord& a, const ReporterRecord& b) {
      // The least upheld share first (one half before any decision), then the most decided.
      const auto share = [](const ReporterRecord& r) {
        return (static_cast<double>(r.upheld) + 1) / (static_cast<double>(r.upheld + r.dismissed) + 2);
      };
      if (share(a) != share(b)) return share(a) < share(b);
      return a.upheld + a.dismissed > b.upheld + b.dismissed;
    });
    if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
    return out;
  }

 private:
  using Stmt = std::remove_cvref_t<decltype(*std::declval<Connection&>().Prepare(std::string()))>;

  Result<Stmt> Prepare(std::string_view sql) { return c_.Prepare(Dialect::Sql(sql)); }

  static std::string JsonArray(const std::vector<std::string>& values) {
    boost::json::array a;
    for (const auto& v : values) a.emplace_back(v);
    return boost::json::serialize(a);
  }

  static constexpr const char* kHoneypotSelect =
      "SELECT h.id, h.created_by, h.source, h.category, h.vertical, h.language, h.expected_action, h.acceptable,"
      " h.content, h.active, h.created_at,"
      " (SELECT COUNT(*) FROM honeypot_cases x WHERE x.honeypot_id = h.id),"
      " (SELECT COUNT(*) FROM honeypot_cases x WHERE x.honeypot_id = h.id AND x.decided_at IS NOT NULL),"
      " (SELECT COUNT(*) FROM honeypot_cases x WHERE x.honeypot_id = h.id AND x.correct = 1)"
      " FROM honeypots h";

  static Honeypot ReadHoneypot(const Stmt& s) {
    Honeypot h;
    h.id = s.Int(0);
    h.created_by = s.Int(1);
    h.source = s.Text(2);
    h.category = s.Text(3);
    h.vertical = s.Text(4);
    h.language = s.Text(5);
    h.expected_action = s.Text(6);
    boost::system::error_code ec;
    auto acceptable = boost::json::parse(s.Text(7), ec);
    if (!ec && acceptable.is_array()) {
      for (const auto& v : acceptable.as_array()) {
        if (v.is_string()) h.acceptable.emplace_back(v.as_string());
      }
    }
    h.content = s.Text(8);
    h.active = s.Int(9) != 0;
    h.created_at = s.Int(10);
    h.served = s.Int(11);
    h.decided = s.Int(12);
    h.correct = s.Int(13);
    return h;
  }

  static void BindHoneypotCase(Stmt& s, const HoneypotCase& h) {
    std::optional<std::int64_t> correct;
    if (h.correct) correct = *h.correct ? 1 : 0;
    s.Bind(1, h.case_id).Bind(2, h.honeypot_id).Bind(3, h.moderator_id).Bind(4, h.served_at).Bind(5, h.action)
        .Bind(6, correct).Bind(7, h.decided_at);
  }

  static constexpr const char* kReviewColumns =
      "id, case_id, first_decision_id, first_moderator_id, first_action, category, status, second_moderator_id,"
      " assigned_at, lease_until, second_action, second_decided_at, verdict, verdict_reason, verdict_by, verdict_at,"
      " created_at";

  static DoubleReview ReadReview(const Stmt& s) {
    DoubleReview r;
    r.id = s.Int(0);
    r.case_id = s.Int(1);
    r.first_decision_id = s.Int(2);
    r.first_moderator_id = s.Int(3);
    r.first_action = s.Text(4);
    r.category = s.Text(5);
    r.status = s.Text(6);
    r.second_moderator_id = s.OptInt(7);
    r.assigned_at = s.OptInt(8);
    r.lease_until = s.OptInt(9);
    if (!s.IsNull(10)) r.second_action = s.Text(10);
    r.second_decided_at = s.OptInt(11);
    if (!s.IsNull(12)) r.verdict = s.Text(12);
    if (!s.IsNull(13)) r.verdict_reason = s.Text(13);
    r.verdict_by = s.OptInt(14);
    r.verdict_at = s.OptInt(15);
    r.created_at = s.Int(16);
    return r;
  }

  // 16 parameters, kReviewColumns without id.
  static void BindReview(Stmt& s, const DoubleReview& r) {
    s.Bind(1, r.case_id).Bind(2, r.first_decision_id).Bind(3, r.first_moderator_id).Bind(4, r.first_action)
        .Bind(5, r.category).Bind(6, r.status).Bind(7, r.second_moderator_id).Bind(8, r.assigned_at)
        .Bind(9, r.lease_until).Bind(10, r.second_action).Bind(11, r.second_decided_at).Bind(12, r.verdict)
        .Bind(13, r.verdict_reason).Bind(14, r.verdict_by).Bind(15, r.verdict_at).Bind(16, r.created_at);
  }

  static constexpr const char* kTaskSelect =
      "SELECT id, moderator_id, period, period_key, metric, value, peer_median, z, explanation, status, result,"
      " note, opened_at, acknowledged_by, acknowledged_at, closed_by, closed_at FROM quality_tasks";

  static QualityTask ReadTask(const Stmt& s) {
    QualityTask t;
    t.id = s.Int(0);
    t.moderator_id = s.Int(1);
    t.period = s.Text(2);
    t.period_key = s.Text(3);
    t.metric = s.Text(4);
    t.value = s.Double(5);
    t.peer_median = s.Double(6);
    t.z = s.Double(7);
    t.explanation = s.Text(8);
    t.status = s.Text(9);
    if (!s.IsNull(10)) t.result = s.Text(10);
    if (!s.IsNull(11)) t.note = s.Text(11);
    t.opened_at = s.Int(12);
    t.acknowledged_by = s.OptInt(13);
    t.acknowledged_at = s.OptInt(14);
    t.closed_by = s.OptInt(15);
    t.closed_at = s.OptInt(16);
    return t;
  }

  // 16 parameters, kTaskSelect's columns without id.
  static void BindTask(Stmt& s, const QualityTask& t) {
    s.Bind(1, t.moderator_id).Bind(2, t.period).Bind(3, t.period_key).Bind(4, t.metric);
    s.BindDouble(5, t.value).BindDouble(6, t.peer_median).BindDouble(7, t.z);
    s.Bind(8, t.explanation).Bind(9, t.status).Bind(10, t.result).Bind(11, t.note).Bind(12, t.opened_at)
        .Bind(13, t.acknowledged_by).Bind(14, t.acknowledged_at).Bind(15, t.closed_by).Bind(16, t.closed_at);
  }

  Connection& c_;
};

// SQLite takes ?N as written.
struct SqliteDialect {
  static std::string Sql(std::string_view sql) { return std::string(sql); }
};

// PostgreSQL: ?N becomes $N.
struct PostgresDialect {
  static std::string Sql(std::string_view sql) {
    std::string out(sql);
    for (auto& ch : out) {
      if (ch == '?') ch = '$';
    }
    return out;
  }
};

}  // namespace vitrina::store
