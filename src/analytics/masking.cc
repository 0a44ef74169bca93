#include "analytics/masking.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "analytics/spoken_numbers.h"
#include "search/text.h"

namespace vitrina::analytics {
namespace {

using Set = std::unordered_set<std::string_view>;

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A Cyrillic letter (U+0400..U+047F, two bytes) starting at byte `i`.
bool IsCyrillicAt(std::string_view t, std::size_t i) {
  if (i + 1 >= t.size()) return false;
  const auto b0 = static_cast<unsigned char>(t[i]);
  const auto b1 = static_cast<unsigned char>(t[i + 1]);
  return (b0 == 0xD0 || b0 == 0xD1) && b1 >= 0x80 && b1 <= 0xBF;
}

// Top-level domains a bare domain ("avito-dostavka.ru", "t.me/...") may end with. A curated
// list, not the whole root zone: file names (".txt", ".py", ".md") and abbreviations ("т.е.",
// "e.g.") must stay text.
const Set& Tlds() {
  static const Set* const tlds = new Set{
      "com",  "net",    "org",   "ru",     "su",       "рф",     "рус",    "ua",      "by",
      "kz",   "uz",     "me",    "io",     "ly",       "cc",     "co",     "info",    "biz",
      "pro",  "online", "site",  "store",  "shop",     "xyz",    "app",    "dev",     "link",
      "club", "top",    "tv",    "us",     "uk",       "de",     "eu",     "cn",      "tk",
      "ml",   "ga",     "cf",    "gq",     "ws",       "gg",     "page",   "website", "space",
      "fun",  "live",   "icu",   "vip",    "click",    "cam",    "am",     "ge",      "kg",
      "tj",   "az",     "onion", "market", "delivery", "москва", "онлайн", "сайт"};
  return *tlds;
}

bool IsTld(std::string_view label) {
  for (char c : label) {
    if ((c >= '0' && c <= '9') || c == '-') return false;
  }
  const std::string folded = search::NormalizeWord(label, search::kNoStem);
  return folded.size() == label.size() && Tlds().count(folded) > 0;
}

struct Domain {
  std::size_t end = 0;
  int labels = 0;
  std::string_view last;
};

// Labels of ASCII letters, digits, '-' or Cyrillic letters joined by single dots, from `at`.
Domain ScanDomain(std::string_view t, std::size_t at) {
  Domain d{at, 0, {}};
  std::size_t i = at;
  while (true) {
    std::size_t j = i;
    while (j < t.size()) {
      if (IsAsciiAlnum(t[j]) || t[j] == '-') {
        ++j;
      } else if (IsCyrillicAt(t, j)) {
        j += 2;
      } else {
        break;
      }
    }
    if (j == i) break;
    ++d.labels;
    d.last = t.substr(i, j - i);
    d.end = j;
    if (j + 1 < t.size() && t[j] == '.' && (IsAsciiAlnum(t[j + 1]) || IsCyrillicAt(t, j + 1))) {
      i = j + 1;
      continue;
    }
    break;
  }
  return d;
}

// The end of a URL's path/query from `at`: up to a space, a quote, an angle bracket or a
// non-ASCII separator (« », no-break space...); trailing sentence punctuation is not part of it.
std::size_t ScanUrlTail(std::string_view t, std::size_t at) {
  std::size_t j = at;
  while (j < t.size()) {
    const auto c = static_cast<unsigned char>(t[j]);
    if (c < 0x80) {
      if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`') break;
      ++j;
      continue;
    }
    std::size_t k = j;
    const char32_t cp = search::NextCodePoint(t, &k);
    if (search::IsSeparator(cp)) break;  // also invalid UTF-8
    j = k;
  }
  while (j > at) {
    const char c = t[j - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
      --j;
    } else if (c == ')' || c == ']') {
      const std::string_view s = t.substr(at, j - at);
      const char open = c == ')' ? '(' : '[';
      if (std::count(s.begin(), s.end(), open) >= std::count(s.begin(), s.end(), c)) break;
      --j;
    } else {
      break;
    }
  }
  return j;
}

void AddTypedEmailsAndHandles(std::string_view t, std::vector<PiiMatch>* out) {
  std::size_t covered = 0;
  for (std::size_t p = t.find('@'); p != std::string_view::npos; p = t.find('@', p + 1)) {
    if (p < covered) continue;
    std::size_t j = p;
    while (j > covered) {
      const char c = t[j - 1];
      if (IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') {
        --j;
      } else if (j >= covered + 2 && IsCyrillicAt(t, j - 2)) {
        j -= 2;
      } else {
        break;
      }
    }
    while (j < p && (t[j] == '.' || t[j] == '+')) ++j;
    if (j < p) {  // local@domain; a domain without a dot ("ivan@gmail") is masked too
      const Domain d = ScanDomain(t, p + 1);
      if (d.labels == 0) continue;
      out->push_back({PiiKind::kEmail, j, d.end});
      covered = d.end;
      continue;
    }
    // @handle (Telegram, Instagram...): letters, digits, '_' and inner dots, with a letter.
    std::size_t k = p + 1;
    bool letter = false;
    while (k < t.size()) {
      const char c = t[k];
      if (IsAsciiAlnum(c) || c == '_') {
        letter = letter || !(c >= '0' && c <= '9');
        ++k;
      } else if (c == '.' && k + 1 < t.size() && IsAsciiAlnum(t[k + 1])) {
        ++k;
      } else {
        break;
      }
    }
    if (letter && k - p >= 3) {
      out->push_back({PiiKind::kLink, p, k});
      covered = k;
    }
  }
}

bool IsDomainChar(std::string_view t, std::size_t i) {
  const char c = t[i];
  return IsAsciiAlnum(c) || c == '-' || c == '_' || c == '.' || c == '@' || c == '/';
}

// URLs with a scheme, www. addresses and bare domains with a known top-level domain, outside
// `skip` (sorted spans already found).
void AddTypedLinks(std::string_view t, const std::vector<PiiMatch>& skip,
                   std::vector<PiiMatch>* out) {
  std::size_t s = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    while (s < skip.size() && skip[s].end <= i) ++s;
    if (s < skip.size() && skip[s].begin <= i) {
      i = skip[s].end;
      continue;
    }
    const bool start = (IsAsciiAlnum(t[i]) || IsCyrillicAt(t, i)) &&
                       (i == 0 || !(IsDomainChar(t, i - 1) || (i >= 2 && IsCyrillicAt(t, i - 2))));
    if (!start) {
      ++i;
      continue;
    }
    std::size_t end = i;
    // scheme://
    std::size_t k = i;
    while (k < t.size() && (IsAsciiAlnum(t[k]) || t[k] == '+' || t[k] == '.' || t[k] == '-')) ++k;
    if (k > i && t.substr(k, 3) == "://" && !(t[i] >= '0' && t[i] <= '9')) {
      end = ScanUrlTail(t, k + 3);
      if (end == k + 3) end = i;  // "http://" alone
    } else if (t.size() - i > 4 && (t[i] | 0x20) == 'w' && (t[i + 1] | 0x20) == 'w' &&
               (t[i + 2] | 0x20) == 'w' && t[i + 3] == '.' && ScanDomain(t, i + 4).labels > 0) {
      end = ScanUrlTail(t, i);
    } else {
      const Domain d = ScanDomain(t, i);
      const bool at_after = d.end < t.size() && t[d.end] == '@';
      if (d.labels >= 2 && !at_after && IsTld(d.last)) {
        end = d.end;
        if (end < t.size() &&
            (t[end] == '/' || t[end] == '?' || t[end] == '#' ||
             (t[end] == ':' && end + 1 < t.size() && t[end + 1] >= '0' && t[end + 1] <= '9'))) {
          end = ScanUrlTail(t, end);
        }
      }
    }
    if (end > i) {
      out->push_back({PiiKind::kLink, i, end});
      i = end;
    } else {
      ++i;
    }
  }
}

// E-mail addresses and domains said in words: "ivan at mail dot ru", «иван собака мейл точка
// ру», "ivan dot petrov at gmail dot com", "avito dash dostavka dot ru", «т точка ме слэш
// иван». The local part is the word before "at"/«собака» and the words joined to it by
// dot/underscore/dash words.
class SpokenAddresses {
 public:
  SpokenAddresses(std::string_view text, const std::vector<PiiMatch>& typed) : t_(text) {
    search::Tokenize(text, search::kNoStem,
                     [&](std::string_view tok, std::size_t b, std::size_t e) {
                       toks_.push_back({b, e, std::string(tok), -1});
                       return true;
                     });
    std::size_t s = 0;
    for (Tok& tok : toks_) {
      while (s < typed.size() && typed[s].end <= tok.begin) ++s;
      if (s < typed.size() && typed[s].begin < tok.end) tok.span = static_cast<int>(s);
    }
    typed_ = &typed;
  }

  void Find(std::vector<PiiMatch>* out) {
    const std::size_t n = toks_.size();
    std::size_t k = 0;
    while (k < n) {
      if (IsAt(k)) {
        if (std::size_t end = 0; Email(k, &end, out)) {
          k = end;
          continue;
        }
      } else if (IsLabel(k) && !kLinkStop().count(toks_[k].text)) {
        std::size_t scanned = k;
        const std::size_t d = SpokenDomain(k, &scanned);
        if (d > k) {
          out->push_back({PiiKind::kLink, toks_[k].begin, toks_[d - 1].end});
          k = d;
          continue;
        }
        // The words up to `scanned` lead to the same labels and dots: no domain starts there
        // either (this keeps "x dot x dot x ..." linear).
        if (scanned > k + 1) {
          k = scanned - 1;
          continue;
        }
      }
      ++k;
    }
  }

 private:
  struct Tok {
    std::size_t begin, end;
    std::string text;
    int span;  // index of the typed match it lies in, or -1
  };

  static const Set& kAt() {
    static const Set* const s = new Set{"at", "собака", "собачка", "эт"};
    return *s;
  }
  static const Set& kDot() {
    static const Set* const s = new Set{"dot", "точка"};
    return *s;
  }
  static const Set& kSlash() {
    static const Set* const s = new Set{"slash", "слэш", "слеш"};
    return *s;
  }
  static const Set& kConnector() {
    static const Set* const s =
        new Set{"dash", "hyphen", "underscore", "дефис", "тире", "подчеркивание", "подчеркиванье"};
    return *s;
  }
  // Said after a domain's last dot.
  static const Set& kSpokenTld() {
    static const Set* const s = new Set{
        "ru",    "ру",   "рф",  "эрэф", "com", "ком",    "net",    "нет",  "org",  "орг",  "info",
        "инфо",  "io",   "ио",  "me",   "ме",  "su",     "су",     "ua",   "by",   "бай",  "kz",
        "кз",    "biz",  "биз", "pro",  "про", "online", "онлайн", "site", "сайт", "shop", "шоп",
        "store", "стор", "xyz", "app",  "апп", "dev",    "ly",     "tv",   "co",   "uk"};
    return *s;
  }
  // Mail services named without their domain: "ivan at gmail".
  static const Set& kProvider() {
    static const Set* const s = new Set{"gmail",   "hotmail", "гмейл",  "гмэйл",  "джимейл",
                                        "джимэйл", "хотмейл", "icloud", "айклауд"};
    return *s;
  }
  // ... and after «собака» only (after "at" these are too often a place: "I work at yandex").
  static const Set& kProviderAfterDog() {
    static const Set* const s =
        new Set{"mail",    "мейл",  "майл",    "мэйл",   "яндекс", "yandex", "ya",   "рамблер",
                "rambler", "yahoo", "outlook", "аутлук", "бк",     "инбокс", "inbox"};
    return *s;
  }
  // Words that stand before "at"/«собака» in ordinary speech, never a local part.
  static const Set& kLocalStop() {
    static const Set* const s =
        new Set{"look", "looking",   "looked",  "be",        "is",     "are",   "am",     "was",
                "were", "been",      "me",      "us",        "him",    "her",   "them",   "it",
                "you",  "i",         "we",      "they",      "work",   "works", "worked", "working",
                "live", "lives",     "lived",   "stay",      "stayed", "meet",  "arrive", "arrived",
                "here", "there",     "and",     "or",        "but",    "not",   "just",   "only",
                "even", "available", "sold",    "listed",    "posted", "find",  "found",  "check",
                "see",  "buy",       "bought",  "price",     "priced", "item",  "that",   "this",
                "моя",  "твоя",      "наша",    "ваша",      "эта",    "та",    "у",      "и",
                "а",    "злая",      "большая", "маленькая", "это",    "его",   "ее"};
    return *s;
  }
  // Words before "dot"/«точка» that are not a domain ("the dot com era").
  static const std::unordered_set<std::string>& kLinkStop() {
    static const auto* const s = new std::unordered_set<std::string>{
        "the", "a", "an", "this", "that", "и", "а", "в", "на", "это", "вот", "просто", "все"};
    return *s;
  }

  bool In(std::size_t k, const Set& set) const {
    return k < toks_.size() && toks_[k].span < 0 && set.count(toks_[k].text) > 0;
  }
  bool IsAt(std::size_t k) const { return In(k, kAt()); }
  bool IsDot(std::size_t k) const { return In(k, kDot()); }
  bool IsLabel(std::size_t k) const {
    return k < toks_.size() && toks_[k].span < 0 && !IsAt(k) && !IsDot(k) && !In(k, kSlash()) &&
           !In(k, kConnector()) && toks_[k].text != "нижнее";
  }

  // 1: only spaces between tokens a and b (adjacent); 2: a single typed '-', '_' or '.'.
  int Gap(std::size_t a, std::size_t b) const {
    const std::string_view g = t_.substr(toks_[a].end, toks_[b].begin - toks_[a].end);
    if (g == "-" || g == "_" || g == ".") return 2;
    for (char c : g) {
      if (c != ' ' && c != '\t') return 0;
    }
    return g.empty() ? 0 : 1;
  }

  // Tokens of a connector word starting at k ("dash", «нижнее подчеркивание»), or 0.
  std::size_t Connector(std::size_t k) const {
    if (In(k, kConnector())) return 1;
    if (k + 1 < toks_.size() && toks_[k].span < 0 && toks_[k].text == "нижнее" &&
        In(k + 1, kConnector()) && Gap(k, k + 1) == 1) {
      return 2;
    }
    return 0;
  }

  // One label from token k ("avito", "avito dash dostavka", "ivan_petrov"): the index after it,
  // or k.
  std::size_t Label(std::size_t k) const {
    if (!IsLabel(k)) return k;
    std::size_t m = k + 1;
    while (m < toks_.size()) {
      if (Gap(m - 1, m) == 2 && IsLabel(m)) {
        ++m;
        continue;
      }
      const std::size_t c = Connector(m);
      if (c > 0 && Gap(m - 1, m) == 1 && m + c < toks_.size() && Gap(m + c - 1, m + c) == 1 &&
          IsLabel(m + c)) {
        m += c + 1;
        continue;
      }
      break;
    }
    return m;
  }

  // A domain said in words from token k: labels joined by "dot"/«точка», the last a top-level
  // domain, then any "slash <label>". The index after it, or k.
  // `scanned` (if given) receives the index after the last label looked at.
  std::size_t SpokenDomain(std::size_t k, std::size_t* scanned = nullptr) const {
    std::size_t m = Label(k);
    if (scanned) *scanned = m;
    if (m == k) return k;
    std::size_t best = k;
    while (m + 1 < toks_.size() && IsDot(m) && Gap(m - 1, m) == 1 && Gap(m, m + 1) == 1) {
      const std::size_t e = Label(m + 1);
      if (e == m + 1) break;
      if (e == m + 2 && In(m + 1, kSpokenTld())) best = e;
      m = e;
    }
    if (scanned) *scanned = m;
    if (best == k) return k;
    while (best + 1 < toks_.size() && In(best, kSlash()) && Gap(best - 1, best) == 1 &&
           Gap(best, best + 1) == 1 && IsLabel(best + 1)) {
      best = Label(best + 1);
    }
    return best;
  }

  bool Email(std::size_t a, std::size_t* next, std::vector<PiiMatch>* out) const {
    const std::size_t n = toks_.size();
    if (a == 0 || a + 1 >= n || Gap(a - 1, a) != 1) return false;
    // The domain.
    std::size_t dom_end = 0;
    std::size_t after = a + 1;
    const Tok& d = toks_[a + 1];
    const bool dog = toks_[a].text != "at";
    if (d.span >= 0 && (*typed_)[d.span].begin == d.begin &&
        (*typed_)[d.span].kind == PiiKind::kLink && d.begin > toks_[a].end &&
        t_.substr(toks_[a].end, d.begin - toks_[a].end) == " ") {
      dom_end = (*typed_)[d.span].end;  // "ivan at mail.ru"
      while (after < n && toks_[after].span == d.span) ++after;
    } else if (Gap(a, a + 1) == 1) {
      const std::size_t e = SpokenDomain(a + 1);
      if (e > a + 1) {
        dom_end = toks_[e - 1].end;
        after = e;
      } else if (In(a + 1, kProvider()) || (dog && In(a + 1, kProviderAfterDog()))) {
        dom_end = d.end;
        after = a + 2;
      }
    }
    if (dom_end == 0) return false;
    // The local part.
    std::size_t s = a - 1;
    if (!IsLabel(s)) return false;
    if (kLocalStop().count(toks_[s].text)) return false;
    while (s > 0) {
      if (Gap(s - 1, s) == 2 && IsLabel(s - 1)) {
        --s;
        continue;
      }
      std::size_t c = 0;
      if (Gap(s - 1, s) == 1) {
        if (IsDot(s - 1) || In(s - 1, kConnector())) {
          c = 1;
          if (s >= 2 && In(s - 1, kConnector()) && toks_[s - 2].text == "нижнее" &&
              toks_[s - 2].span < 0 && Gap(s - 2, s - 1) == 1) {
            c = 2;
          }
        }
      }
      if (c > 0 && s >= c + 1 && Gap(s - c - 1, s - c) == 1 && IsLabel(s - c - 1)) {
        s -= c + 1;
        continue;
      }
      break;
    }
    out->push_back({PiiKind::kEmail, toks_[s].begin, dom_end});
    *next = after;
    return true;
  }

  std::string_view t_;
  std::vector<Tok> toks_;
  const std::vector<PiiMatch>* typed_ = nullptr;
};

// Spans sorted by begin; of overlapping ones the one starting first (the longer at a tie) stays.
void SortAndDropOverlaps(std::vector<PiiMatch>* spans) {
  std::sort(spans->begin(), spans->end(), [](const PiiMatch& a, const PiiMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<PiiMatch> kept;
  for (const PiiMatch& m : *spans) {
    if (!kept.empty() && m.begin < kept.back().end) continue;
    kept.push_back(m);
  }
  *spans = std::move(kept);
}

bool IsCard(std::string_view digits) {
  return digits.size() >= 13 && digits.size() <= 19 && digits[0] >= '2' && digits[0] <= '6' &&
         LuhnValid(digits);
}

// Whether groups [i, j] of `run` (10..12 digits together) are written or said like a phone
// number rather than a list of numbers or a number with thousands separated.
bool LooksLikePhone(std::string_view t, const NumberRun& run, std::size_t i, std::size_t j) {
  const auto& g = run.groups;
  if (i == 0 && run.plus) return true;
  if (i == j) return !g[i].spoken;  // 89161234567
  const std::size_t from = i == 0 ? run.prefix_begin : g[i].begin;
  if (t.substr(from, g[j].end - from).find('(') != std::string_view::npos) return true;
  bool same = g[i].digits.size() >= 2;
  bool thousands = !g[i].spoken && g[i].digits.size() <= 3;
  for (std::size_t k = i + 1; k <= j; ++k) {
    same = same && g[k].digits.size() == g[i].digits.size();
    thousands = thousands && !g[k].spoken && g[k].digits.size() == 3;
  }
  return !same && !thousands;  // "42 44 46 48 50", "2019 2020 2021"; "1 500 000 000"
}

// Whether the whole run is 7..12 digits said one at a time ("five five five zero one four
// seven"): nobody says a price, a year or a size digit by digit, so this is a phone number, or
// the part of one a recogniser caught (a cut-off start, a missed digit).
bool SpokenDigitByDigit(const NumberRun& run) {
  const auto& g = run.groups;
  if (g.size() < 7 || g.size() > 12) return false;
  for (const auto& group : g) {
    if (!group.spoken || group.digits.size() != 1) return false;
  }
  return true;
}

void AddNumbers(std::string_view original, std::string_view blanked, std::vector<PiiMatch>* out) {
  for (const NumberRun& run : FindNumberRuns(blanked)) {
    const auto& g = run.groups;
    if (SpokenDigitByDigit(run)) {
      out->push_back({PiiKind::kPhone, run.prefix_begin, g.back().end});
      continue;
    }
    std::size_t i = 0;
    while (i < g.size()) {
      // The best item starting at group i: a card before a phone; one that ends where the run
      // ends or at a comma before one that ends inside a group sequence; then the longest.
      struct Best {
        std::size_t j = 0;
        int rank = -1;
        PiiKind kind = PiiKind::kPhone;
      } best;
      std::string digits;
      for (std::size_t j = i; j < g.size(); ++j) {
        digits += g[j].digits;
        if (digits.size() > 19) break;
        PiiKind kind;
        if (IsCard(digits)) {
          kind = PiiKind::kCard;
        } else if (digits.size() >= 10 && digits.size() <= 12 &&
                   LooksLikePhone(original, run, i, j)) {
          kind = PiiKind::kPhone;
        } else {
          continue;
        }
        const bool clean =
            j + 1 == g.size() || original.substr(g[j].end, g[j + 1].begin - g[j].end).find(',') !=
                                     std::string_view::npos;
        const int rank = (kind == PiiKind::kCard ? 2 : 0) + (clean ? 1 : 0);
        if (rank >= best.rank) best = {j, rank, kind};
      }
      if (best.rank < 0) {
        ++i;
        continue;
      }
      const std::size_t begin = i == 0 ? run.prefix_begin : g[i].begin;
      std::size_t end = g[best.j].end;
      const std::string_view s = original.substr(begin, end - begin);
      if (std::count(s.begin(), s.end(), '(') > std::count(s.begin(), s.end(), ')') &&
          end < original.size() && original[end] == ')') {
        ++end;
      }
      out->push_back({best.kind, begin, end});
      i = best.j + 1;
    }
  }
}

}  // namespace

std::string_view PiiToken(PiiKind kind) {
  switch (kind) {
    case PiiKind::kPhone:
      return "[phone]";
    case PiiKind::kCard:
      return "[card]";
    case PiiKind::kEmail:
      return "[email]";
    case PiiKind::kLink:
      return "[link]";
  }
  return "[link]";
}

bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::vector<PiiMatch> FindPii(std::string_view text) {
  std::vector<PiiMatch> typed;
  AddTypedEmailsAndHandles(text, &typed);
  std::vector<PiiMatch> links;
  AddTypedLinks(text, typed, &links);
  typed.insert(typed.end(), links.begin(), links.end());
  SortAndDropOverlaps(&typed);

  std::vector<PiiMatch> all = typed;
  SpokenAddresses(text, typed).Find(&all);
  SortAndDropOverlaps(&all);

  // Numbers are read with the addresses blanked out (same length, so offsets hold), so the
  // digits of "ivan1990@mail.ru" or a URL are not a phone.
  std::string blanked(text);
  for (const PiiMatch& m : all)
    std::fill(blanked.begin() + m.begin, blanked.begin() + m.end, '\x01');
  AddNumbers(text, blanked, &all);
  SortAndDropOverlaps(&all);
  return all;
}

std::string Mask(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const PiiMatch& m : FindPii(text)) {
    out.append(text.substr(at, m.begin - at));
    out.append(PiiToken(m.kind));
    at = m.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace vitrina::analytics
