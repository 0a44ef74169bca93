// Phrase rules (src/analytics/rules.h) on one core: segments per second through
// RuleMatcher::Match with the default rule set plus generated rules over a classifieds
// vocabulary with a long tail (1,000 rules in all; also the 62 defaults alone and 10,000 to show that the cost follows the
// transcript, not the rule count), on segments of 10–25 words, Russian and English, about one
// in six carrying a scam phrase. Baselines: the tokenizer with stemming alone, and FindPii alone
// (the matcher runs both once per segment). Results: docs/PERFORMANCE.md "Phrase rules".
//
//   vitrina_bench --benchmark_filter=Rules

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/default_rules.h"
#include "analytics/masking.h"
#include "analytics/rules.h"
#include "search/text.h"

namespace {

using namespace vitrina;

struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }
};

// Word forms as a recogniser writes them (inflected, lower case).
const char* const kRu[] = {
    "здравствуйте", "да", "нет", "вы", "я", "мы", "это", "вот", "так", "ну", "а", "и", "но", "на",
    "в", "с", "по", "за", "до", "от", "не", "уже", "еще", "можно", "нужно", "сейчас", "завтра",
    "сегодня", "вечером", "машина", "машину", "диван", "телефон", "телефона", "квартира",
    "квартиру", "велосипед", "коляска", "куртка", "размер", "цвет", "цена", "цену", "скидка",
    "скидку", "торг", "доставка", "доставку", "доставкой", "встреча", "встрече", "встретимся",
    "посмотреть", "покажите", "покажу", "смотрите", "видите", "слышите", "камера", "связь",
    "фото", "фотографии", "документы", "пробег", "двигатель", "коробка", "царапина", "состояние",
    "хорошее", "отличное", "новый", "новая", "старый", "рублей", "тысяч", "тысячи", "двести",
    "пятьдесят", "сто", "три", "пять", "десять", "деньги", "денег", "оплата", "оплату",
    "наличными", "переводом", "карта", "карту", "картой", "банк", "сбер", "авито", "объявление",
    "объявлении", "чат", "чате", "сообщение", "адрес", "метро", "подъезд", "этаж", "ключи",
    "договор", "владелец", "гарантия", "чек", "коробке", "зарядка", "батарея", "экран", "чехол",
    "подарок", "спасибо", "пожалуйста", "хорошо", "ладно", "договорились", "отлично", "понятно",
    "конечно", "наверное", "думаю", "подумаю", "решу", "позвоню", "напишу", "приеду", "заберу",
    "отправлю", "отправите", "получите", "работа", "график", "смена", "зарплата", "курьер",
    "собака", "котенок", "щенок", "прививки", "корм", "ребенок", "школа", "парк", "район"};
const char* const kEn[] = {
    "hi", "hello", "yes", "no", "you", "i", "we", "it", "this", "that", "the", "a", "and", "but",
    "so", "to", "on", "in", "at", "for", "with", "not", "already", "can", "could", "need", "now",
    "tomorrow", "today", "tonight", "car", "sofa", "phone", "flat", "apartment", "bike",
    "stroller", "jacket", "size", "color", "price", "discount", "deal", "delivery", "shipping",
    "pickup", "meet", "meeting", "see", "show", "look", "camera", "signal", "photos", "pictures",
    "papers", "miles", "engine", "gearbox", "scratch", "condition", "good", "great", "new", "old",
    "dollars", "hundred", "thousand", "fifty", "two", "three", "five", "ten", "money", "cash",
    "payment", "pay", "card", "bank", "app", "listing", "chat", "message", "address", "station",
    "floor", "keys", "contract", "owner", "warranty", "receipt", "box", "charger", "battery",
    "screen", "case", "gift", "thanks", "please", "okay", "fine", "sure", "maybe", "think",
    "call", "write", "come", "pick", "send", "get", "job", "shift", "schedule", "salary",
    "courier", "dog", "kitten", "puppy", "vaccines", "food", "kid", "school", "park",
    "neighbourhood", "really", "very", "just", "still", "again", "here", "there", "when",
    "where", "how", "what", "why", "works", "working", "broken", "fixed", "clean", "used"};

// Scam phrases mixed into some segments, so that rules actually hit.
const char* const kScam[] = {
    "внесите предоплату на карту",       "напишите мне в ватсап",
    "продиктуйте код из смс",            "перейдите по ссылке и получите деньги",
    "я уже оплатил вот скриншот перевода", "быстрее решайте другие покупатели ждут",
    "send the deposit to my zelle",      "text me on whatsapp",
    "tell me the code from the text",    "open the link and confirm the payment",
    "check your email i already paid",   "decide right now or i sell to someone else"};

// A long tail of rarer words (1,500 per language, made of syllables, so Snowball still has
// endings to strip): the topic words of listings and of admins' rules. A segment carries a few.
const std::vector<std::string>& Tail(bool ru) {
  static const auto make = [](bool cyrillic) {
    static const char* const kRuSyl[] = {"ка", "ро", "ми", "ден", "тар", "по", "лу", "вис", "не",
                                         "жа", "сто", "гра", "бе", "ль", "мо", "зу", "ки", "рат"};
    static const char* const kRuEnd[] = {"а", "у", "ой", "ы", "ом", "ами", "ость", "ный", "ить"};
    static const char* const kEnSyl[] = {"ka", "ro", "mi", "den", "tar", "po", "lu", "vis", "ne",
                                         "ja", "sto", "gra", "be", "l", "mo", "zu", "ki", "rat"};
    static const char* const kEnEnd[] = {"", "s", "ing", "ed", "er", "ly", "ness", "ion", "able"};
    std::vector<std::string> out;
    Rng rng{cyrillic ? 11u : 13u};
    while (out.size() < 1500) {
      std::string w;
      const std::size_t syllables = 2 + rng.Below(2);
      for (std::size_t k = 0; k < syllables; ++k) w += cyrillic ? kRuSyl[rng.Below(18)] : kEnSyl[rng.Below(18)];
      w += cyrillic ? kRuEnd[rng.Below(9)] : kEnEnd[rng.Below(9)];
      out.push_back(std::move(w));
    }
    return out;
  };
  static const std::vector<std::string> ru_tail = make(true), en_tail = make(false);
  return ru ? ru_tail : en_tail;
}

// n words: mostly common ones, about one in five from the tail.
template <std::size_t N>
std::string Words(Rng& rng, const char* const (&vocab)[N], bool ru, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s.push_back(' ');
    if (rng.Below(5) == 0) {
      s += Tail(ru)[rng.Below(Tail(ru).size())];
    } else {
      s += vocab[rng.Below(N)];
    }
  }
  return s;
}

// Realistic generated rules: the shapes admins write (two words, a phrase, proximity, a group
// with an exclusion, a prefix), each with at least one topic word and common words beside it.
std::vector<analytics::Rule> Rules(std::size_t total) {
  std::vector<analytics::Rule> rules = analytics::DefaultRules();
  Rng rng{42};
  std::int64_t id = 100'000;
  while (rules.size() < total) {
    const bool ru = rng.Below(2) == 0;
    auto w = [&] { return std::string(ru ? kRu[rng.Below(std::size(kRu))] : kEn[rng.Below(std::size(kEn))]); };
    auto t = [&] { return Tail(ru)[rng.Below(Tail(ru).size())]; };
    std::string e;
    switch (rng.Below(6)) {
      case 0: e = t() + " " + w(); break;
      case 1: e = "\"" + w() + " " + t() + "\""; break;
      case 2: e = t() + " NEAR/3 " + w(); break;
      case 3: e = "(" + t() + " OR " + t() + ") " + w() + " -" + w(); break;
      case 4: {
        const std::string p = t();  // its first five letters (Cyrillic: two bytes each)
        e = w() + " " + p.substr(0, ru ? 10 : 5) + "*";
        break;
      }
      default: e = "\"" + w() + " " + t() + "\" NEAR/5 (" + w() + " OR " + t() + ")"; break;
    }
    analytics::Rule r;
    r.id = id++;
    r.category = std::string(analytics::kRuleCategories[rng.Below(analytics::kRuleCategories.size())]);
    r.language = ru ? "ru" : "en";
    r.expression = e;
    rules.push_back(std::move(r));
  }
  return rules;
}

struct Segment {
  std::string text;
  std::string language;
};

const std::vector<Segment>& Segments() {
  static const std::vector<Segment> segments = [] {
    std::vector<Segment> out;
    Rng rng{7};
    for (int i = 0; i < 20'000; ++i) {
      const bool ru = rng.Below(10) < 6;
      const std::size_t n = 10 + rng.Below(16);
      std::string text = ru ? Words(rng, kRu, true, n) : Words(rng, kEn, false, n);
      if (rng.Below(6) == 0) {
        const std::size_t k = rng.Below(std::size(kScam) / 2) + (ru ? 0 : std::size(kScam) / 2);
        text += " ";
        text += kScam[k];
      }
      out.push_back({std::move(text), ru ? "ru" : "en"});
    }
    return out;
  }();
  return segments;
}

void BM_RulesMatch(benchmark::State& state) {
  auto built = analytics::RuleMatcher::Build(Rules(static_cast<std::size_t>(state.range(0))));
  if (!built) {
    state.SkipWithError(built.error().message.c_str());
    return;
  }
  const auto& segments = Segments();
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const Segment& s = segments[i++ % segments.size()];
    auto h = built->Match(s.text, s.language,
                          (i & 1) ? analytics::Role::kBuyer : analytics::Role::kSeller);
    hits += h.size();
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(built->size());
  state.counters["hits_per_segment"] =
      static_cast<double>(hits) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["segments_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// What every Match pays regardless of rules: one tokenizer pass with stemming...
void BM_RulesBaselineTokenize(benchmark::State& state) {
  const auto& segments = Segments();
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t n = 0;
    search::Tokenize(segments[i++ % segments.size()].text, search::kTokenizeDefault,
                     [&](std::string_view, std::size_t, std::size_t) { return ++n, true; });
    benchmark::DoNotOptimize(n);
  }
  state.counters["segments_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// ...and one FindPii pass (placeholders).
void BM_RulesBaselineFindPii(benchmark::State& state) {
  const auto& segments = Segments();
  std::size_t i = 0;
  for (auto _ : state) {
    auto p = analytics::FindPii(segments[i++ % segments.size()].text);
    benchmark::DoNotOptimize(p);
  }
  state.counters["segments_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RulesMatch)->Arg(62)->Arg(1000)->Arg(10'000);
BENCHMARK(BM_RulesBaselineTokenize);
BENCHMARK(BM_RulesBaselineFindPii);

}  // namespace
