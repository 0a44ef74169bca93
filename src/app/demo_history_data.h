#pragma once
// The tables and helpers the demo history generator (demo_history.h) draws from: its own
// random numbers, the people, the things they sell and what they say on calls. Private to
// src/app/demo_history*.cc; the values here fix the generated data, change none lightly.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/records.h"

namespace vitrina::app::demo_history {

using base::Result;
using base::TimeMs;
using store::Id;

inline constexpr TimeMs kSecond = 1000;
inline constexpr TimeMs kMinute = 60 * kSecond;
inline constexpr TimeMs kHour = 60 * kMinute;
inline constexpr TimeMs kDay = 24 * kHour;
inline constexpr int kHistoryDays = 30;
inline constexpr int kBacklogDays = 14;  // complaints of these last days get no sitting: the queue's backlog
inline constexpr std::uint64_t kSeed = 0x7669'7472'696e'6131;  // fixed: the same history every time

// ---------------------------------------------------------------- randomness

// A fixed-seed std::mt19937_64 (its output is fixed by the standard) with our own
// distributions: the standard library's differ between implementations, the history must not.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t Next() { return engine_(); }
  double Real() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Real(double lo, double hi) { return lo + (hi - lo) * Real(); }
  std::int64_t Int(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Real() < p; }
  double Normal() {  // Box–Muller
    const double u = std::max(Real(), 1e-12);
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * Real());
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Int(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1], v[static_cast<std::size_t>(Int(0, static_cast<std::int64_t>(i) - 1))]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------- who

enum class Kind { kStar, kHonest, kDishonest, kBuyer, kRudeBuyer };

struct PersonSpec {
  const char* name;
  const char* lang;  // ru | en: the language they speak on calls
  Kind kind;
  bool verified;
  int listings;  // sellers: how many listings
};

// Sellers first (0..15), then buyers. Person 0 (the marker user) is the honest, verified seller
// who earns the reliable-seller badge; 1..4 ask for prepayments and move talks off the platform.
inline constexpr PersonSpec kPeople[] = {
    {"Андрей Соколов", "ru", Kind::kStar, true, 6},
    {"Виктор Ершов", "ru", Kind::kDishonest, false, 4},
    {"Олег Кравец", "ru", Kind::kDishonest, false, 4},
    {"Jason Miller", "en", Kind::kDishonest, false, 4},
    {"Денис Орлов", "ru", Kind::kDishonest, false, 4},
    {"Елена Павлова", "ru", Kind::kHonest, true, 4},
    {"Emily Clarke", "en", Kind::kHonest, true, 4},
    {"Игорь Лебедев", "ru", Kind::kHonest, false, 3},
    {"Светлана Морозова", "ru", Kind::kHonest, false, 4},
    {"Daniel Hughes", "en", Kind::kHonest, true, 3},
    {"Наталья Волкова", "ru", Kind::kHonest, false, 4},
    {"Сергей Никитин", "ru", Kind::kHonest, false, 3},
    {"Sophie Bennett", "en", Kind::kHonest, false, 4},
    {"Ольга Кузнецова", "ru", Kind::kHonest, false, 3},
    {"Михаил Зайцев", "ru", Kind::kHonest, false, 3},
    {"Oliver Grant", "en", Kind::kHonest, false, 3},
    {"Алексей Смирнов", "ru", Kind::kBuyer, false, 0},
    {"Мария Иванова", "ru", Kind::kBuyer, true, 0},
    {"Дмитрий Попов", "ru", Kind::kBuyer, false, 0},
    {"Анна Васильева", "ru", Kind::kBuyer, false, 0},
    {"Иван Петров", "ru", Kind::kBuyer, false, 0},
    {"Екатерина Новикова", "ru", Kind::kBuyer, false, 0},
    {"Павел Фёдоров", "ru", Kind::kRudeBuyer, false, 0},
    {"Татьяна Михайлова", "ru", Kind::kBuyer, false, 0},
    {"Артём Козлов", "ru", Kind::kBuyer, false, 0},
    {"Юлия Степанова", "ru", Kind::kBuyer, false, 0},
    {"Никита Романов", "ru", Kind::kRudeBuyer, false, 0},
    {"Ксения Белова", "ru", Kind::kBuyer, false, 0},
    {"Кирилл Медведев", "ru", Kind::kBuyer, false, 0},
    {"Дарья Егорова", "ru", Kind::kBuyer, false, 0},
    {"Роман Андреев", "ru", Kind::kBuyer, false, 0},
    {"Полина Макарова", "ru", Kind::kBuyer, false, 0},
    {"Laura Wilson", "en", Kind::kBuyer, false, 0},
    {"Tom Harris", "en", Kind::kBuyer, false, 0},
    {"Chloe Evans", "en", Kind::kBuyer, false, 0},
    {"Ryan Cooper", "en", Kind::kRudeBuyer, false, 0},
    {"Megan Price", "en", Kind::kBuyer, false, 0},
    {"Lucas Reed", "en", Kind::kBuyer, false, 0},
    {"Hannah Scott", "en", Kind::kBuyer, false, 0},
    {"Adam Brooks", "en", Kind::kBuyer, false, 0},
};
inline constexpr std::size_t kSellers = 16;

// ---------------------------------------------------------------- what

struct Item {
  const char* vertical;
  const char* title_ru;
  const char* title_en;
  const char* desc_ru;
  const char* desc_en;
  const char* noun_ru;  // how people name it on a call
  const char* noun_en;
  std::int64_t price;  // RUB
};

inline constexpr Item kItems[] = {
    {"goods", "Велосипед Merida Big Nine 300, рама L", "Merida Big Nine 300 bike, L frame",
     "2021 год, обслужен весной, новые покрышки.", "2021, serviced in spring, new tyres.",
     "велосипед", "bike", 42000},
    {"goods", "iPhone 13, 128 ГБ, синий", "iPhone 13, 128 GB, blue",
     "Аккумулятор 88 %, без ремонтов, коробка и чек.", "Battery at 88 %, never repaired, with box.",
     "телефон", "phone", 46000},
    {"goods", "Диван угловой, серый велюр", "Corner sofa, grey velour",
     "Раскладывается, без пятен, самовывоз.", "Folds out, no stains, pick-up only.", "диван",
     "sofa", 18000},
    {"goods", "Коляска Cybex Balios S 2 в 1", "Cybex Balios S 2-in-1 pram",
     "После одного ребёнка, полный комплект.", "Used for one child, complete set.", "коляска",
     "pram", 29000},
    {"goods", "Ноутбук Lenovo ThinkPad T14, 16 ГБ", "Lenovo ThinkPad T14 laptop, 16 GB",
     "Ryzen 5, SSD 512 ГБ, родное зарядное.", "Ryzen 5, 512 GB SSD, original charger.", "ноутбук",
     "laptop", 52000},
    {"goods", "PlayStation 5 с дисководом", "PlayStation 5 with disc drive",
     "Два геймпада, гарантия до осени.", "Two controllers, warranty until autumn.", "приставка",
     "console", 48000},
    {"goods", "Стиральная машина Bosch, 7 кг", "Bosch washing machine, 7 kg",
     "Работает тихо, причина продажи — переезд.", "Runs quietly, selling because of a move.",
     "стиральная машина", "washing machine", 15000},
    {"goods", "Гитара Yamaha F310", "Yamaha F310 acoustic guitar",
     "Новые струны, чехол в подарок.", "New strings, gig bag included.", "гитара", "guitar", 9000},
    {"goods", "Фотоаппарат Sony a6400 с объективом", "Sony a6400 camera with kit lens",
     "Пробег затвора 12 тысяч.", "12k shutter count.", "фотоаппарат", "camera", 61000},
    {"goods", "Зимняя куртка Columbia, размер M", "Columbia winter jacket, size M",
     "Носил один сезон.", "Worn for one season.", "куртка", "jacket", 7000},
    {"realty", "1-комнатная квартира, 38 м², у метро", "1-bedroom flat, 38 m², near the metro",
     "Долгосрочная аренда, мебель и техника.", "Long-term let, furnished.", "квартира", "flat",
     35000},
    {"realty", "2-комнатная квартира, 54 м², Казань", "2-bedroom flat, 54 m², Kazan",
     "Ремонт, 7 этаж из 9.", "Renovated, 7th floor of 9.", "квартира", "flat", 9500000},
    {"realty", "Студия 26 м² в новостройке", "Studio, 26 m², new building",
     "Сдаётся на длительный срок.", "Long-term let.", "студия", "studio", 28000},
    {"realty", "Дом 120 м² с участком 6 соток", "House, 120 m², with a garden",
     "Газ, вода, баня.", "Gas, water, sauna.", "дом", "house", 7200000},
    {"realty", "Комната 14 м² в двушке", "Room, 14 m², in a shared flat",
     "Одна соседка, всё рядом.", "One flatmate, shops nearby.", "комната", "room", 15000},
    {"realty", "Гараж 18 м², кирпичный", "Brick garage, 18 m²",
     "Свет, смотровая яма.", "Lights and an inspection pit.", "гараж", "garage", 450000},
    {"auto", "Kia Rio 2018, 1.6 AT", "Kia Rio 2018, 1.6 automatic",
     "Один владелец, обслуживание у дилера.", "One owner, dealer-serviced.", "машина", "car",
     1250000},
    {"auto", "Toyota Camry 2016, 2.5", "Toyota Camry 2016, 2.5",
     "Не битая, два комплекта резины.", "Never crashed, two sets of tyres.", "камри", "camry",
     2100000},
    {"auto", "Lada Vesta 2020", "Lada Vesta 2020", "Пробег 48 тысяч, гаражное хранение.",
     "48k km, kept in a garage.", "веста", "vesta", 980000},
    {"auto", "Volkswagen Polo 2017", "Volkswagen Polo 2017",
     "Сервисная книжка, без вложений.", "Service book, nothing to fix.", "поло", "polo", 1050000},
    {"auto", "Hyundai Solaris 2019", "Hyundai Solaris 2019", "Второй владелец, один ключ.",
     "Second owner, one key.", "солярис", "solaris", 1150000},
    {"auto", "Ford Focus 2015, универсал", "Ford Focus 2015 estate",
     "Дизель, экономичный.", "Diesel, economical.", "фокус", "focus", 820000},
    {"jobs", "Курьер на электровелосипеде", "Courier on an e-bike",
     "Гибкий график, выплаты дважды в месяц.", "Flexible hours, paid twice a month.", "курьер",
     "courier job", 70000},
    {"jobs", "Продавец-консультант в магазин электроники", "Sales assistant, electronics store",
     "График 5/2, обучение за счёт компании.", "Five days a week, training provided.",
     "продавец", "sales job", 55000},
    {"jobs", "Кладовщик на склад", "Warehouse worker", "Официальное оформление, обеды.",
     "Permanent contract, meals.", "кладовщик", "warehouse job", 60000},
    {"jobs", "Бариста в кофейню", "Barista", "Сменный график, чаевые.", "Shifts, tips.",
     "бариста", "barista job", 48000},
    {"jobs", "Водитель категории B", "Driver (category B licence)",
     "Развоз по городу на авто компании.", "City deliveries in a company car.", "водитель",
     "driver job", 80000},
    {"jobs", "Оператор колл-центра удалённо", "Remote call-centre operator",
     "Удалённо, нужен компьютер и гарнитура.", "Remote, needs a computer and a headset.",
     "оператор", "operator job", 45000},
};

struct Exchange {
  const char* buyer;
  const char* seller;
};

// What people say, as a recogniser writes it (lower case, no punctuation). {item} is the
// thing's name. None of the honest lines trips a shipped phrase rule
// (src/analytics/default_rules.cc); the demo history test checks it.
const std::map<std::string, std::vector<Exchange>>& Openings();
const std::map<std::string, std::vector<Exchange>>& Middles();
const std::map<std::string, std::vector<Exchange>>& Closings();

struct Scam {
  const char* lang;
  const char* vertical;  // "" any
  const char* text;
  const char* complaint;  // the category a buyer files it under
  const char* quote;      // what the buyer quotes (the words they remember)
};

// Lines the dishonest sellers keep saying; each trips a shipped rule (prepayment,
// off_platform_payment: high severity, an automatic case; contact_exchange, pressure: a tag).
inline constexpr Scam kScams[] = {
    {"ru", "", "только сначала нужна предоплата переведите половину на карту", "prepayment_request",
     "нужна предоплата переведите половину на карту"},
    {"ru", "", "давайте без авито переведите мне напрямую так без комиссии", "fraud",
     "давайте без авито переведите мне напрямую"},
    {"ru", "", "лучше напишите мне в вотсап мой номер восемь девять один шесть три два пять четыре семь ноль один",
     "fraud", "напишите мне в вотсап"},
    {"ru", "goods", "сначала деньги потом отправлю так все делают", "prepayment_request",
     "сначала деньги потом отправлю"},
    {"ru", "auto", "внесите залог пять тысяч и я придержу машину для вас", "prepayment_request",
     "внесите залог пять тысяч"},
    {"ru", "realty", "чтобы забронировать переведите задаток на карту сбербанка", "prepayment_request",
     "переведите задаток на карту сбербанка"},
    {"ru", "jobs", "для оформления нужно оплатить обучение три тысячи рублей", "prepayment_request",
     "нужно оплатить обучение три тысячи рублей"},
    {"en", "", "before we go on i need a deposit sent to my card", "prepayment_request",
     "i need a deposit sent to my card"},
    {"en", "", "pay me first and i ship it tomorrow", "prepayment_request", "pay me first"},
    {"en", "", "text me on whatsapp my number is two zero two five five five zero one four seven", "fraud",
     "text me on whatsapp"},
    {"en", "", "do not pay in the app send it by zelle it is faster", "fraud",
     "do not pay in the app send it by zelle"},
    {"en", "realty", "send the first month rent up front to hold the flat", "prepayment_request",
     "send the first month rent up front"},
    {"en", "jobs", "there is a small training fee before you start", "prepayment_request",
     "a small training fee before you start"},
};

// Said by dishonest sellers now and then, after a scam line (a tag, not a case).
const std::map<std::string, std::vector<const char*>>& Pressure();
// A buyer's answer to a scam line.
const std::map<std::string, std::vector<const char*>>& Doubts();
const std::map<std::string, std::vector<const char*>>& Rudeness();

// Russian or English (by `lang`).
std::string Text(const std::string& lang, std::string ru, std::string en);
// What a buyer writes in a complaint of the category.
std::string ComplaintText(const std::string& category, const std::string& lang);
// `s` with every `what` replaced by `with`.
std::string Replace(std::string s, const std::string& what, const std::string& with);
// The space-separated words of a transcript line.
std::vector<std::string> Words(const std::string& text);
// UTF-8 code points (a word's spoken length).
std::int64_t CodePoints(const std::string& s);

}  // namespace vitrina::app::demo_history
