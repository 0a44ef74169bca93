#include "analytics/spoken_numbers.h"

#include <cstdint>
#include <initializer_list>
#include <unordered_map>

#include "search/text.h"

namespace vitrina::analytics {
namespace {

enum class Kind {
  kZero,        // ноль, zero, oh: always a group of its own
  kUnit,        // 1..9
  kTeen,        // 10..19
  kTens,        // 20..90
  kHundreds,    // сто, двести ... девятьсот (a Russian word with its value)
  kHundredMul,  // English "hundred": multiplies what precedes it
  kMult,        // тысяча/thousand, миллион/million, миллиард/billion
  kA,           // English "a" (only before hundred/thousand/million)
  kAnd,         // English "and" inside a number ("two hundred and fifty")
  kRepeat,      // double, triple (+ a digit)
  kHalf,        // полтора/полторы/полутора (+ тысячи/миллиона)
  kPlus,        // плюс, plus (before a phone number)
};

struct Word {
  Kind kind;
  std::uint64_t value;
  bool weak;  // alone, more often not a number ("one", "oh", «семью»)
};

using Lexicon = std::unordered_map<std::string_view, Word>;

// Folded forms (lower case, ё → е), as search::Tokenize with kNoStem produces them.
const Lexicon& Words() {
  static const Lexicon* const lexicon = [] {
    auto* m = new Lexicon;
    auto add = [m](std::initializer_list<std::string_view> forms, Kind kind, std::uint64_t value,
                   bool weak = false) {
      for (std::string_view f : forms) m->emplace(f, Word{kind, value, weak});
    };
    add({"ноль", "нуль", "ноля", "нуля", "нолю", "нулю", "нолем", "нулем", "zero", "nought"},
        Kind::kZero, 0);
    add({"oh"}, Kind::kZero, 0, true);
    add({"один", "одна", "одно", "одного", "одной", "одному", "одним", "одною", "одну", "одном"},
        Kind::kUnit, 1);
    add({"one"}, Kind::kUnit, 1, true);
    add({"два", "две", "двух", "двум", "двумя", "two"}, Kind::kUnit, 2);
    add({"три", "трех", "трем", "тремя", "three"}, Kind::kUnit, 3);
    add({"четыре", "четырех", "четырем", "четырьмя", "four"}, Kind::kUnit, 4);
    add({"пять", "пяти", "пятью", "five"}, Kind::kUnit, 5);
    add({"шесть", "шести", "шестью", "six"}, Kind::kUnit, 6);
    add({"семь", "семи", "seven"}, Kind::kUnit, 7);
    add({"семью"}, Kind::kUnit, 7, true);  // also "(with the) family"
    add({"восемь", "восьми", "восемью", "восьмью", "eight"}, Kind::kUnit, 8);
    add({"девять", "девяти", "девятью", "nine"}, Kind::kUnit, 9);
    add({"десять", "десяти", "десятью", "ten"}, Kind::kTeen, 10);
    add({"одиннадцать", "одиннадцати", "одиннадцатью", "eleven"}, Kind::kTeen, 11);
    add({"двенадцать", "двенадцати", "двенадцатью", "twelve"}, Kind::kTeen, 12);
    add({"тринадцать", "тринадцати", "тринадцатью", "thirteen"}, Kind::kTeen, 13);
    add({"четырнадцать", "четырнадцати", "четырнадцатью", "fourteen"}, Kind::kTeen, 14);
    add({"пятнадцать", "пятнадцати", "пятнадцатью", "fifteen"}, Kind::kTeen, 15);
    add({"шестнадцать", "шестнадцати", "шестнадцатью", "sixteen"}, Kind::kTeen, 16);
    add({"семнадцать", "семнадцати", "семнадцатью", "seventeen"}, Kind::kTeen, 17);
    add({"восемнадцать", "восемнадцати", "восемнадцатью", "eighteen"}, Kind::kTeen, 18);
    add({"девятнадцать", "девятнадцати", "девятнадцатью", "nineteen"}, Kind::kTeen, 19);
    add({"двадцать", "двадцати", "двадцатью", "twenty"}, Kind::kTens, 20);
    add({"тридцать", "тридцати", "тридцатью", "thirty"}, Kind::kTens, 30);
    add({"сорок", "сорока", "forty", "fourty"}, Kind::kTens, 40);
    add({"пятьдесят", "пятидесяти", "пятьюдесятью", "fifty"}, Kind::kTens, 50);
    add({"шестьдесят", "шестидесяти", "шестьюдесятью", "sixty"}, Kind::kTens, 60);
    add({"семьдесят", "семидесяти", "семьюдесятью", "seventy"}, Kind::kTens, 70);
    add({"восемьдесят", "восьмидесяти", "восемьюдесятью", "eighty"}, Kind::kTens, 80);
    add({"девяносто", "девяноста", "ninety"}, Kind::kTens, 90);
    add({"сто", "ста"}, Kind::kHundreds, 100);
    add({"двести", "двухсот", "двумстам", "двумястами", "двухстах"}, Kind::kHundreds, 200);
    add({"триста", "трехсот", "тремстам", "тремястами", "трехстах"}, Kind::kHundreds, 300);
    add({"четыреста", "четырехсот", "четыремстам", "четырьмястами", "четырехстах"}, Kind::kHundreds,
        400);
    add({"пятьсот", "пятисот", "пятистам", "пятьюстами", "пятистах"}, Kind::kHundreds, 500);
    add({"шестьсот", "шестисот", "шестистам", "шестьюстами", "шестистах"}, Kind::kHundreds, 600);
    add({"семьсот", "семисот", "семистам", "семьюстами", "семистах"}, Kind::kHundreds, 700);
    add({"восемьсот", "восьмисот", "восьмистам", "восемьюстами", "восьмьюстами", "восьмистах"},
        Kind::kHundreds, 800);
    add({"девятьсот", "девятисот", "девятистам", "девятьюстами", "девятистах"}, Kind::kHundreds,
        900);
    add({"hundred"}, Kind::kHundredMul, 100);
    add({"тысяча", "тысячи", "тысяч", "тысяче", "тысячу", "тысячей", "тысячею", "тысячам",
         "тысячами", "тысячах", "тыща", "тыщи", "тыщ", "тыщу", "тыще", "тыщей", "thousand"},
        Kind::kMult, 1'000);
    add({"миллион", "миллиона", "миллионов", "миллиону", "миллионом", "миллионе", "миллионам",
         "миллионами", "миллионах", "million"},
        Kind::kMult, 1'000'000);
    add({"миллиард", "миллиарда", "миллиардов", "миллиарду", "миллиардом", "миллиарде", "billion"},
        Kind::kMult, 1'000'000'000);
    add({"a"}, Kind::kA, 1);
    add({"and"}, Kind::kAnd, 0);
    add({"double"}, Kind::kRepeat, 2);
    add({"triple"}, Kind::kRepeat, 3);
    add({"полтора", "полторы", "полутора"}, Kind::kHalf, 0);
    add({"плюс", "plus"}, Kind::kPlus, 0);
    return m;
  }();
  return *lexicon;
}

struct Token {
  std::size_t begin;
  std::size_t end;
  bool digits;       // ASCII digits only
  const Word* word;  // a number word, or null
  std::string text;  // typed digits (only when `digits`)
};

std::vector<Token> Tokens(std::string_view text) {
  std::vector<Token> out;
  const Lexicon& lexicon = Words();
  search::Tokenize(text, search::kNoStem, [&](std::string_view tok, std::size_t b, std::size_t e) {
    bool digits = !tok.empty();
    for (char c : tok) digits = digits && c >= '0' && c <= '9';
    const Word* word = nullptr;
    if (!digits) {
      auto it = lexicon.find(tok);
      if (it != lexicon.end()) word = &it->second;
    }
    out.push_back(Token{b, e, digits, word, digits ? std::string(tok) : std::string()});
    return true;
  });
  return out;
}

// Whether what lies between two groups keeps them in one run: spaces (also no-break and thin
// ones), at most three of - ‐ ‑ ‒ – — ( ) , and nothing else; a lone "." only between typed
// digits ("8.916.123.45.67"). Never a line break.
bool JoinableGap(std::string_view text, std::size_t from, std::size_t to, bool both_typed) {
  const std::string_view gap = text.substr(from, to - from);
  if (gap == ".") return both_typed;
  int punctuation = 0;
  for (std::size_t i = 0; i < gap.size();) {
    switch (search::NextCodePoint(gap, &i)) {
      case ' ':
      case '\t':
      case 0xA0:
      case 0x2007:
      case 0x2009:
      case 0x202F:
        break;
      case '-':
      case 0x2010:
      case 0x2011:
      case 0x2012:
      case 0x2013:
      case 0x2014:
      case '(':
      case ')':
      case ',':
        if (++punctuation > 3) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// A cardinal said in words, growing one word at a time while the words still make one number.
struct Cardinal {
  std::uint64_t total = 0;      // thousands, millions ... already multiplied out
  std::uint64_t current = 0;    // the part below the last multiplier
  std::uint64_t last_mult = 0;  // the last multiplier consumed (they must decrease)
  bool hundreds = false, tens = false, units = false, teen = false;
  bool any = false;

  bool SmallEmpty() const { return current == 0 && !hundreds && !tens && !units && !teen; }

  // Takes `w` if the number can continue with it ("сорок" + "пять"), else false and unchanged
  // ("пять" + "девятьсот": a new number starts, as when a phone number is said in groups).
  bool Accept(const Word& w) {
    switch (w.kind) {
      case Kind::kUnit:
        if (units || teen) return false;
        current += w.value;
        units = true;
        break;
      case Kind::kTeen:
      case Kind::kTens:
        if (tens || units || teen) return false;
        current += w.value;
        (w.kind == Kind::kTeen ? teen : tens) = true;
        break;
      case Kind::kHundreds:
        if (!SmallEmpty()) return false;
        current = w.value;
        hundreds = true;
        break;
      case Kind::kHundredMul:  // "hundred", "two hundred", "fifteen hundred"
        if (hundreds) return false;
        if (current == 0) {
          if (any) return false;
          current = 100;
        } else {
          if (current > 99) return false;
          current *= 100;
        }
        hundreds = true;
        tens = units = teen = false;
        break;
      case Kind::kMult:
        if (last_mult != 0 && w.value >= last_mult) return false;
        if (current == 0) {
          if (any) return false;
          current = 1;  // "тысяча", "thousand"
        }
        total += current * w.value;
        current = 0;
        last_mult = w.value;
        hundreds = tens = units = teen = false;
        break;
      default:
        return false;
    }
    any = true;
    return true;
  }

  std::uint64_t Value() const { return total + current; }
};

class RunBuilder {
 public:
  RunBuilder(std::string_view text, std::vector<NumberRun>* out) : text_(text), out_(out) {}

  void Run() {
    const std::vector<Token> toks = Tokens(text_);
    const std::size_t n = toks.size();
    // The next token's word if it follows token k closely enough to belong to the same number.
    auto next_word = [&](std::size_t k) -> const Word* {
      if (k + 1 < n && toks[k + 1].word &&
          JoinableGap(text_, toks[k].end, toks[k + 1].begin, false)) {
        return toks[k + 1].word;
      }
      return nullptr;
    };
    std::size_t i = 0;
    while (i < n) {
      const Token& t = toks[i];
      if (open_run_ && !JoinableGap(text_, last_end_, t.begin, last_typed_ && t.digits)) CloseRun();
      const bool plus_before = plus_token_ != kNone && plus_token_ + 1 == i &&
                               JoinableGap(text_, toks[plus_token_].end, t.begin, false);
      plus_token_ = kNone;
      if (t.digits) {
        CloseGroup();
        StartRun(plus_before ? toks[i - 1].begin : kNone);
        group_ = NumberGroup{t.begin, t.end, t.text, false};
        group_open_ = true;
        typed_group_ = true;
        Consumed(t, true);
        ++i;
        continue;
      }
      if (!t.word) {
        CloseRun();
        ++i;
        continue;
      }
      const Word& w = *t.word;
      const std::size_t plus_begin = plus_before ? toks[i - 1].begin : kNone;
      switch (w.kind) {
        case Kind::kPlus:
          CloseRun();
          plus_token_ = i;
          ++i;
          continue;
        case Kind::kZero:
          CloseGroup();
          StartRun(plus_begin);
          StartGroup(t, w);
          group_.digits = "0";
          zero_group_ = true;
          Consumed(t, false);
          CloseGroup();
          ++i;
          continue;
        case Kind::kRepeat: {
          const Word* d = next_word(i);
          if (!d || (d->kind != Kind::kUnit && d->kind != Kind::kZero)) break;
          CloseGroup();
          StartRun(plus_begin);
          StartGroup(t, w);
          group_.end = toks[i + 1].end;
          group_.digits.assign(w.value, static_cast<char>('0' + d->value));
          zero_group_ = true;  // complete: nothing continues it
          group_words_ = 2;
          Consumed(toks[i + 1], false);
          CloseGroup();
          i += 2;
          continue;
        }
        case Kind::kA: {
          const Word* d = next_word(i);
          if (!d || (d->kind != Kind::kHundredMul && d->kind != Kind::kMult)) break;
          CloseGroup();
          StartRun(plus_begin);
          StartGroup(t, w);
          cardinal_.current = 1;
          cardinal_.units = cardinal_.any = true;
          Consumed(t, false);
          ++i;
          continue;
        }
        case Kind::kAnd: {
          const Word* d = next_word(i);
          Cardinal probe = cardinal_;
          if (group_open_ && !typed_group_ && !zero_group_ && d &&
              (cardinal_.hundreds || cardinal_.last_mult != 0) &&
              (d->kind == Kind::kUnit || d->kind == Kind::kTeen || d->kind == Kind::kTens) &&
              probe.Accept(*d)) {
            Consumed(t, false);  // the group goes on with the next word
            ++i;
            continue;
          }
          break;
        }
        case Kind::kHalf: {
          const Word* d = next_word(i);
          if (!d || d->kind != Kind::kMult) break;
          CloseGroup();
          StartRun(plus_begin);
          StartGroup(t, w);
          cardinal_.total = d->value * 3 / 2;
          cardinal_.last_mult = d->value;
          cardinal_.any = true;
          group_.end = toks[i + 1].end;
          group_words_ = 2;
          Consumed(toks[i + 1], false);
          i += 2;
          continue;
        }
        default:
          if (group_open_ && !typed_group_ && !zero_group_ && cardinal_.Accept(w)) {
            group_.end = t.end;
            ++group_words_;
          } else {
            CloseGroup();
            StartRun(plus_begin);
            StartGroup(t, w);
            cardinal_.Accept(w);  // a fresh cardinal takes any of these kinds
          }
          Consumed(t, false);
          ++i;
          continue;
      }
      // A word that could not start or continue a number here ("and", "a", "double" alone).
      CloseRun();
      ++i;
    }
    CloseRun();
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  void StartRun(std::size_t plus_begin) {
    if (open_run_) return;
    open_run_ = true;
    run_ = NumberRun{};
    all_weak_ = true;
    if (plus_begin != kNone) {
      run_.plus = true;
      run_.prefix_begin = plus_begin;
    } else {
      run_.prefix_begin = kNone;
    }
  }

  void StartGroup(const Token& t, const Word& w) {
    group_ = NumberGroup{t.begin, t.end, {}, true};
    group_open_ = true;
    typed_group_ = false;
    zero_group_ = false;
    cardinal_ = Cardinal{};
    group_words_ = 1;
    first_weak_ = w.weak;
  }

  void Consumed(const Token& t, bool typed) {
    last_end_ = t.end;
    last_typed_ = typed;
  }

  void CloseGroup() {
    if (!group_open_) return;
    group_open_ = false;
    if (!typed_group_ && !zero_group_) group_.digits = std::to_string(cardinal_.Value());
    if (typed_group_ || !(group_words_ == 1 && first_weak_)) all_weak_ = false;
    run_.groups.push_back(std::move(group_));
  }

  void CloseRun() {
    CloseGroup();
    if (!open_run_) return;
    open_run_ = false;
    if (run_.groups.empty() || all_weak_) return;
    run_.begin = run_.groups.front().begin;
    run_.end = run_.groups.back().end;
    for (const NumberGroup& g : run_.groups) run_.digits += g.digits;
    if (run_.prefix_begin == kNone) {
      std::size_t p = run_.begin;
      if (p > 0 && text_[p - 1] == '(') --p;
      if (p > 0 && text_[p - 1] == '+') {
        --p;
        run_.plus = true;
      }
      run_.prefix_begin = p;
    }
    out_->push_back(std::move(run_));
  }

  std::string_view text_;
  std::vector<NumberRun>* out_;
  NumberRun run_;
  bool open_run_ = false;
  bool all_weak_ = true;
  NumberGroup group_;
  bool group_open_ = false;
  bool typed_group_ = false;
  bool zero_group_ = false;  // a closed spoken group (zero, double/triple)
  int group_words_ = 0;
  bool first_weak_ = false;
  Cardinal cardinal_;
  std::size_t last_end_ = 0;
  bool last_typed_ = false;
  std::size_t plus_token_ = kNone;
};

}  // namespace

bool NumberRun::Spoken() const {
  for (const NumberGroup& g : groups) {
    if (g.spoken) return true;
  }
  return false;
}

std::vector<NumberRun> FindNumberRuns(std::string_view text) {
  std::vector<NumberRun> runs;
  RunBuilder(text, &runs).Run();
  return runs;
}

std::vector<NumberRun> FindSpokenNumbers(std::string_view text) {
  std::vector<NumberRun> runs = FindNumberRuns(text);
  std::erase_if(runs, [](const NumberRun& r) { return !r.Spoken(); });
  return runs;
}

std::string SpokenNumbersToDigits(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const NumberRun& r : FindSpokenNumbers(text)) {
    out.append(text.substr(at, r.begin - at));
    out.append(r.digits);
    at = r.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace vitrina::analytics
