#include "analytics/tone.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

#include "search/text.h"

namespace vitrina::analytics {

namespace tone_internal {
std::string_view LexiconText();  // tone_lexicon.cc
}  // namespace tone_internal

namespace {

// Scoring constants (docs/analytics.md "## Tone").
constexpr double kNegatedPositive = -0.8;  // "not good": most of the praise, turned round
constexpr double kNegatedNegative = -0.4;  // "not bad": a little praise, not the opposite
constexpr double kAckWeight = 0.3;         // "ok, then ..." at the start
constexpr double kBeforeContrast = 0.5;    // "nice, but ...": before the contrast
constexpr double kAfterContrast = 1.5;     // ... and after it
constexpr int kNegationReach = 3;          // a negator reaches this many items ahead
constexpr int kDegreeReach = 2;            // an intensifier or diminisher, this many
constexpr double kSquash = 4;              // score = sum / sqrt(sum² + kSquash)
constexpr double kMaxArousalGain = 0.5;    // arousal 1 multiplies the sum by 1.5

// What one lexicon item (a word or a phrase) does.
struct Entry {
  double valence = 0;
  double degree = 1;          // != 1: an intensifier or a diminisher
  bool negator = false;       // negates within kNegationReach items
  bool negator_next = false;  // negates the next word only (past intensifiers)
  bool contrast = false;
  bool fixed = false;  // never negated
  bool ack = false;
  bool known = false;  // listed in the lexicon (a phrase with valence 0 still blocks)
};

struct Phrase {
  std::vector<std::uint32_t> ids;  // stems after the first
  Entry entry;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Stems → ids (1-based; 0 = not in the lexicon), each id's single-word entry, and phrases by
// their first id, longest first. Built once; read-only afterwards, so any thread may read it.
struct Lexicon {
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<Entry> words{Entry{}};             // by id
  std::vector<std::vector<Phrase>> phrases{{}};  // by first id
  std::vector<std::string> problems;

  std::uint32_t Intern(std::string_view stem) {
    auto it = ids.find(stem);
    if (it != ids.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(words.size());
    ids.emplace(std::string(stem), id);
    words.emplace_back();
    phrases.emplace_back();
    return id;
  }

  std::uint32_t Find(std::string_view stem) const {
    auto it = ids.find(stem);
    return it == ids.end() ? 0 : it->second;
  }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool SameEntry(const Entry& a, const Entry& b) {
  return a.valence == b.valence && a.degree == b.degree && a.negator == b.negator &&
         a.negator_next == b.negator_next && a.contrast == b.contrast && a.fixed == b.fixed &&
         a.ack == b.ack;
}

// Parses "+1.5 fixed", "neg", "x0.6", "but", "-2", "0". False on anything else.
bool ParseAttributes(std::string_view attrs, Entry* e) {
  e->known = true;
  while (!(attrs = Trim(attrs)).empty()) {
    const std::size_t sp = attrs.find(' ');
    const std::string_view a = attrs.substr(0, sp);
    attrs = sp == std::string_view::npos ? std::string_view() : attrs.substr(sp);
    if (a == "neg") {
      e->negator = true;
    } else if (a == "neg1") {
      e->negator_next = true;
    } else if (a == "but") {
      e->contrast = true;
    } else if (a == "fixed") {
      e->fixed = true;
    } else if (a == "ack") {
      e->ack = true;
    } else {
      const bool degree = a.front() == 'x';
      std::string_view num = degree ? a.substr(1) : a;
      if (!num.empty() && num.front() == '+') num.remove_prefix(1);
      double v = 0;
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      if (ec != std::errc() || end != num.data() + num.size()) return false;
      (degree ? e->degree : e->valence) = v;
    }
  }
  return true;
}

Lexicon BuildLexicon() {
  Lexicon lex;
  std::string_view text = tone_internal::LexiconText();
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t bar = line.find('|');
    Entry entry;
    if (bar == std::string_view::npos || !ParseAttributes(line.substr(bar + 1), &entry)) {
      lex.problems.push_back("unreadable: " + std::string(line));
      continue;
    }
    std::vector<std::uint32_t> seq;
    search::Tokenize(line.substr(0, bar), search::kTokenizeDefault,
                     [&](std::string_view stem, std::size_t, std::size_t) {
                       seq.push_back(lex.Intern(stem));
                       return true;
                     });
    if (seq.empty()) {
      lex.problems.push_back("no word: " + std::string(line));
      continue;
    }
    Entry* slot = nullptr;
    if (seq.size() == 1) {
      slot = &lex.words[seq[0]];
    } else {
      auto& list = lex.phrases[seq[0]];
      const std::vector<std::uint32_t> rest(seq.begin() + 1, seq.end());
      auto it =
          std::find_if(list.begin(), list.end(), [&](const Phrase& p) { return p.ids == rest; });
      if (it == list.end()) {
        list.push_back(Phrase{rest, Entry{}});
        it = list.end() - 1;
      }
      slot = &it->entry;
    }
    if (slot->known && !SameEntry(*slot, entry)) {
      lex.problems.push_back("another entry has the same stems: " + std::string(line));
      continue;
    }
    *slot = entry;
  }
  for (auto& list : lex.phrases) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Phrase& a, const Phrase& b) { return a.ids.size() > b.ids.size(); });
  }
  return lex;
}

const Lexicon& GetLexicon() {
  static const Lexicon lexicon = BuildLexicon();
  return lexicon;
}

// 0 at or below `from`, 1 at or above `to`, linear between.
double Ramp(double x, double from, double to) {
  return std::clamp((x - from) / (to - from), 0.0, 1.0);
}

Tone LabelOf(double score, double threshold) {
  if (score >= threshold) return Tone::kPositive;
  if (score <= -threshold) return Tone::kNegative;
  return Tone::kNeutral;
}

}  // namespace

std::string_view ToneName(Tone tone) {
  switch (tone) {
    case Tone::kPositive:
      return "positive";
    case Tone::kNegative:
      return "negative";
    case Tone::kNeutral:
      break;
  }
  return "neutral";
}

std::optional<Tone> ParseTone(std::string_view name) {
  if (name == "positive") return Tone::kPositive;
  if (name == "neutral") return Tone::kNeutral;
  if (name == "negative") return Tone::kNegative;
  return std::nullopt;
}

double ArousalLevel(const Arousal& arousal) {
  double level = 0;
  // Loudness carries most of it: +3 dB is ordinary emphasis, +12 dB is shouting.
  if (arousal.loudness_rel_db && std::isfinite(*arousal.loudness_rel_db)) {
    level += 0.7 * Ramp(*arousal.loudness_rel_db, 3, 12);
  }
  // Rate: 10 % faster is within a speaker's variation; 50 % faster is agitated.
  if (arousal.rate_ratio && std::isfinite(*arousal.rate_ratio)) {
    level += 0.3 * Ramp(*arousal.rate_ratio, 1.1, 1.5);
  }
  return std::clamp(level, 0.0, 1.0);
}

ToneScore ScoreTone(std::string_view text, std::string_view /*language*/, const Arousal& arousal) {
  const Lexicon& lex = GetLexicon();

  // 1. Stems → lexicon ids (0 for words the lexicon does not know, which still take a place).
  std::vector<std::uint32_t> ids;
  ids.reserve(32);
  search::Tokenize(text, search::kTokenizeDefault,
                   [&](std::string_view stem, std::size_t, std::size_t) {
                     ids.push_back(lex.Find(stem));
                     return true;
                   });

  // 2. Items: the longest phrase at each position, else the word.
  std::vector<const Entry*> items;
  items.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size();) {
    const std::uint32_t id = ids[i];
    const Entry* entry = &lex.words[id];
    std::size_t len = 1;
    for (const Phrase& p : lex.phrases[id]) {
      if (i + 1 + p.ids.size() <= ids.size() &&
          std::equal(p.ids.begin(), p.ids.end(),
                     ids.begin() + static_cast<std::ptrdiff_t>(i) + 1)) {
        entry = &p.entry;
        len = 1 + p.ids.size();
        break;
      }
    }
    items.push_back(entry);
    i += len;
  }

  // 3. Valences with their modifiers, summed.
  std::ptrdiff_t contrast_at = -1;  // the last contrast item
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (items[k]->contrast) contrast_at = static_cast<std::ptrdiff_t>(k);
  }
  double sum = 0;
  const auto n = static_cast<std::ptrdiff_t>(items.size());
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    const Entry& e = *items[static_cast<std::size_t>(k)];
    if (e.valence == 0) continue;
    double v = e.valence;
    bool negated = false;
    bool adjacent = true;  // only degree words (or negators) between item j and this one
    for (std::ptrdiff_t j = k - 1; j >= 0 && k - j <= kNegationReach; --j) {
      const Entry& m = *items[static_cast<std::size_t>(j)];
      if (m.contrast) break;
      if (m.negator || (m.negator_next && adjacent)) negated = true;
      if (m.degree != 1 && k - j <= kDegreeReach) v *= m.degree;
      if (m.degree == 1 && !m.negator && !m.negator_next) adjacent = false;
    }
    if (negated && !e.fixed) v *= v > 0 ? kNegatedPositive : kNegatedNegative;
    if (e.ack && k == 0 && n > 1) v *= kAckWeight;
    if (contrast_at >= 0) v *= k < contrast_at ? kBeforeContrast : kAfterContrast;
    sum += v;
  }

  // 4. Arousal scales what the words said; then the sum is squashed into (-1, 1).
  sum *= 1 + kMaxArousalGain * ArousalLevel(arousal);
  ToneScore out;
  out.score = sum / std::sqrt(sum * sum + kSquash);
  out.label = LabelOf(out.score, kToneThreshold);
  return out;
}

CallTone AggregateTone(const std::vector<TimedTone>& utterances, std::int64_t duration_ms) {
  if (duration_ms <= 0) {
    duration_ms = 0;
    for (const TimedTone& u : utterances)
      duration_ms = std::max({duration_ms, u.start_ms, u.end_ms});
  }
  struct Acc {
    double weighted = 0;
    double weight = 0;
  };
  Acc call[2];
  Acc quarters[2][4];
  for (const TimedTone& u : utterances) {
    const int r = u.role == Role::kBuyer ? 0 : 1;
    const double w = static_cast<double>(std::max<std::int64_t>(u.words, 1));
    call[r].weighted += w * u.tone.score;
    call[r].weight += w;
    if (duration_ms <= 0) {
      quarters[r][0].weighted += w * u.tone.score;
      quarters[r][0].weight += w;
      continue;
    }
    const std::int64_t start =
        std::clamp<std::int64_t>(std::min(u.start_ms, u.end_ms), 0, duration_ms);
    const std::int64_t end =
        std::clamp<std::int64_t>(std::max(u.start_ms, u.end_ms), 0, duration_ms);
    for (int q = 0; q < 4; ++q) {
      const std::int64_t qs = duration_ms * q / 4;
      const std::int64_t qe = duration_ms * (q + 1) / 4;
      double share = 0;
      if (end > start) {
        const std::int64_t overlap = std::min(end, qe) - std::max(start, qs);
        if (overlap > 0) share = static_cast<double>(overlap) / static_cast<double>(end - start);
      } else if (start >= qs && (start < qe || q == 3)) {
        share = 1;
      }
      quarters[r][q].weighted += share * w * u.tone.score;
      quarters[r][q].weight += share * w;
    }
  }
  auto mean = [](const Acc& a) {
    ToneScore t;
    if (a.weight > 0) t.score = std::clamp(a.weighted / a.weight, -1.0, 1.0);
    t.label = LabelOf(t.score, kCallToneThreshold);
    return t;
  };
  CallTone out;
  out.buyer = mean(call[0]);
  out.seller = mean(call[1]);
  for (int q = 0; q < 4; ++q) {
    out.buyer_quarters[static_cast<std::size_t>(q)] = mean(quarters[0][q]);
    out.seller_quarters[static_cast<std::size_t>(q)] = mean(quarters[1][q]);
  }
  return out;
}

std::vector<std::string> ToneLexiconProblems() { return GetLexicon().problems; }

}  // namespace vitrina::analytics
