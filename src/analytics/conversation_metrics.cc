#include "analytics/conversation_metrics.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/text.h"

namespace vitrina::analytics {
namespace {

using Words = std::vector<std::string>;

bool In(std::string_view word, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// --- Questions --------------------------------------------------------------------------

// Words said before a question without making it one ("ну, а сколько стоит", "okay so when").
bool IsLeadingFiller(std::string_view w) {
  return In(
      w, {"а",          "и",        "но",       "ну",       "ок",         "окей",    "хорошо",
          "ладно",      "да",       "нет",      "слушайте", "слушай",     "скажите", "скажи",
          "подскажите", "подскажи", "извините", "простите", "пожалуйста", "алло",    "здравствуйте",
          "привет",     "добрый",   "день",     "вечер",    "понятно",    "ясно",    "отлично",
          "спасибо",    "so",       "okay",     "ok",       "well",       "and",     "but",
          "oh",         "hi",       "hello",    "hey",      "yes",        "yeah",    "yep",
          "no",         "right",    "um",       "uh",       "hmm",        "sorry",   "excuse",
          "me",         "please",   "tell",     "alright",  "also",       "then"});
}

// Russian question words and «можно»; with a following «то», «нибудь», «либо» they are
// indefinite pronouns («где-то», «какой-нибудь»), not questions.
bool IsRussianCue(std::string_view w, std::string_view next) {
  if (!In(w, {"как",     "что",     "где",     "когда",  "почему", "сколько", "какой",  "какая",
              "какое",   "какие",   "каких",   "каким",  "какую",  "какого",  "можно",  "зачем",
              "чей",     "чья",     "чье",     "чьи",    "кто",    "куда",    "откуда", "разве",
              "неужели", "который", "которая", "отчего", "каков",  "какова"})) {
    return false;
  }
  if (In(next, {"то", "нибудь", "либо"})) return false;
  // Conjunctions and set phrases that open statements: «как договорились», «как раз»,
  // «что касается», «сколько угодно».
  if (w == "как" && In(next, {"договорились", "договаривались", "раз", "и", "будто", "только",
                              "правило", "всегда", "обычно", "минимум", "максимум", "видите",
                              "говорится", "например", "бы"})) {
    return false;
  }
  if (w == "что" && In(next, {"касается", "ж"})) return false;
  if (w == "сколько" && next == "угодно") return false;
  return true;
}

bool IsEnglishWhWord(std::string_view w, std::string_view next) {
  if (!In(w, {"what", "how", "when", "where", "why", "which", "who", "whom", "whose"})) {
    return false;
  }
  return !(w == "what" && In(next, {"a", "an"}));  // "what a deal" exclaims
}

// An auxiliary opens a question only when a subject follows ("can you", "is it", "do they"):
// "will do", "can't wait" are statements.
bool IsEnglishAuxiliaryQuestion(std::string_view w, std::string_view next) {
  if (!In(w, {"is",      "are",     "am",    "was",      "were",   "do",     "does",  "did",
              "can",     "could",   "would", "will",     "should", "shall",  "may",   "might",
              "have",    "has",     "isnt",  "arent",    "dont",   "doesnt", "didnt", "cant",
              "couldnt", "wouldnt", "wont",  "shouldnt", "havent", "hasnt"})) {
    return false;
  }
  return In(next,
            {"i",     "you",   "we",    "they",   "he",      "she",     "it",      "this", "that",
             "these", "those", "there", "the",    "a",       "an",      "your",    "my",   "our",
             "his",   "her",   "their", "anyone", "anybody", "someone", "somebody"});
}

Words FoldedWords(std::string_view text) {
  Words words;
  search::Tokenize(text, search::kNoStem, [&](std::string_view w, std::size_t, std::size_t) {
    words.emplace_back(w);
    return true;
  });
  return words;
}

// The lexical rule for a sentence the recogniser did not punctuate.
bool HasQuestionCue(const Words& words) {
  for (std::size_t k = 1; k < words.size(); ++k) {
    if (words[k] == "ли" && !In(words[k - 1], {"вряд", "навряд", "едва", "чуть", "то"})) {
      return true;
    }
  }
  std::size_t i = 0;
  while (i < words.size() && IsLeadingFiller(words[i])) ++i;
  if (i == words.size()) return false;
  const std::string_view w = words[i];
  const std::string_view next = i + 1 < words.size() ? std::string_view(words[i + 1]) : "";
  const std::string_view after = i + 2 < words.size() ? std::string_view(words[i + 2]) : "";
  // «как вы и просили» is a statement, «как вы думаете» a question.
  if (w == "как" && In(next, {"вы", "ты"}) && after == "и") return false;
  return IsRussianCue(w, next) || IsEnglishWhWord(w, next) || IsEnglishAuxiliaryQuestion(w, next);
}

// The length of a sentence terminator at `at` ('?', '!', '…', '？', or a '.' that is not inside
// a number or abbreviation), 0 if none; sets *question for '?' and '？'.
std::size_t TerminatorAt(std::string_view text, std::size_t at, bool* question) {
  const char c = text[at];
  if (c == '?' || c == '!') {
    *question = c == '?';
    return 1;
  }
  if (c == '.') {
    const bool last = at + 1 == text.size();
    const char n = last ? ' ' : text[at + 1];
    const bool ends = n == ' ' || n == '\t' || n == '\n' || n == '\r' || n == '"' || n == ')' ||
                      n == '.' || n == '!' || n == '?';
    *question = false;
    return ends ? 1 : 0;
  }
  const std::string_view rest = text.substr(at);
  if (rest.starts_with("\xE2\x80\xA6")) {  // …
    *question = false;
    return 3;
  }
  if (rest.starts_with("\xEF\xBC\x9F")) {  // full-width ？
    *question = true;
    return 3;
  }
  return 0;
}

// --- Timelines ----------------------------------------------------------------------------

std::size_t Index(Role role) { return role == Role::kBuyer ? 0 : 1; }

// Sorts and joins intervals whose gap is shorter than `pause` (0: only overlapping ones;
// touching ones are joined too).
std::vector<Interval> Merge(std::vector<Interval> in, std::int64_t pause) {
  std::sort(in.begin(), in.end(), [](const Interval& a, const Interval& b) {
    return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.end_ms < b.end_ms;
  });
  std::vector<Interval> out;
  for (const Interval& i : in) {
    if (!out.empty() &&
        (i.start_ms - out.back().end_ms < pause || i.start_ms <= out.back().end_ms)) {
      out.back().end_ms = std::max(out.back().end_ms, i.end_ms);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

std::int64_t TotalMs(const std::vector<Interval>& disjoint) {
  std::int64_t total = 0;
  for (const Interval& i : disjoint) total += i.end_ms - i.start_ms;
  return total;
}

// Whether `x` starts while one of `other` (sorted, disjoint) is under way and ends within it:
// a backchannel that does not take the floor.
bool InsideOther(const Interval& x, const std::vector<Interval>& other) {
  auto it = std::lower_bound(other.begin(), other.end(), x.start_ms,
                             [](const Interval& o, std::int64_t s) { return o.start_ms < s; });
  if (it == other.begin()) return false;
  --it;  // the last span that started strictly before x
  return x.end_ms <= it->end_ms;
}

struct PerRole {
  std::vector<Interval> speech;  // timed words (or untimed utterances), clipped to the call
  std::int64_t words = 0;
  std::int64_t questions = 0;
};

}  // namespace

std::optional<Role> ParseRole(std::string_view role) {
  if (role == "buyer") return Role::kBuyer;
  if (role == "seller") return Role::kSeller;
  return std::nullopt;
}

std::string_view RoleName(Role role) { return role == Role::kBuyer ? "buyer" : "seller"; }

std::int64_t CountQuestions(std::string_view text) {
  std::int64_t questions = 0;
  std::size_t begin = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    bool question = false;
    std::size_t len = TerminatorAt(text, at, &question);
    if (len == 0) {
      ++at;
      continue;
    }
    const std::string_view sentence = text.substr(begin, at - begin);
    // A run of terminators ("?!", "...") ends one sentence; any '?' in it makes a question.
    at += len;
    while (at < text.size()) {
      bool q = false;
      len = TerminatorAt(text, at, &q);
      if (len == 0) break;
      question = question || q;
      at += len;
    }
    // A sentence the recogniser punctuated as a statement is one, cues or not.
    if (question && !FoldedWords(sentence).empty()) ++questions;
    begin = at;
  }
  if (begin < text.size() && HasQuestionCue(FoldedWords(text.substr(begin)))) ++questions;
  return questions;
}

ConversationMetrics ComputeConversationMetrics(const std::vector<Utterance>& utterances,
                                               std::int64_t duration_ms,
                                               const MetricsOptions& options) {
  std::int64_t duration = duration_ms;
  if (duration <= 0) {
    duration = 0;
    for (const Utterance& u : utterances) {
      duration = std::max({duration, u.start_ms, u.end_ms});
      for (const TimedWord& w : u.words) duration = std::max({duration, w.start_ms, w.end_ms});
    }
  }
  ConversationMetrics m;
  m.duration_ms = duration;

  // Clip to [0, duration]; an inverted interval is a point at its start. Nullopt: wholly
  // outside the call (touching its edge is inside).
  auto clip = [duration](std::int64_t start, std::int64_t end) -> std::optional<Interval> {
    end = std::max(end, start);
    if (end < 0 || start > duration) return std::nullopt;
    return Interval{std::clamp<std::int64_t>(start, 0, duration),
                    std::clamp<std::int64_t>(end, 0, duration)};
  };

  std::array<PerRole, 2> roles;
  for (const Utterance& u : utterances) {
    PerRole& r = roles[Index(u.role)];
    bool in_call = false;
    if (u.words.empty()) {
      if (auto i = clip(u.start_ms, u.end_ms)) {
        in_call = true;
        if (i->end_ms > i->start_ms) r.speech.push_back(*i);
        r.words += static_cast<std::int64_t>(FoldedWords(u.text).size());
      }
    } else {
      for (const TimedWord& w : u.words) {
        if (search::NormalizeWord(w.text, search::kNoStem).empty()) continue;  // punctuation
        auto i = clip(w.start_ms, w.end_ms);
        if (!i) continue;
        in_call = true;
        ++r.words;
        if (i->end_ms > i->start_ms) r.speech.push_back(*i);  // zero-length: a word, no time
      }
    }
    if (in_call) r.questions += CountQuestions(u.text);
  }

  // Speech spans per role, disjoint and sorted.
  std::array<std::vector<Interval>, 2> spans;
  for (std::size_t k = 0; k < 2; ++k)
    spans[k] = Merge(roles[k].speech, options.span_merge_pause_ms);

  for (Role role : {Role::kBuyer, Role::kSeller}) {
    SpeakerMetrics& s = m.Of(role);
    const std::size_t k = Index(role);
    s.talk_ms = TotalMs(spans[k]);
    s.words = roles[k].words;
    s.questions = roles[k].questions;
    s.wpm = s.talk_ms > 0 ? static_cast<double>(s.words) * 60000.0 / static_cast<double>(s.talk_ms)
                          : 0.0;
  }
  const std::int64_t talk_both = m.buyer.talk_ms + m.seller.talk_ms;
  if (talk_both > 0) {
    m.buyer.talk_ratio = static_cast<double>(m.buyer.talk_ms) / static_cast<double>(talk_both);
    m.seller.talk_ratio = static_cast<double>(m.seller.talk_ms) / static_cast<double>(talk_both);
  }

  // Silences: gaps of the union of both parties' spans within [0, duration], edges included.
  {
    std::vector<Interval> all = spans[0];
    all.insert(all.end(), spans[1].begin(), spans[1].end());
    std::int64_t cursor = 0;
    auto gap = [&](std::int64_t until) {
      if (until - cursor >= options.silence_min_ms && until > cursor) {
        m.silence_spans.push_back({cursor, until});
      }
    };
    for (const Interval& i : Merge(std::move(all), 0)) {
      gap(i.start_ms);
      cursor = std::max(cursor, i.end_ms);
    }
    gap(duration);
    for (const Interval& i : m.silence_spans) {
      ++m.silence.count;
      m.silence.total_ms += i.end_ms - i.start_ms;
      m.silence.longest_ms = std::max(m.silence.longest_ms, i.end_ms - i.start_ms);
    }
    if (duration > 0) {
      m.silence.ratio = static_cast<double>(m.silence.total_ms) / static_cast<double>(duration);
    }
  }

  // Overlaps: intersections of a buyer span and a seller span; the later starter interrupted.
  {
    const std::vector<Interval>& b = spans[0];
    const std::vector<Interval>& s = spans[1];
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < b.size() && j < s.size()) {
      const std::int64_t lo = std::max(b[i].start_ms, s[j].start_ms);
      const std::int64_t hi = std::min(b[i].end_ms, s[j].end_ms);
      if (hi > lo && hi - lo >= options.overlap_min_ms) {
        OverlapSpan o{{lo, hi}, std::nullopt};
        if (b[i].start_ms < s[j].start_ms) o.started_by = Role::kSeller;
        if (s[j].start_ms < b[i].start_ms) o.started_by = Role::kBuyer;
        if (o.started_by) ++m.Of(*o.started_by).interruptions;
        ++m.overlaps.count;
        m.overlaps.total_ms += hi - lo;
        m.overlap_spans.push_back(o);
      }
      if (b[i].end_ms < s[j].end_ms) {
        ++i;
      } else {
        ++j;
      }
    }
  }

  // Turns, switches and monologues over the spans that take the floor.
  {
    struct Floor {
      Interval at;
      Role role;
    };
    std::vector<Floor> floor;
    for (Role role : {Role::kBuyer, Role::kSeller}) {
      const std::size_t k = Index(role);
      for (const Interval& i : spans[k]) {
        if (!InsideOther(i, spans[1 - k])) floor.push_back({i, role});
      }
    }
    std::sort(floor.begin(), floor.end(), [](const Floor& a, const Floor& b) {
      if (a.at.start_ms != b.at.start_ms) return a.at.start_ms < b.at.start_ms;
      if (a.at.end_ms != b.at.end_ms) return a.at.end_ms < b.at.end_ms;
      return Index(a.role) < Index(b.role);
    });
    std::int64_t turns = 0;
    Interval run;
    for (std::size_t n = 0; n < floor.size(); ++n) {
      const Floor& f = floor[n];
      const bool same = n > 0 && floor[n - 1].role == f.role;
      if (!same) {
        ++m.Of(f.role).turns;
        ++turns;
      }
      if (same && f.at.start_ms - run.end_ms < options.silence_min_ms) {
        run.end_ms = std::max(run.end_ms, f.at.end_ms);
      } else {
        run = f.at;
      }
      SpeakerMetrics& s = m.Of(f.role);
      s.longest_monologue_ms = std::max(s.longest_monologue_ms, run.end_ms - run.start_ms);
    }
    m.switches = turns > 0 ? turns - 1 : 0;
    if (duration > 0) {
      m.switches_per_minute =
          static_cast<double>(m.switches) * 60000.0 / static_cast<double>(duration);
    }
  }
  return m;
}

}  // namespace vitrina::analytics
