#pragma once
// Request-body reading with precise errors, and the JSON shapes of the public API.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "listings/listing_service.h"
#include "store/records.h"

namespace vitrina::api {

using base::Result;

// Parses a request body that must be a JSON object (UTF-8 validated by the parser).
Result<boost::json::object> ParseObject(std::string_view body);

// Typed field access: absent -> nullopt (or 400 missing_field when required);
// present with the wrong type -> 400 invalid_type naming the field.
Result<std::optional<std::string>> OptString(const boost::json::object& o, std::string_view key);
Result<std::string> ReqString(const boost::json::object& o, std::string_view key);
Result<std::optional<std::int64_t>> OptInt(const boost::json::object& o, std::string_view key);
Result<std::vector<std::string>> StringArray(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> OptBool(const boost::json::object& o, std::string_view key);

// Decimal id from a path parameter or query value; 404 for path ids that cannot exist.
Result<store::Id> ParsePathId(const std::string& text, std::string_view not_found_code);
Result<std::optional<store::Id>> ParseQueryId(const std::optional<std::string>& text,
                                              std::string_view name);
Result<int> ParseLimit(const std::optional<std::string>& text, int default_limit, int max_limit);

// A query parameter given as RFC 3339 or a date (YYYY-MM-DD, midnight UTC); nullopt when absent
// or empty; 400 invalid_filter otherwise. `day_end`: a date means the end of that day (the
// next midnight), for an inclusive `to`.
Result<std::optional<base::TimeMs>> QueryTime(const std::optional<std::string>& value, const char* name,
                                              bool day_end = false);

boost::json::object UserJson(const store::User& user);
boost::json::object ListingJson(const listings::ListingView& view);
boost::json::object MessageJson(const store::Message& message);
boost::json::object ConversationJson(const store::Conversation& conversation);
// A call as docs/calls.md shows it. `files` is given for staff (moderators) only: it adds
// recording.files and recording.error.detail. Without it (participants, the WebSocket push,
// lists) nothing server-internal is shown.
boost::json::object CallJson(const store::Call& call,
                             const std::vector<store::RecordingFile>* files = nullptr);
// recording.error: null, or {code, message} (stable code, human sentence), plus `detail` (the
// stored post-processing error: paths, tool output) when `staff`.
boost::json::value RecordingErrorJson(const store::Call& call, bool staff);

// A speech-analytics flag (docs/analytics.md): a rule's hit in a call. `text` as given (the
// caller masks it for analysts).
boost::json::object FlagJson(const store::Flag& flag);

// A case item from the dishonest-user ranking (docs/moderation.md "Case items"): `source:
// "detection"`, the score and reasons with evidence as they were when the case was opened from it.
boost::json::object DetectionItemJson(const store::DetectionCaseItem& item);

// A blind double review (docs/quality.md "Double review"). `reveal`: with the first decision
// and the verdict (supervisors); without, what the second reviewer may see.
boost::json::object DoubleReviewJson(const store::DoubleReview& r, bool reveal);

std::string IdString(store::Id id);
// An RFC 3339 time, or null.
boost::json::value OptTime(const std::optional<store::TimeMs>& t);
// A JSON column as stored (parsed), or the raw text if it does not parse.
boost::json::value ParsedOr(const std::string& text);

// A list page from rows fetched with limit + 1: {"items": [...], "next_cursor": ...}, where
// the extra row only signals that another page exists and the cursor is taken from the last
// row shown.
template <typename Row, typename Render, typename Cursor>
boost::json::object Page(const std::vector<Row>& rows, int limit, Render render, Cursor cursor) {
  boost::json::array items;
  boost::json::value next = nullptr;
  const std::size_t shown = std::min(rows.size(), static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < shown; ++i) items.push_back(render(rows[i]));
  if (rows.size() > shown && shown > 0) next = cursor(rows[shown - 1]);
  return boost::json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

}  // namespace vitrina::api
