#include "live/live_rules.h"

#include <algorithm>

namespace vitrina::live {

std::vector<LiveHit> LiveRuleWatcher::Add(const analytics::RuleMatcher& rules,
                                          analytics::Role speaker, const std::string& language,
                                          const std::vector<LiveWord>& words) {
  std::vector<LiveHit> out;
  if (words.empty()) return out;
  Side& side = Of(speaker);
  const std::size_t first_new = side.window.size();
  side.window.insert(side.window.end(), words.begin(), words.end());
  // Trim by age and by count, keeping the new words' index in step.
  const std::int64_t newest = side.window.back().end_ms;
  std::size_t drop = 0;
  while (drop < side.window.size() &&
         (side.window.size() - drop > options_.window_words ||
          newest - side.window[drop].end_ms > options_.window_ms)) {
    ++drop;
  }
  side.window.erase(side.window.begin(), side.window.begin() + static_cast<std::ptrdiff_t>(drop));
  const std::size_t new_from = first_new > drop ? first_new - drop : 0;

  // The window as one text, with each word's byte span.
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (const auto& w : side.window) {
    if (!text.empty()) text += ' ';
    spans.emplace_back(text.size(), text.size() + w.text.size());
    text += w.text;
  }
  auto word_at = [&](std::size_t byte) {
    std::size_t i = 0;
    while (i + 1 < spans.size() && spans[i].second <= byte) ++i;
    return i;
  };
  for (const auto& hit : rules.Match(text, language, speaker)) {
    if (std::find(side.fired.begin(), side.fired.end(), hit.rule_id) != side.fired.end()) continue;
    const std::size_t first = word_at(hit.begin);
    const std::size_t last = word_at(hit.end > 0 ? hit.end - 1 : 0);
    if (last < new_from) continue;  // matched old words only: already judged
    side.fired.push_back(hit.rule_id);
    LiveHit h;
    h.hit = hit;
    h.speaker = speaker;
    h.start_ms = side.window[first].start_ms;
    h.end_ms = side.window[last].end_ms;
    h.text = text.substr(spans[first].first, spans[last].second - spans[first].first);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace vitrina::live
