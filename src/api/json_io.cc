#include "api/json_io.h"

#include <charconv>
#include <cmath>

#include "base/time_format.h"
#include "listings/call_hours.h"

namespace vitrina::api {

namespace json = boost::json;

Result<json::object> ParseObject(std::string_view body) {
  if (body.empty()) return base::InvalidArgument("invalid_json", "Request body must be a JSON object");
  json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, options);
  if (ec) {
    return base::InvalidArgument("invalid_json", "Request body is not valid JSON (UTF-8): " + ec.message());
  }
  if (!v.is_object()) return base::InvalidArgument("invalid_json", "Request body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<base::TimeMs>> QueryTime(const std::optional<std::string>& v, const char* name, bool day_end) {
  if (!v || v->empty()) return std::optional<base::TimeMs>();
  if (auto t = base::ParseRfc3339(*v)) return std::optional<base::TimeMs>(*t);
  if (v->size() == 10) {
    if (auto t = base::ParseRfc3339(*v + "T00:00:00Z")) {
      return std::optional<base::TimeMs>(*t + (day_end ? 86'400'000 : 0));
    }
  }
  return base::InvalidArgument("invalid_filter", std::string(name) + " must be an RFC 3339 time or a date");
}

namespace {
tl::unexpected<base::Error> WrongType(std::string_view key, std::string_view want) {
  return base::InvalidArgument("invalid_type",
                               "Field '" + std::string(key) + "' must be " + std::string(want));
}
}  // namespace

Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> ReqString(const json::object& o, std::string_view key) {
  auto s = TRY(OptString(o, key));
  if (!s) return base::InvalidArgument("missing_field", "Field '" + std::string(key) + "' is required");
  return *s;
}

Result<std::optional<std::int64_t>> OptInt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->as_uint64()));
  }
  return WrongType(key, "an integer");
}

Result<std::vector<std::string>> StringArray(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return base::InvalidArgument("missing_field", "Field '" + std::string(key) + "' is required");
  }
  if (!v->is_array() || v->as_array().size() > 64) return WrongType(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return WrongType(key, "an array of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::optional<bool>> OptBool(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(key, "true or false");
  return std::optional<bool>(v->as_bool());
}

namespace {
std::optional<store::Id> ToId(std::string_view text) {
  store::Id id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}
}  // namespace

Result<store::Id> ParsePathId(const std::string& text, std::string_view not_found_code) {
  auto id = ToId(text);
  if (!id) return base::NotFound(std::string(not_found_code), "Not found");
  return *id;
}

Result<std::optional<store::Id>> ParseQueryId(const std::optional<std::string>& text,
                                              std::string_view name) {
  if (!text || text->empty()) return std::optional<store::Id>();
  auto id = ToId(*text);
  if (!id) {
    return base::InvalidArgument("invalid_" + std::string(name),
                                 "Query parameter '" + std::string(name) + "' is not valid");
  }
  return std::optional<store::Id>(*id);
}

Result<int> ParseLimit(const std::optional<std::string>& text, int default_limit, int max_limit) {
  if (!text || text->empty()) return default_limit;
  int limit = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > max_limit) {
    return base::InvalidArgument("invalid_limit",
                                 "limit must be an integer from 1 to " + std::to_string(max_limit));
  }
  return limit;
}

std::string IdString(store::Id id) { return std::to_string(id); }

json::object UserJson(const store::User& u) {
  json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  json::object o{{"id", IdString(u.id)},
                 {"email", u.email},
                 {"display_name", u.display_name},
                 {"roles", std::move(roles)},
                 {"status", u.status},
                 {"timezone", u.timezone},
                 {"verified", u.verified},
                 {"created_at", base::FormatRfc3339(u.created_at)}};
  if (!u.skills.empty()) {
    json::array skills;
    for (const auto& k : u.skills) skills.emplace_back(k);
    o["skills"] = std::move(skills);
  }
  o["blocked_until"] = u.blocked_until ? json::value(base::FormatRfc3339(*u.blocked_until)) : nullptr;
  return o;
}

json::object ListingJson(const listings::ListingView& v) {
  const auto& l = v.listing;
  return json::object{{"id", IdString(l.id)},
                      {"seller_id", IdString(l.seller_id)},
                      {"seller_name", l.seller_name},
                      {"title", l.title},
                      {"description", l.description},
                      {"price", l.price},
                      {"currency", l.currency},
                      {"vertical", l.vertical},
                      {"status", l.status},
                      {"video_call_ready", l.video_call_ready},
                      {"call_hours", listings::CallHoursToJson(v.call_hours)},
                      {"video_call_available_now", v.video_call_available_now},
                      {"seller_rating", json::object{{"average", std::round(l.seller_rating * 100) / 100},
                                                     {"count", l.seller_ratings}}},
                      {"seller_badges", l.seller_reliable ? json::array{"reliable_seller"} : json::array{}},
                      {"created_at", base::FormatRfc3339(l.created_at)},
                      {"updated_at", base::FormatRfc3339(l.updated_at)}};
}

json::object MessageJson(const store::Message& m) {
  return json::object{{"id", IdString(m.id)},
                      {"conversation_id", IdString(m.conversation_id)},
                      {"sender_id", IdString(m.sender_id)},
                      {"text", m.text},
                      {"created_at", base::FormatRfc3339(m.created_at)}};
}

json::object ConversationJson(const store::Conversation& c) {
  json::object o{{"id", IdString(c.id)},
                 {"listing_id", IdString(c.listing_id)},
                 {"listing_title", c.listing_title},
                 {"buyer_id", IdString(c.buyer_id)},
                 {"buyer_name", c.buyer_name},
                 {"seller_id", IdString(c.seller_id)},
                 {"seller_name", c.seller_name},
                 {"unread_count", c.unread_count},
                 {"created_at", base::FormatRfc3339(c.created_at)},
                 {"updated_at", base::FormatRfc3339(c.updated_at)}};
  o["last_message"] = c.last_message ? json::value(MessageJson(*c.last_message)) : nullptr;
  return o;
}


boost::json::value OptTime(const std::optional<store::TimeMs>& t) {
  if (!t) return nullptr;
  return boost::json::value(base::FormatRfc3339(*t));
}

boost::json::value ParsedOr(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : v;
}

namespace {
template <typename T>
boost::json::value OptValue(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}
boost::json::object ParticipantJson(const store::CallParticipant& p) {
  return {{"consent_at", OptTime(p.consent_at)},
          {"joined_at", OptTime(p.joined_at)},
          {"left_at", OptTime(p.left_at)}};
}
}  // namespace

boost::json::value RecordingErrorJson(const store::Call& c, bool staff) {
  if (!c.recording_error) return nullptr;
  // The column keeps the post-processing error as it happened (server paths, janus-pp-rec and
  // ffmpeg output): staff only. Everyone gets a stable code and a sentence, derived from the
  // status the error was stored with (CallService::ProcessRecording): `none` = the processor
  // found nothing recorded, anything else = processing failed (retried unless `failed`).
  const bool nothing = c.recording_status == "none";
  std::string message = nothing ? "Nothing was recorded: neither side sent audio or video."
                        : c.recording_status == "failed"
                            ? "The recording could not be processed; our team has been told."
                            : "Processing the recording failed; it will be tried again.";
  boost::json::object e{{"code", nothing ? "nothing_recorded" : "processing_failed"},
                        {"message", std::move(message)}};
  if (staff) e["detail"] = *c.recording_error;
  return e;
}

boost::json::object FlagJson(const store::Flag& f) {
  return {{"id", IdString(f.id)},
          {"rule_id", IdString(f.rule_id)},
          {"call_id", IdString(f.call_id)},
          {"case_id", f.case_id ? boost::json::value(IdString(*f.case_id)) : boost::json::value(nullptr)},
          {"category", f.category},
          {"severity", f.severity},
          {"speaker", f.speaker},
          {"start_ms", f.start_ms},
          {"end_ms", f.end_ms},
          {"text", f.text},
          {"live", f.live},
          {"transcript_version", f.transcript_version},
          {"review", f.review ? boost::json::value(*f.review) : boost::json::value(nullptr)},
          {"reviewed_at", OptTime(f.reviewed_at)},
          {"created_at", base::FormatRfc3339(f.created_at)}};
}

boost::json::object DetectionItemJson(const store::DetectionCaseItem& d) {
  return {{"source", "detection"},
          {"id", IdString(d.id)},
          {"case_id", IdString(d.case_id)},
          {"user_id", IdString(d.user_id)},
          {"opened_by", IdString(d.opened_by)},
          {"score", d.score},
          {"reasons", ParsedOr(d.reasons)},
          {"window_days", d.window_days},
          {"created_at", base::FormatRfc3339(d.created_at)}};
}

boost::json::object CallJson(const store::Call& c, const std::vector<store::RecordingFile>* files) {
  // Retention deleted the files and transcript: the call's metadata stays.
  boost::json::object recording{{"status", c.purged_at ? std::string("deleted") : c.recording_status},
                                {"duration_ms", OptValue(c.recording_duration_ms)},
                                {"error", RecordingErrorJson(c, files != nullptr)},
                                {"attempts", c.recording_attempts}};
  if (files) {
    boost::json::array list;
    for (const auto& f : *files) {
      list.push_back({{"participant", f.participant},
                      {"kind", f.kind},
                      {"bytes", f.bytes},
                      {"duration_ms", f.duration_ms},
                      {"offset_ms", f.offset_ms},
                      {"sha256", f.sha256}});
    }
    recording["files"] = std::move(list);
  }
  return {{"id", IdString(c.id)},
          {"conversation_id", IdString(c.conversation_id)},
          {"listing_id", IdString(c.listing_id)},
          {"buyer_id", IdString(c.buyer_id)},
          {"seller_id", IdString(c.seller_id)},
          {"proposed_by", IdString(c.proposed_by)},
          {"state", c.state},
          {"scheduled_for", OptTime(c.scheduled_for)},
          {"created_at", base::FormatRfc3339(c.created_at)},
          {"accepted_at", OptTime(c.accepted_at)},
          {"started_at", OptTime(c.started_at)},
          {"ended_at", OptTime(c.ended_at)},
          {"end_reason", OptValue(c.end_reason)},
          {"no_show", OptValue(c.no_show)},
          {"join_opens_at", base::FormatRfc3339(c.join_opens_at)},
          {"join_closes_at", base::FormatRfc3339(c.join_closes_at)},
          {"participants", {{"buyer", ParticipantJson(c.buyer)}, {"seller", ParticipantJson(c.seller)}}},
          {"recording", std::move(recording)},
          {"purged_at", OptTime(c.purged_at)},
          {"transcript", {{"status", c.purged_at ? std::string("deleted") : c.transcript_status},
                          {"progress", OptValue(c.transcript_progress)},
                          {"error", OptValue(c.transcript_error)}}}};
}

boost::json::object DoubleReviewJson(const store::DoubleReview& r, bool reveal) {
  namespace json = boost::json;
  auto opt = [](const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); };
  json::object o{{"id", IdString(r.id)},
                 {"case_id", IdString(r.case_id)},
                 {"status", reveal ? r.status : (r.second_action ? "decided" : r.status)},
                 {"category", r.category},
                 {"second_moderator_id", r.second_moderator_id ? json::value(IdString(*r.second_moderator_id))
                                                               : json::value(nullptr)},
                 {"lease_until", OptTime(r.lease_until)},
                 {"second_action", opt(r.second_action)},
                 {"second_decided_at", OptTime(r.second_decided_at)},
                 {"created_at", OptTime(r.created_at)}};
  if (reveal) {
    o["first_moderator_id"] = IdString(r.first_moderator_id);
    o["first_decision_id"] = IdString(r.first_decision_id);
    o["first_action"] = r.first_action;
    o["verdict"] = opt(r.verdict);
    o["verdict_reason"] = opt(r.verdict_reason);
    o["verdict_by"] = r.verdict_by ? json::value(IdString(*r.verdict_by)) : json::value(nullptr);
    o["verdict_at"] = OptTime(r.verdict_at);
  }
  return o;
}

}  // namespace vitrina::api
