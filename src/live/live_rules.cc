#include "live/live_rules.h"

#include <algorithm>

namespace vitrina::live {

std::vector<LiveHit> LiveRuleWatcher::Add(const analytics::RuleMatcher* rules,
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
  if (rules == nullptr) return out;

  // The window from word `from` on as one text, with each word's byte span.
  struct Text {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // of window words from..end
    std::size_t WordAt(std::size_t byte) const {
      std::size_t i = 0;
      while (i + 1 < spans.size() && spans[i].second <= byte) ++i;
      return i;
    }
  };
  auto text_from = [&](std::size_t from) {
    Text t;
    for (std::size_t i = from; i < side.window.size(); ++i) {
      if (!t.text.empty()) t.text += ' ';
      t.spans.emplace_back(t.text.size(), t.text.size() + side.window[i].text.size());
      t.text += side.window[i].text;
    }
    return t;
  };
  auto fired = [&](std::int64_t rule_id) {
    return std::find(side.fired.begin(), side.fired.end(), rule_id) != side.fired.end();
  };
  // The matcher gives each rule's leftmost hit. One that lies in old words only (already
  // judged) may hide a new one of the same rule: match again past its first word.
  std::vector<std::int64_t> seen;
  for (std::size_t from = 0; from < side.window.size();) {
    const Text t = text_from(from);
    std::size_t next_from = side.window.size();
    for (const auto& hit : rules->Match(t.text, language, speaker)) {
      if (fired(hit.rule_id) || std::find(seen.begin(), seen.end(), hit.rule_id) != seen.end()) continue;
      const std::size_t first = from + t.WordAt(hit.begin);
      const std::size_t last = from + t.WordAt(hit.end > 0 ? hit.end - 1 : 0);
      if (last < new_from) {
        next_from = std::min(next_from, first + 1);
        continue;
      }
      seen.push_back(hit.rule_id);
      side.fired.push_back(hit.rule_id);
      LiveHit h;
      h.hit = hit;
      h.speaker = speaker;
      h.start_ms = side.window[first].start_ms;
      h.end_ms = side.window[last].end_ms;
      const auto& a = t.spans[first - from];
      const auto& b = t.spans[last - from];
      h.text = t.text.substr(a.first, b.second - a.first);
      out.push_back(std::move(h));
    }
    if (next_from >= side.window.size()) break;  // no hit of old words only: done
    from = next_from;
  }
  return out;
}

}  // namespace vitrina::live
