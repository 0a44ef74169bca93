#include "media/janus_events.h"

#include <boost/json.hpp>

namespace vitrina::media {
namespace {

namespace json = boost::json;

std::int64_t IntOf(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return 0;
}

void ParseOne(const json::value& v, std::vector<MediaEvent>& out) {
  if (!v.is_object()) return;
  const auto& e = v.as_object();
  if (IntOf(e.if_contains("type")) != 64) return;
  const auto* inner = e.if_contains("event");
  if (!inner || !inner->is_object()) return;
  const auto* plugin = inner->as_object().if_contains("plugin");
  if (!plugin || !plugin->is_string() || plugin->as_string() != "janus.plugin.videoroom") return;
  const auto* data = inner->as_object().if_contains("data");
  if (!data || !data->is_object()) return;
  const auto& d = data->as_object();
  const auto* what = d.if_contains("event");
  if (!what || !what->is_string()) return;
  MediaEvent m;
  const std::string_view name = what->as_string();
  if (name == "joined") {
    m.kind = MediaEvent::Kind::kJoined;
  } else if (name == "published") {
    m.kind = MediaEvent::Kind::kPublished;
  } else if (name == "leaving" || name == "unpublished") {
    m.kind = MediaEvent::Kind::kLeft;
  } else {
    return;
  }
  m.room = IntOf(d.if_contains("room"));
  m.participant = IntOf(d.if_contains("id"));
  m.at_ms = IntOf(e.if_contains("timestamp")) / 1000;  // Janus stamps events in µs
  if (const auto* token = d.if_contains("token"); token && token->is_string()) {
    m.token = std::string(token->as_string());
  }
  if (m.room == 0 || m.participant == 0) return;
  out.push_back(m);
}

}  // namespace

std::vector<MediaEvent> ParseJanusEvents(std::string_view body) {
  std::vector<MediaEvent> out;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return out;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) ParseOne(item, out);
  } else {
    ParseOne(v, out);
  }
  return out;
}

}  // namespace vitrina::media
