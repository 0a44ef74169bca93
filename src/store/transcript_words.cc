#include "store/transcript_words.h"

#include <boost/json.hpp>

#include <cmath>

namespace vitrina::store {

std::string WordsJson(const std::vector<TranscriptWord>& words) {
  boost::json::array a;
  a.reserve(words.size());
  for (const auto& w : words) {
    a.emplace_back(boost::json::array{boost::json::string(w.w), w.start_ms, w.end_ms,
                                      std::round(w.conf * 1000) / 1000});
  }
  return boost::json::serialize(a);
}

std::vector<TranscriptWord> ParseWords(const std::string& json) {
  std::vector<TranscriptWord> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (!item.is_array() || item.as_array().size() < 4) continue;
    const auto& a = item.as_array();
    TranscriptWord w;
    if (a[0].is_string()) w.w = std::string(a[0].as_string());
    w.start_ms = a[1].is_int64() ? a[1].as_int64() : 0;
    w.end_ms = a[2].is_int64() ? a[2].as_int64() : 0;
    w.conf = a[3].is_double() ? a[3].as_double() : (a[3].is_int64() ? double(a[3].as_int64()) : 0);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace vitrina::store
