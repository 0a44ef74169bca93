#include "search/text.h"

#include <libstemmer.h>

#include <cstdint>

namespace vitrina::search {
namespace {

constexpr char32_t kInvalid = kInvalidCodePoint;

// Decodes one code point at `p` (n > 0 bytes left). Sets `len` to the bytes consumed (1 for an
// invalid byte, which is then skipped as a separator). Rejects overlong forms, surrogates and
// values above U+10FFFF.
char32_t Decode(const unsigned char* p, std::size_t n, std::size_t* len) {
  const unsigned char b0 = p[0];
  *len = 1;
  if (b0 < 0x80) return b0;
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (n < static_cast<std::size_t>(extra) + 1) return kInvalid;
  for (int i = 1; i <= extra; ++i) {
    if ((p[i] & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  *len = static_cast<std::size_t>(extra) + 1;
  return cp;
}

void Encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

enum class Cls { kSep, kLetter, kDigit, kMark };

bool In(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// A hand-made approximation of the Unicode general categories, without ICU: letters of every
// script are letters; punctuation, symbols, emoji, spaces and private use are separators;
// combining marks continue a word but never start one.
Cls Classify(char32_t c) {
  if (c < 0x80) {
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return Cls::kLetter;
    if (c >= '0' && c <= '9') return Cls::kDigit;
    return Cls::kSep;
  }
  if (c < 0xC0) return (c == 0xAA || c == 0xB5 || c == 0xBA) ? Cls::kLetter : Cls::kSep;
  if (c == 0xD7 || c == 0xF7) return Cls::kSep;
  if (c < 0x2B0) return Cls::kLetter;  // Latin-1, Latin Extended-A/B, IPA
  if (c < 0x300) {                     // spacing modifier letters, minus the modifier symbols
    if (In(c, 0x2C2, 0x2C5) || In(c, 0x2D2, 0x2DF) || In(c, 0x2E5, 0x2EB) || c == 0x2ED ||
        In(c, 0x2EF, 0x2FF)) {
      return Cls::kSep;
    }
    return Cls::kLetter;
  }
  if (c < 0x370) return Cls::kMark;
  if (c < 0x400) {  // Greek
    if (c == 0x375 || c == 0x37E || c == 0x384 || c == 0x385 || c == 0x387 || c == 0x3F6) {
      return Cls::kSep;
    }
    return Cls::kLetter;
  }
  if (c < 0x530) {  // Cyrillic and its supplement
    if (c == 0x482) return Cls::kSep;
    if (In(c, 0x483, 0x489)) return Cls::kMark;
    return Cls::kLetter;
  }
  if (c < 0x2000) {
    if (In(c, 0x660, 0x669) || In(c, 0x6F0, 0x6F9) || In(c, 0x966, 0x96F)) return Cls::kDigit;
    if (In(c, 0x1AB0, 0x1AFF) || In(c, 0x1DC0, 0x1DFF)) return Cls::kMark;
    if (In(c, 0x55A, 0x55F) || c == 0x589 || c == 0x58A || In(c, 0x58D, 0x58F) || c == 0x5BE ||
        c == 0x5C0 || c == 0x5C3 || c == 0x5C6 || c == 0x5F3 || c == 0x5F4 ||
        In(c, 0x600, 0x60F) || In(c, 0x61B, 0x61F) || In(c, 0x66A, 0x66D) || c == 0x6D4 ||
        c == 0x6DD || c == 0x6DE || c == 0x6E9 || c == 0x964 || c == 0x965 || c == 0x970 ||
        c == 0xE3F || c == 0xE4F || c == 0xE5A || c == 0xE5B || c == 0x10FB ||
        In(c, 0x1360, 0x1368) || c == 0x166D || c == 0x166E || c == 0x1680 || c == 0x169B ||
        c == 0x169C || In(c, 0x16EB, 0x16ED) || c == 0x1735 || c == 0x1736 ||
        In(c, 0x17D4, 0x17DB) || In(c, 0x1800, 0x180A) || c == 0x1FBD || In(c, 0x1FBF, 0x1FC1) ||
        In(c, 0x1FCD, 0x1FCF) || In(c, 0x1FDD, 0x1FDF) || In(c, 0x1FED, 0x1FEF) ||
        c == 0x1FFD || c == 0x1FFE) {
      return Cls::kSep;
    }
    return Cls::kLetter;
  }
  if (c < 0x2C00) return In(c, 0x20D0, 0x20FF) ? Cls::kMark : Cls::kSep;  // punctuation, symbols
  if (c < 0x2E00) {
    if (In(c, 0x2DE0, 0x2DFF)) return Cls::kMark;
    if (In(c, 0x2CE5, 0x2CEA) || In(c, 0x2CF9, 0x2CFF) || c == 0x2D70) return Cls::kSep;
    return Cls::kLetter;
  }
  if (c < 0x3040) {  // supplemental punctuation, CJK radicals, CJK symbols and punctuation
    if (c == 0x3005 || c == 0x3006 || c == 0x3007 || In(c, 0x3021, 0x3029) ||
        In(c, 0x3031, 0x3035) || In(c, 0x3038, 0x303C)) {
      return Cls::kLetter;
    }
    return In(c, 0x302A, 0x302F) ? Cls::kMark : Cls::kSep;
  }
  if (c < 0xA000) {
    if (c == 0x3099 || c == 0x309A) return Cls::kMark;
    if (c == 0x309B || c == 0x309C || c == 0x30A0 || c == 0x30FB || In(c, 0x3190, 0x319F) ||
        In(c, 0x31C0, 0x31EF) || In(c, 0x3200, 0x33FF) || In(c, 0x4DC0, 0x4DFF)) {
      return Cls::kSep;
    }
    return Cls::kLetter;
  }
  if (c < 0xE000) return (In(c, 0xA490, 0xA4CF) || In(c, 0xA700, 0xA716)) ? Cls::kSep : Cls::kLetter;
  if (c < 0xF900) return Cls::kSep;  // private use
  if (c < 0xFE00) return (c == 0xFD3E || c == 0xFD3F || c == 0xFDFC || c == 0xFDFD) ? Cls::kSep : Cls::kLetter;
  if (c < 0xFE70) return (In(c, 0xFE00, 0xFE0F) || In(c, 0xFE20, 0xFE2F)) ? Cls::kMark : Cls::kSep;
  if (c < 0xFF00) return c == 0xFEFF ? Cls::kSep : Cls::kLetter;
  if (c < 0x10000) {  // half- and full-width forms, specials
    if (In(c, 0xFF10, 0xFF19)) return Cls::kDigit;
    if (In(c, 0xFF21, 0xFF3A) || In(c, 0xFF41, 0xFF5A) || In(c, 0xFF66, 0xFFDC)) return Cls::kLetter;
    return Cls::kSep;
  }
  if (In(c, 0x1D000, 0x1D24F) || In(c, 0x1F000, 0x1FBFF) || c >= 0xF0000) return Cls::kSep;
  if (In(c, 0xE0000, 0xE007F) || In(c, 0xE0100, 0xE01EF)) return Cls::kMark;
  return Cls::kLetter;
}

bool IsApostrophe(char32_t c) { return c == 0x27 || c == 0x2018 || c == 0x2019 || c == 0x2BC; }

enum Script : unsigned { kLatin = 1, kCyrillic = 2, kOtherScript = 4 };

unsigned ScriptOf(char32_t c) {
  if (c < 0x80 || In(c, 0xC0, 0x24F) || In(c, 0x1E00, 0x1EFF)) return kLatin;
  if (In(c, 0x400, 0x52F) || In(c, 0x1C80, 0x1C8F) || In(c, 0x2DE0, 0x2DFF) ||
      In(c, 0xA640, 0xA69F)) {
    return kCyrillic;
  }
  return kOtherScript;
}

// Lower case for Latin (Basic, Latin-1, Extended-A/B, Extended Additional), Greek, Cyrillic,
// Armenian and full-width Latin; then ё → е. Other code points are returned unchanged.
char32_t Fold(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c < 0x100) return (In(c, 0xC0, 0xDE) && c != 0xD7) ? c + 32 : c;
  if (c < 0x250) {
    if (c == 0x130) return 'i';
    if (c == 0x17F) return 's';
    if (c == 0x178) return 0xFF;
    const bool even = (c % 2) == 0;
    if ((In(c, 0x100, 0x137) && even) || (In(c, 0x139, 0x148) && !even) ||
        (In(c, 0x14A, 0x177) && even) || (In(c, 0x179, 0x17E) && !even) ||
        (In(c, 0x1CD, 0x1DC) && !even) || (In(c, 0x1DE, 0x1EF) && even) ||
        (In(c, 0x1F8, 0x21F) && even) || (In(c, 0x222, 0x233) && even)) {
      return c + 1;
    }
    return c;
  }
  if (c < 0x400) {  // Greek
    if (In(c, 0x391, 0x3AB) && c != 0x3A2) return c + 32;
    if (c == 0x386) return 0x3AC;
    if (In(c, 0x388, 0x38A)) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c == 0x3C2) return 0x3C3;  // final sigma
    return c;
  }
  if (c < 0x530) {  // Cyrillic
    if (In(c, 0x400, 0x40F)) c += 80;
    else if (In(c, 0x410, 0x42F)) c += 32;
    else if ((In(c, 0x460, 0x481) || In(c, 0x48A, 0x4BF) || In(c, 0x4D0, 0x52F)) && c % 2 == 0) c += 1;
    else if (In(c, 0x4C1, 0x4CE) && c % 2 == 1) c += 1;
    else if (c == 0x4C0) c = 0x4CF;
    return c == 0x451 ? 0x435 : c;  // ё → е
  }
  if (In(c, 0x531, 0x556)) return c + 48;  // Armenian
  if ((In(c, 0x1E00, 0x1E95) || In(c, 0x1EA0, 0x1EFF)) && c % 2 == 0) return c + 1;
  if (In(c, 0xFF21, 0xFF3A)) return c + 32;
  return c;
}

// The two Snowball stemmers of this thread (sb_stemmer objects are not thread-safe).
class Stemmers {
 public:
  Stemmers()
      : russian_(sb_stemmer_new("russian", "UTF_8")), english_(sb_stemmer_new("english", "UTF_8")) {}
  ~Stemmers() {
    if (russian_) sb_stemmer_delete(russian_);
    if (english_) sb_stemmer_delete(english_);
  }
  Stemmers(const Stemmers&) = delete;
  Stemmers& operator=(const Stemmers&) = delete;

  // The stem of `word` (valid until the next call), or `word` itself without a stemmer.
  std::string_view Stem(bool russian, std::string_view word) {
    sb_stemmer* s = russian ? russian_ : english_;
    if (!s) return word;
    const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()),
                                           static_cast<int>(word.size()));
    if (!out) return word;
    return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s))};
  }

 private:
  sb_stemmer* russian_;
  sb_stemmer* english_;
};

Stemmers& ThreadStemmers() {
  thread_local Stemmers stemmers;
  return stemmers;
}

// Longer "words" are not real words (hashes, run-together garbage): folded, never stemmed.
constexpr std::size_t kMaxStemBytes = 64;

bool IsWordChar(Cls c) { return c == Cls::kLetter || c == Cls::kDigit; }

}  // namespace

bool Tokenize(std::string_view utf8, unsigned flags, const TokenFn& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  std::string word;
  std::size_t i = 0;
  std::size_t word_end = static_cast<std::size_t>(-1);  // end of the last word (tag guard)
  while (i < n) {
    std::size_t len = 0;
    const char32_t cp = Decode(p + i, n - i, &len);
    const Cls cls = cp == kInvalid ? Cls::kSep : Classify(cp);

    if (cp == '_' && (flags & kTags) && word_end != i && i + 1 < n) {
      // A tag: `_` + letters/digits, verbatim.
      std::size_t j = i + 1;
      while (j < n) {
        std::size_t l = 0;
        const char32_t c = Decode(p + j, n - j, &l);
        const Cls k = c == kInvalid ? Cls::kSep : Classify(c);
        if (!(IsWordChar(k) || (k == Cls::kMark && j > i + 1))) break;
        j += l;
      }
      if (j > i + 1) {
        if (!fn(utf8.substr(i, j - i), i, j)) return false;
        word_end = j;
        i = j;
        continue;
      }
    }
    if (!IsWordChar(cls)) {
      i += len;
      continue;
    }

    const std::size_t begin = i;
    word.clear();
    bool has_digit = false;
    unsigned scripts = 0;
    while (i < n) {
      std::size_t l = 0;
      const char32_t c = Decode(p + i, n - i, &l);
      const Cls k = c == kInvalid ? Cls::kSep : Classify(c);
      if (IsWordChar(k) || k == Cls::kMark) {
        if (k == Cls::kDigit) has_digit = true;
        if (k == Cls::kLetter) scripts |= ScriptOf(c);
        Encode(Fold(c), word);
        i += l;
        continue;
      }
      if (c != kInvalid && IsApostrophe(c) && i + l < n) {  // don't, O'Brien, д'Артаньян
        std::size_t l2 = 0;
        const char32_t next = Decode(p + i + l, n - i - l, &l2);
        if (next != kInvalid && IsWordChar(Classify(next))) {
          i += l;
          continue;
        }
      }
      break;
    }
    const std::size_t end = i;
    word_end = end;

    std::string_view token = word;
    const bool stem = !(flags & kNoStem) && !has_digit && word.size() <= kMaxStemBytes &&
                      (scripts == kLatin || scripts == kCyrillic);
    if (stem) token = ThreadStemmers().Stem(scripts == kCyrillic, word);
    if (token.empty()) token = word;
    if (!fn(token, begin, end)) return false;
  }
  return true;
}

std::string NormalizeWord(std::string_view word, unsigned flags) {
  std::string out;
  Tokenize(word, flags, [&](std::string_view token, std::size_t, std::size_t) {
    out.assign(token);
    return false;
  });
  return out;
}

char32_t NextCodePoint(std::string_view utf8, std::size_t* at) {
  std::size_t len = 0;
  const char32_t cp =
      Decode(reinterpret_cast<const unsigned char*>(utf8.data()) + *at, utf8.size() - *at, &len);
  *at += len;
  return cp;
}

bool IsSeparator(char32_t cp) { return cp == kInvalid || Classify(cp) == Cls::kSep; }

std::size_t CodePointCount(std::string_view utf8) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  std::size_t count = 0;
  for (std::size_t i = 0; i < utf8.size(); ++count) {
    std::size_t len = 0;
    Decode(p + i, utf8.size() - i, &len);
    i += len;
  }
  return count;
}

}  // namespace vitrina::search
