#include "moderation/rules.h"

#include <algorithm>

#include "search/text.h"

namespace vitrina::moderation {

bool IsCategory(std::string_view category) {
  return std::find(kCategories.begin(), kCategories.end(), category) != kCategories.end();
}

int Severity(std::string_view category) {
  if (category == "fraud" || category == "prepayment_request") return 1;
  if (category == "rude" || category == "not_as_described") return 2;
  return 3;
}

double ReporterCredibility(std::int64_t upheld, std::int64_t dismissed) {
  return (static_cast<double>(upheld) + 1) / (static_cast<double>(upheld + dismissed) + 2);
}

int WeightedSeverity(int severity, std::int64_t upheld, std::int64_t dismissed) {
  if (upheld + dismissed >= 5 && ReporterCredibility(upheld, dismissed) < 0.25) return std::min(3, severity + 1);
  return severity;
}

int CasePriority(const PriorityInputs& in) {
  int p = std::clamp(in.most_severe, 1, 3);
  if (in.complainants >= 3) --p;
  if (in.recent_sanction) --p;
  return std::max(p, 1);
}

std::int64_t SlaPolicy::For(int priority) const {
  return due_ms[static_cast<std::size_t>(std::clamp(priority, 1, 3) - 1)];
}

std::string SlaState(const SlaPolicy& sla, int priority, base::TimeMs due, base::TimeMs now) {
  if (now > due) return "breached";
  if (due - now < sla.For(priority) / 4) return "at_risk";
  return "on_time";
}

namespace {

struct Word {
  std::string stem;
  std::size_t segment = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

std::vector<std::string> Stems(std::string_view text) {
  std::vector<std::string> out;
  search::Tokenize(text, search::kTokenizeDefault, [&](std::string_view t, std::size_t, std::size_t) {
    out.emplace_back(t);
    return true;
  });
  return out;
}

// Longest common subsequence length of `a` and `b[from, from + n)`: quote words found in
// order in the window.
int InOrder(const std::vector<std::string>& a, const std::vector<Word>& b, std::size_t from, std::size_t n) {
  std::vector<int> prev(n + 1, 0), cur(n + 1, 0);
  for (const auto& w : a) {
    for (std::size_t j = 1; j <= n; ++j) {
      cur[j] = w == b[from + j - 1].stem ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[n];
}

}  // namespace

std::optional<QuoteMatch> MatchQuote(std::string_view quote,
                                     const std::vector<store::TranscriptSegment>& segments) {
  const auto q = Stems(quote);
  if (q.empty() || q.size() > 100) return std::nullopt;
  std::vector<Word> words;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    for (const auto& w : segments[i].words) {
      for (auto& stem : Stems(w.w)) words.push_back({std::move(stem), i, w.start_ms, w.end_ms});
    }
  }
  if (words.empty()) return std::nullopt;
  // Windows a little longer than the quote, so words the speaker added ("a", "please")
  // do not push quote words out.
  const std::size_t n = std::min(words.size(), q.size() + std::max<std::size_t>(2, q.size() / 2));
  const int needed = static_cast<int>((q.size() * 6 + 9) / 10);  // ceil(60 %)
  auto is_quote_word = [&](std::size_t i) { return std::find(q.begin(), q.end(), words[i].stem) != q.end(); };
  int best = 0;
  std::size_t first = 0, last = 0;
  for (std::size_t from = 0; from < words.size(); ++from) {
    // Only windows that start on a quote word can be best (a shifted one holds no fewer).
    if (!is_quote_word(from)) continue;
    const std::size_t len = std::min(n, words.size() - from);
    const int found = InOrder(q, words, from, len);
    std::size_t end = from + len - 1;
    while (end > from && !is_quote_word(end)) --end;
    // More quote words wins; then the tighter span.
    if (found > best || (found == best && found > 0 && end - from < last - first)) {
      best = found;
      first = from;
      last = end;
    }
  }
  if (best < std::max(needed, 1)) return std::nullopt;
  QuoteMatch m;
  m.from_ms = words[first].start_ms;
  m.to_ms = words[last].end_ms;
  m.matched = best;
  m.words = static_cast<int>(q.size());
  for (std::size_t i = first; i <= last; ++i) {
    const auto id = segments[words[i].segment].id;
    if (m.segment_ids.empty() || m.segment_ids.back() != id) m.segment_ids.push_back(id);
  }
  return m;
}

}  // namespace vitrina::moderation
