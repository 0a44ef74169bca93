#include "app/demo_history.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numbers>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "accounts/account_service.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "calls/call_service.h"
#include "listings/listing_service.h"
#include "media/recording_processor.h"
#include "transcripts/transcript_service.h"

namespace vitrina::app {

namespace {

namespace json = boost::json;
using base::Result;
using base::TimeMs;
using store::Id;

constexpr TimeMs kSecond = 1000;
constexpr TimeMs kMinute = 60 * kSecond;
constexpr TimeMs kHour = 60 * kMinute;
constexpr TimeMs kDay = 24 * kHour;
constexpr int kHistoryDays = 30;
constexpr int kBacklogDays = 14;  // complaints of these last days get no sitting: the queue's backlog
constexpr std::uint64_t kSeed = 0x7669'7472'696e'6131;  // fixed: the same history every time

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
constexpr PersonSpec kPeople[] = {
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
constexpr std::size_t kSellers = 16;

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

constexpr Item kItems[] = {
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
const std::map<std::string, std::vector<Exchange>>& Openings() {
  static const std::map<std::string, std::vector<Exchange>> m = {
      {"ru",
       {{"здравствуйте {item} еще продается", "да здравствуйте продается сейчас покажу"},
        {"добрый день хотел посмотреть {item}", "добрый день да конечно смотрите"},
        {"здравствуйте это по объявлению про {item}", "здравствуйте да все верно показываю"}}},
      {"en",
       {{"hi is the {item} still available", "hi yes it is let me show you"},
        {"hello i am calling about the {item}", "hello sure have a look"},
        {"good afternoon can i see the {item}", "good afternoon of course here it is"}}},
      {"ru-jobs",
       {{"здравствуйте я по вакансии {item}", "добрый день да расскажу о работе"},
        {"добрый день вакансия {item} еще открыта", "да открыта давайте познакомимся"}}},
      {"en-jobs",
       {{"hi i am calling about the {item}", "hello yes let me tell you about it"},
        {"hello is the {item} still open", "yes it is nice to meet you"}}},
  };
  return m;
}

const std::map<std::string, std::vector<Exchange>>& Middles() {
  static const std::map<std::string, std::vector<Exchange>> m = {
      {"ru-goods",
       {{"покажите пожалуйста {item} поближе", "вот смотрите со всех сторон"},
        {"есть ли царапины или сколы", "есть небольшая потертость сбоку больше ничего"},
        {"сколько времени пользовались", "около двух лет аккуратно"},
        {"почему продаете", "купил новый а этот просто стоит"},
        {"коробка и документы остались", "да коробка и инструкция есть"},
        {"цена окончательная", "немного уступлю при встрече"},
        {"а можно проверить как работает", "конечно вот включаю все работает"},
        {"где можно забрать", "у метро в центре могу подвезти"}}},
      {"en-goods",
       {{"can you show the {item} closer", "sure here it is from every side"},
        {"any scratches or dents", "a small scuff on the side nothing else"},
        {"how long have you had it", "about two years i took good care of it"},
        {"why are you selling it", "i bought a new one and this one just sits there"},
        {"do you still have the box", "yes the box and the manual"},
        {"is the price final", "i can take a little off when we meet"},
        {"can you show me that it works", "of course turning it on now it works fine"},
        {"where can i pick it up", "near the station in the centre"}}},
      {"ru-realty",
       {{"покажите пожалуйста кухню", "вот кухня ремонт два года назад техника остается"},
        {"какой этаж и есть ли лифт", "седьмой этаж из девяти лифт новый"},
        {"окна куда выходят", "во двор поэтому тихо"},
        {"какие соседи", "спокойные семьи с детьми"},
        {"сколько в месяц коммунальные", "зимой около пяти тысяч летом меньше"},
        {"можно с животными", "с кошкой можно с собакой лучше обсудить"},
        {"покажите ванную", "вот ванная плитка новая трубы меняли"}}},
      {"en-realty",
       {{"can you show me the kitchen", "here is the kitchen renovated two years ago"},
        {"which floor is it and is there a lift", "seventh floor and the lift is new"},
        {"where do the windows face", "onto the courtyard so it is quiet"},
        {"what are the neighbours like", "quiet families with kids"},
        {"how much are the bills", "around five thousand in winter less in summer"},
        {"are pets allowed", "a cat is fine a dog we can discuss"},
        {"can i see the bathroom", "here it is new tiles and new pipes"}}},
      {"ru-auto",
       {{"какой пробег", "около девяноста тысяч все по сервисной книжке"},
        {"сколько владельцев", "я второй владелец"},
        {"покажите кузов есть ли ржавчина", "вот пороги и арки все чисто"},
        {"были ли аварии", "нет не битая можно проверить по базе"},
        {"заведите пожалуйста двигатель", "вот завожу слышите работает ровно"},
        {"резина какая", "зимняя на дисках летняя в комплекте"},
        {"покажите салон", "вот салон не прокуренный сиденья целые"}}},
      {"en-auto",
       {{"what is the mileage", "about ninety thousand all in the service book"},
        {"how many owners", "i am the second owner"},
        {"can you show the body any rust", "here are the sills and arches all clean"},
        {"any accidents", "no accidents you can check the history"},
        {"could you start the engine", "starting it now hear how smooth it runs"},
        {"what about the tyres", "winter tyres on rims and summer ones too"},
        {"can i see the interior", "here it is no smoking and the seats are fine"}}},
      {"ru-jobs",
       {{"расскажите про график", "пять через два с девяти до шести"},
        {"какая зарплата", "оклад плюс премия выплаты два раза в месяц"},
        {"нужен ли опыт", "опыт желателен но всему научим"},
        {"где находится офис", "в центре рядом с метро"},
        {"оформление официальное", "да по трудовому договору с первого дня"},
        {"какие задачи", "прием товара выкладка и работа с покупателями"}}},
      {"en-jobs",
       {{"what are the working hours", "nine to six monday to friday"},
        {"what does it pay", "a base salary plus a bonus paid twice a month"},
        {"do i need experience", "it helps but we teach everything"},
        {"where is the office", "in the centre next to the station"},
        {"is it a proper contract", "yes a full contract from the first day"},
        {"what would i be doing", "receiving goods and helping customers"}}},
  };
  return m;
}

const std::map<std::string, std::vector<Exchange>>& Closings() {
  static const std::map<std::string, std::vector<Exchange>> m = {
      {"ru",
       {{"хорошо спасибо я подумаю и напишу", "хорошо буду ждать до свидания"},
        {"отлично мне подходит давайте договоримся о встрече", "договорились всего доброго"},
        {"спасибо все понятно", "пожалуйста обращайтесь"}}},
      {"en",
       {{"ok thanks i will think about it", "sure have a nice day"},
        {"great that works for me let us arrange a meeting", "deal see you then"},
        {"thanks that is all i needed", "you are welcome bye"}}},
  };
  return m;
}

struct Scam {
  const char* lang;
  const char* vertical;  // "" any
  const char* text;
  const char* complaint;  // the category a buyer files it under
  const char* quote;      // what the buyer quotes (the words they remember)
};

// Lines the dishonest sellers keep saying; each trips a shipped rule (prepayment,
// off_platform_payment: high severity, an automatic case; contact_exchange, pressure: a tag).
constexpr Scam kScams[] = {
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
const std::map<std::string, std::vector<const char*>>& Pressure() {
  static const std::map<std::string, std::vector<const char*>> m = {
      {"ru", {"других покупателей много все ждут решайте быстрее"}},
      {"en", {"other buyers are waiting so decide now"}},
  };
  return m;
}

// A buyer's answer to a scam line.
const std::map<std::string, std::vector<const char*>>& Doubts() {
  static const std::map<std::string, std::vector<const char*>> m = {
      {"ru", {"а можно оплатить при встрече", "мне так не очень удобно", "я подумаю"}},
      {"en", {"can i pay when i see it", "i am not comfortable with that", "let me think"}},
  };
  return m;
}

const std::map<std::string, std::vector<const char*>>& Rudeness() {
  static const std::map<std::string, std::vector<const char*>> m = {
      {"ru",
       {"вы что дурак такую цену ставить", "заткнитесь и покажите нормально", "вы вообще нормальный",
        "идиотская цена за такое старье"}},
      {"en",
       {"are you stupid this price is a joke", "shut up and show me the thing", "what a clown",
        "this is pathetic"}},
  };
  return m;
}

std::string Text(const std::string& lang, std::string ru, std::string en) { return lang == "ru" ? ru : en; }

std::string ComplaintText(const std::string& category, const std::string& lang) {
  if (category == "prepayment_request") {
    return Text(lang, "Продавец требовал предоплату переводом на карту до встречи.",
                "The seller demanded a prepayment to his card before we could meet.");
  }
  if (category == "fraud") {
    return Text(lang, "Продавец уводил оплату мимо сервиса и звал в мессенджер.",
                "The seller tried to take the payment off the platform and into a messenger.");
  }
  if (category == "not_as_described") {
    return Text(lang, "На звонке не показали дефект, который потом обнаружился.",
                "The item has a defect that was not shown on the call.");
  }
  if (category == "rude") {
    return Text(lang, "Продавец разговаривал со мной грубо.", "The seller was rude to me.");
  }
  return Text(lang, "Продавец толком ничего не показал, зря потратил время.",
              "The seller did not really show the item; a waste of time.");
}

std::string Replace(std::string s, const std::string& what, const std::string& with) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
  return s;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto space = text.find(' ', at);
    const auto end = space == std::string::npos ? text.size() : space;
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::int64_t CodePoints(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// ---------------------------------------------------------------- the generator

struct Person {
  PersonSpec spec;
  std::string lang;
  store::User user;
  std::vector<std::size_t> listings;  // indexes into Generator::listings_ (sellers)
  TimeMs blocked_until = 0;           // as sanctions leave it (tracked here to plan calls)
  int sanctions = 0;
};

struct GenListing {
  store::Listing listing;
  const Item* item = nullptr;
  std::size_t seller = 0;
};

// What a buyer can point at in a complaint: the scam line's place in the call.
struct Evidence {
  Id call_id = 0;
  moderation::TimeRange range;
};

struct Line {
  std::string speaker;  // buyer | seller
  std::string text;
  const Scam* scam = nullptr;
  bool loud = false;
};

class Generator {
 public:
  Generator(store::Store& store, TimeMs now, const DemoHistoryOptions& options)
      : store_(store),
        now_(now),
        today_(now / kDay * kDay),
        clock_(now),
        accounts_(store, clock_, CheapHashing()),
        listing_service_(store, clock_),
        calls_(store, clock_, {}, processor_, calls::CallOptions{}, nullptr),
        moderation_(store, clock_, metrics_, calls_, options.moderation),
        rng_(kSeed) {}

  Result<DemoHistoryStats> Run() {
    TRY(CreatePeople());
    TRY(CreateListings());
    TRY(LoadModerators());
    TRY(DemoSeller());
    TRY(GenerateCalls());
    TRY(RunEventsUntil(now_ - kMinute));
    TRY(RecordActiveDays());
    stats_.created = true;
    stats_.days = static_cast<int>(call_days_.size());
    stats_.cases = static_cast<int>(cases_.size());
    return stats_;
  }

 private:
  using Handler = std::function<Result<void>(TimeMs)>;

  // The generated users never sign in (their passwords are random and dropped): hashing them
  // at interactive cost would only make the seed slow.
  static accounts::AuthOptions CheapHashing() {
    accounts::AuthOptions o;
    o.password_hash.opslimit = 1;
    o.password_hash.memlimit_bytes = 8 * 1024;
    return o;
  }

  // ------------------------------------------------------------ users and listings

  Result<void> CreatePeople() {
    std::size_t index = 0;
    for (const auto& spec : kPeople) {
      Person p;
      p.spec = spec;
      p.lang = spec.lang;
      clock_.Set(today_ - rng_.Int(50, 75) * kDay + rng_.Int(8 * kHour, 20 * kHour));
      accounts::Registration r;
      r.email = "demo-history-" + std::to_string(index) + "@demo.test";
      r.password = base::RandomToken(18);
      r.display_name = spec.name;
      r.timezone = p.lang == "ru" ? "Europe/Moscow" : "Europe/London";
      p.user = TRY(accounts_.CreateUser(r, /*upsert=*/false));
      if (spec.verified) {
        // As the marketplace integration sets it (docs/service-level.md): not an admin's act.
        const auto at = clock_.NowMs() + rng_.Int(1, 5) * kDay;
        TRY(store_.Write([&](store::Tx& tx) { return tx.sellers().SetVerified(p.user.id, true, at); }));
        p.user.verified = true;
      }
      people_.push_back(std::move(p));
      ++index;
    }
    stats_.users = static_cast<int>(people_.size());
    return {};
  }

  Result<void> CreateListings() {
    // Sellers stay in a vertical or two; no seller lists the same thing twice.
    const std::map<std::size_t, std::vector<std::string>> verticals = {
        {0, {"goods", "auto"}}, {1, {"realty", "goods"}}, {2, {"auto", "goods"}}, {3, {"goods", "realty"}},
        {4, {"jobs", "goods"}}, {5, {"realty"}},          {6, {"goods"}},         {7, {"auto"}},
        {8, {"goods"}},         {9, {"jobs", "goods"}},   {10, {"realty", "goods"}}, {11, {"auto", "goods"}},
        {12, {"goods"}},        {13, {"jobs"}},           {14, {"goods", "auto"}}, {15, {"realty", "goods"}},
    };
    for (std::size_t s = 0; s < kSellers; ++s) {
      Person& seller = people_[s];
      std::vector<const Item*> choices;
      for (const auto& item : kItems) {
        for (const auto& v : verticals.at(s)) {
          if (v == item.vertical) choices.push_back(&item);
        }
      }
      rng_.Shuffle(choices);
      const auto n = std::min<std::size_t>(static_cast<std::size_t>(seller.spec.listings), choices.size());
      for (std::size_t k = 0; k < n; ++k) {
        const Item& item = *choices[k];
        const bool ru = seller.lang == "ru";
        listings::ListingInput in;
        in.title = ru ? item.title_ru : item.title_en;
        in.description = ru ? item.desc_ru : item.desc_en;
        in.price = item.price / 100 * rng_.Int(90, 110);
        in.vertical = item.vertical;
        // Every seller takes calls on their first listing, most on the others too (calls
        // happen only there).
        in.video_call_ready = k == 0 || seller.spec.kind != Kind::kHonest || rng_.Chance(0.7);
        listings::CallHours hours;
        hours.timezone = seller.user.timezone;
        for (int day = 1; day <= 7; ++day) hours.weekly.push_back({day, 8 * 60, 22 * 60});
        in.call_hours = hours;
        clock_.Set(today_ - rng_.Int(33, 58) * kDay + rng_.Int(8 * kHour, 20 * kHour));
        auto view = TRY(listing_service_.Create(seller.user, in));
        if (seller.spec.kind == Kind::kStar || rng_.Chance(0.25)) {
          // A price cut some days ago keeps the listing fresh.
          clock_.Set(today_ - rng_.Int(6, 20) * kDay + rng_.Int(8 * kHour, 20 * kHour));
          listings::ListingInput cut;
          cut.price = view.listing.price / 100 * 95;
          view = TRY(listing_service_.Update(seller.user, view.listing.id, cut));
        }
        seller.listings.push_back(listings_.size());
        listings_.push_back({view.listing, &item, s});
      }
    }
    stats_.listings = static_cast<int>(listings_.size());
    return {};
  }

  Result<void> LoadModerators() {
    auto [first, second] = TRY(store_.Read([](store::Tx& tx) -> Result<std::pair<std::optional<store::User>,
                                                                                 std::optional<store::User>>> {
      return std::make_pair(TRY(tx.users().FindByEmail("moderator@demo.test")),
                            TRY(tx.users().FindByEmail("moderator2@demo.test")));
    }));
    moderator_ = std::move(first);
    moderator2_ = std::move(second);
    if (!moderator_) base::log::Warn("demo_history_no_moderator", {{"email", "moderator@demo.test"}});
    return {};
  }

  // seller@demo.test (SeedDemo's, who signs in): a good month on three listings of their own
  // (30+ ratings near 5 from generated buyers) but about half the buyers' call proposals
  // declined or left unanswered, so the level is green with answers_calls weak (the page shows
  // its recommendation); not verified, so no badge until an admin verifies them. Drawn from
  // its own generator: the rest of the history is the same with or without it.
  Result<void> DemoSeller() {
    auto user = TRY(store_.Read([](store::Tx& tx) { return tx.users().FindByEmail("seller@demo.test"); }));
    if (!user) return {};
    Rng own(kSeed + 1);
    std::swap(rng_, own);
    auto done = DemoSellerMonth(*user);
    std::swap(rng_, own);
    buyer_proposes_ = 0.85;
    return done;
  }

  Result<void> DemoSellerMonth(const store::User& user) {
    const std::size_t s = people_.size();
    people_.push_back({{"Demo Seller", "en", Kind::kStar, false, 3}, "en", user, {}});
    for (const std::size_t item : {5u, 8u, 16u}) {  // unlike SeedDemo's listings: no duplicates
      listings::ListingInput in;
      in.title = kItems[item].title_en;
      in.description = kItems[item].desc_en;
      in.price = kItems[item].price / 100 * rng_.Int(90, 110);
      in.vertical = kItems[item].vertical;
      in.video_call_ready = true;
      in.call_hours = listings::CallHours{user.timezone, {}};
      for (int day = 1; day <= 7; ++day) in.call_hours->weekly.push_back({day, 8 * 60, 22 * 60});
      clock_.Set(today_ - rng_.Int(33, 58) * kDay + rng_.Int(8 * kHour, 20 * kHour));
      auto view = TRY(listing_service_.Create(user, in));
      clock_.Set(today_ - rng_.Int(6, 20) * kDay + rng_.Int(8 * kHour, 20 * kHour));  // fresh
      listings::ListingInput cut;
      cut.price = view.listing.price / 100 * 95;
      view = TRY(listing_service_.Update(user, view.listing.id, cut));
      people_[s].listings.push_back(listings_.size());
      listings_.push_back({view.listing, &kItems[item], s});
    }
    stats_.listings += 3;
    // Two calls a day before today: 38 accepted (2 buyers did not come), 20 refused.
    std::vector<std::string> outcomes(36, "ended");
    outcomes.insert(outcomes.end(), 2, "no_show_buyer");
    outcomes.insert(outcomes.end(), 11, "declined");
    outcomes.insert(outcomes.end(), 9, "not_answered");
    rng_.Shuffle(outcomes);
    std::vector<TimeMs> times;
    for (int back = kHistoryDays - 1; back >= 1; --back) {
      const TimeMs a = today_ - back * kDay + rng_.Int(7 * kHour, 12 * kHour);
      times.insert(times.end(), {a, a + rng_.Int(30 * kMinute, 5 * kHour)});
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const bool refused = outcomes[i] == "declined" || outcomes[i] == "not_answered";
      buyer_proposes_ = refused ? 0.95 : 0.5;  // (the seller proposes many of the calls that happen)
      const auto listing = rng_.Pick(people_[s].listings);
      TRY(WriteCall(s, PickBuyer("en"), listing, outcomes[i], times[i]));
    }
    return {};
  }

  // ------------------------------------------------------------ calls

  // When calls start: 10–14 on weekdays, 5–8 at weekends, between 07:00 and 17:30 UTC (the
  // sellers' call hours in Moscow and London), on the last kHistoryDays days up to today and
  // at least two hours ago: every call is over, and none is older than the default retention
  // (30 days), which would delete its transcript as soon as the server starts.
  std::vector<TimeMs> CallTimes() {
    std::vector<TimeMs> out;
    for (int back = kHistoryDays - 1; back >= 0; --back) {
      const TimeMs day = today_ - back * kDay;
      const auto weekday = (day / kDay + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
      const auto n = weekday < 5 ? rng_.Int(10, 14) : rng_.Int(5, 8);
      std::vector<TimeMs> times;
      for (std::int64_t i = 0; i < n; ++i) {
        const TimeMs at = day + rng_.Int(7 * kHour, 17 * kHour + 30 * kMinute);
        if (at < now_ - 2 * kHour) times.push_back(at);
      }
      std::sort(times.begin(), times.end());
      out.insert(out.end(), times.begin(), times.end());
    }
    return out;
  }

  bool Blocked(const Person& p, TimeMs at) const { return p.blocked_until > at; }

  bool TakesCalls(std::size_t seller) const {
    for (auto l : people_[seller].listings) {
      if (listings_[l].listing.video_call_ready) return true;
    }
    return false;
  }

  std::size_t PickSeller(std::size_t slot, TimeMs at) {
    // Every sixth call is the star's: about fifty calls, enough for 30+ ratings.
    if (slot % 6 == 0) return 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
      // Dishonest sellers are busy (weight 8 against 5).
      std::vector<std::size_t> pool;
      for (std::size_t s = 1; s < kSellers; ++s) {
        if (!TakesCalls(s)) continue;
        const int weight = people_[s].spec.kind == Kind::kDishonest ? 8 : 5;
        for (int w = 0; w < weight; ++w) pool.push_back(s);
      }
      const auto s = rng_.Pick(pool);
      if (!Blocked(people_[s], at)) return s;  // a blocked seller takes no calls
    }
    return 0;
  }

  std::size_t PickBuyer(const std::string& lang) {
    std::vector<std::size_t> same, any;
    for (std::size_t b = kSellers; b < std::size(kPeople); ++b) {  // (not the demo seller)
      any.push_back(b);
      if (people_[b].lang == lang) same.push_back(b);
    }
    return rng_.Chance(0.9) ? rng_.Pick(same) : rng_.Pick(any);
  }

  std::string PickOutcome(Kind seller) {
    struct Share {
      const char* outcome;
      double p;
    };
    static const std::vector<Share> star = {{"ended", 0.85}, {"no_show_buyer", 0.09}, {"failed", 0.06}};
    static const std::vector<Share> honest = {{"ended", 0.68},         {"no_show_buyer", 0.09},
                                              {"no_show_seller", 0.05}, {"no_show_both", 0.02},
                                              {"not_answered", 0.06},   {"failed", 0.05},
                                              {"declined", 0.05}};
    static const std::vector<Share> dishonest = {{"ended", 0.60},         {"no_show_buyer", 0.07},
                                                 {"no_show_seller", 0.13}, {"no_show_both", 0.03},
                                                 {"not_answered", 0.07},   {"failed", 0.05},
                                                 {"declined", 0.05}};
    const auto& shares = seller == Kind::kStar ? star : seller == Kind::kDishonest ? dishonest : honest;
    double r = rng_.Real();
    for (const auto& s : shares) {
      if (r < s.p) return s.outcome;
      r -= s.p;
    }
    return "ended";
  }

  Result<void> GenerateCalls() {
    const auto times = CallTimes();
    for (std::size_t slot = 0; slot < times.size(); ++slot) {
      const TimeMs at = times[slot];
      TRY(RunEventsUntil(at));
      const auto seller = PickSeller(slot, at);
      std::vector<std::size_t> ready;
      for (auto l : people_[seller].listings) {
        if (listings_[l].listing.video_call_ready) ready.push_back(l);
      }
      const auto listing = rng_.Pick(ready);
      const auto buyer = PickBuyer(people_[seller].lang);
      TRY(WriteCall(seller, buyer, listing, PickOutcome(people_[seller].spec.kind), at));
    }
    return {};
  }

  // The conversation the call is proposed in, with the buyer's question and the seller's
  // answer before it (what answers_messages is computed from).
  Result<Id> Conversation(store::Tx& tx, const Person& seller, const Person& buyer, const GenListing& l,
                          TimeMs call_at) {
    const bool star = seller.spec.kind == Kind::kStar;
    const TimeMs answer_after = star ? rng_.Int(1, 15) * kMinute : rng_.Int(2, 90) * kMinute;
    const TimeMs asked = call_at - answer_after - rng_.Int(5, 120) * kMinute;
    auto [conv, created] = TRY(tx.chat().FindOrCreateConversation(l.listing.id, buyer.user.id, seller.user.id, asked));
    const bool ru = buyer.lang == "ru";
    const bool job = std::string(l.item->vertical) == "jobs";
    std::string question;
    if (!created) {
      question = ru ? "Здравствуйте, можно ещё раз созвониться?" : "Hi, could we have another call?";
    } else if (job) {
      question = ru ? "Здравствуйте! Вакансия ещё открыта?" : "Hi! Is the position still open?";
    } else {
      question = ru ? "Здравствуйте! Ещё актуально?" : "Hi! Is it still available?";
    }
    TRY(tx.chat().InsertMessage(conv.id, buyer.user.id, question, asked));
    const bool seller_ru = seller.lang == "ru";
    TRY(tx.chat().InsertMessage(conv.id, seller.user.id,
                                seller_ru ? "Да, давайте созвонимся по видео." : "Yes, let's have a video call.",
                                asked + answer_after));
    return conv.id;
  }

  Result<void> WriteCall(std::size_t s, std::size_t b, std::size_t l, const std::string& outcome, TimeMs at) {
    Person& seller = people_[s];
    Person& buyer = people_[b];
    const GenListing& listing = listings_[l];
    const calls::CallOptions call_options;  // the service's windows

    store::Call c;
    c.listing_id = listing.listing.id;
    c.buyer_id = buyer.user.id;
    c.seller_id = seller.user.id;
    const bool buyer_proposed = rng_.Chance(buyer_proposes_);
    c.proposed_by = buyer_proposed ? buyer.user.id : seller.user.id;
    // As CallService::Propose and Accept leave a call: now, or scheduled for later.
    const bool scheduled = rng_.Chance(0.3);
    if (scheduled) {
      c.created_at = at - rng_.Int(60, 30 * 60) * kMinute;
      c.scheduled_for = at;
      c.join_opens_at = at - call_options.early_join_ms;
    } else {
      c.created_at = at;
      c.join_opens_at = at;
    }
    c.join_closes_at = at + call_options.no_show_grace_ms;
    const Id answerer = buyer_proposed ? seller.user.id : buyer.user.id;
    if (outcome != "not_answered" && outcome != "declined") {
      c.accepted_at = scheduled ? std::min(c.created_at + rng_.Int(3, 120) * kMinute, at - 6 * kMinute)
                                : at + rng_.Int(15, 180) * kSecond;
      if (!scheduled) c.join_opens_at = *c.accepted_at;
    }

    std::optional<std::vector<Line>> dialogue;
    TimeMs talk_from = 0;  // offset of both being in, on the call's timeline
    TimeMs talk_to = 0;
    if (outcome == "ended") {
      const TimeMs first = scheduled ? at + rng_.Int(-120, 240) * kSecond : *c.accepted_at + rng_.Int(10, 90) * kSecond;
      const bool seller_first = rng_.Chance(0.55);
      auto& p1 = seller_first ? c.seller : c.buyer;
      auto& p2 = seller_first ? c.buyer : c.seller;
      c.started_at = first;
      p1.consent_at = first;
      p1.joined_at = first + rng_.Int(800, 2500);
      p2.consent_at = first + rng_.Int(5, 150) * kSecond;
      p2.joined_at = *p2.consent_at + rng_.Int(800, 2500);
      // 30 s – 25 min, median four minutes, a long tail.
      TimeMs duration = static_cast<TimeMs>(std::exp(std::log(240.0) + 0.85 * rng_.Normal()) * 1000);
      duration = std::clamp<TimeMs>(duration, 30 * kSecond, 25 * kMinute);
      duration = std::max(duration, *p2.joined_at - first + 20 * kSecond);
      TimeMs last_left = first + duration;
      if (rng_.Chance(0.85)) {  // someone hangs up; the other is out at the same moment
        c.ended_at = last_left;
        c.end_reason = "hangup";
        c.ended_by = rng_.Chance(0.5) ? buyer.user.id : seller.user.id;
        c.buyer.left_at = c.seller.left_at = last_left;
      } else {  // both left; the sweep ends the call after the grace
        last_left = first + duration - call_options.leave_grace_ms - rng_.Int(0, 2) * kSecond;
        last_left = std::max(last_left, *p2.joined_at + 20 * kSecond);
        p1.left_at = last_left - rng_.Int(0, 4) * kSecond;
        p2.left_at = last_left;
        c.ended_at = last_left + call_options.leave_grace_ms + rng_.Int(0, 1500);
        c.end_reason = "left";
      }
      c.state = "ended";
      talk_from = *p2.joined_at - first + rng_.Int(500, 2500);
      talk_to = last_left - first - rng_.Int(300, 1500);
      dialogue = Dialogue(seller, buyer, listing, talk_to - talk_from);
    } else if (outcome.starts_with("no_show")) {
      c.state = "missed";
      c.end_reason = "no_show";
      c.no_show = outcome.substr(8);  // buyer | seller | both
      if (*c.no_show != "both") {
        // The one who came opened the room and waited alone for a while.
        auto& came = *c.no_show == "buyer" ? c.seller : c.buyer;
        const TimeMs first = std::max(c.join_opens_at, at + rng_.Int(-60, 180) * kSecond);
        c.started_at = first;
        came.consent_at = first;
        came.joined_at = first + rng_.Int(800, 2500);
        came.left_at = std::min(*came.joined_at + rng_.Int(2, 8) * kMinute, c.join_closes_at);
      }
      c.ended_at = c.join_closes_at + rng_.Int(1, 20) * kSecond;  // the sweep
      ++stats_.no_shows;
    } else if (outcome == "not_answered") {
      c.state = "missed";
      c.end_reason = "not_answered";
      c.ended_at = c.join_closes_at + rng_.Int(1, 20) * kSecond;
    } else if (outcome == "failed") {
      // The first to join found no media server: nobody got in.
      const TimeMs first = scheduled ? at + rng_.Int(-60, 120) * kSecond : *c.accepted_at + rng_.Int(10, 60) * kSecond;
      auto& p = rng_.Chance(0.5) ? c.buyer : c.seller;
      c.started_at = first;
      p.consent_at = first;
      c.state = "failed";
      c.end_reason = "media_failed";
      c.ended_at = first + rng_.Int(800, 4000);
    } else {  // declined
      c.state = "declined";
      c.end_reason = "declined";
      c.ended_by = answerer;
      c.ended_at = scheduled ? std::min(c.created_at + rng_.Int(5, 180) * kMinute, at - kMinute)
                             : at + rng_.Int(20, 300) * kSecond;
    }
    c.recording_status = "none";  // generated: nothing was recorded, no file to play
    c.transcript_status = dialogue ? "ready" : "none";
    const TimeMs transcribed_at = *c.ended_at + rng_.Int(40, 240) * kSecond;
    c.updated_at = dialogue ? transcribed_at : *c.ended_at;

    std::optional<store::NewTranscript> transcript;
    std::vector<std::pair<const Scam*, moderation::TimeRange>> scams;
    if (dialogue) {
      transcript = Timed(*dialogue, seller.lang, talk_from, talk_to, scams);
    }
    const auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
      c.conversation_id = TRY(Conversation(tx, seller, buyer, listing, c.created_at));
      auto stored = TRY(tx.calls().Insert(c));
      if (transcript) {
        // As TranscriptService stores a version: the analytics job queued with it.
        auto t = TRY(tx.transcripts().Insert(stored.id, *transcript, transcribed_at));
        store::NewJob analyze;
        analyze.kind = transcripts::kAnalyzeJob;
        analyze.payload = json::serialize(json::object{{"call_id", stored.id}, {"version", t.version}});
        analyze.dedupe_key = "analyze:" + std::to_string(stored.id) + ":" + std::to_string(t.version);
        analyze.run_after = transcribed_at;
        if (TRY(tx.jobs().Insert(analyze, transcribed_at))) ++stats_.analyze_jobs;
        ++stats_.transcripts;
      }
      return stored;
    }));
    ++stats_.calls;
    call_days_.insert(call.started_at.value_or(call.scheduled_for.value_or(call.created_at)) / kDay);
    if (call.state == "ended") ++stats_.ended;
    if (call.state == "missed") ++stats_.missed;
    if (call.state == "failed") ++stats_.failed;
    if (call.state == "declined") ++stats_.declined;
    if (call.state == "ended") FollowUp(call, s, b, scams);
    return {};
  }

  // ------------------------------------------------------------ transcripts

  std::vector<Line> Dialogue(const Person& seller, const Person& buyer, const GenListing& l, TimeMs talk_ms) {
    const std::string& lang = seller.lang;
    const std::string vertical = l.item->vertical;
    const std::string noun = lang == "ru" ? l.item->noun_ru : l.item->noun_en;
    auto fill = [&](const char* s) { return Replace(s, "{item}", noun); };
    const auto& open = rng_.Pick(Openings().at(vertical == "jobs" ? lang + "-jobs" : lang));
    std::vector<Exchange> middle = Middles().at(lang + "-" + vertical);
    rng_.Shuffle(middle);
    // A few to twenty segments, more for longer calls.
    const auto target = std::clamp<std::int64_t>(4 + talk_ms / (35 * kSecond) + rng_.Int(-1, 2), 4, 20);
    std::vector<Line> lines{{"buyer", fill(open.buyer)}, {"seller", fill(open.seller)}};
    std::vector<Line> body;
    for (const auto& e : middle) {
      if (static_cast<std::int64_t>(body.size()) + 6 > target) break;
      body.push_back({"buyer", fill(e.buyer)});
      body.push_back({"seller", fill(e.seller)});
    }
    // Into the second half of the talk, between two exchanges.
    auto insert_late = [&](std::vector<Line> extra) {
      const auto n = static_cast<std::int64_t>(body.size());
      const auto hi = n / 2 * 2;
      const auto lo = std::min(hi, (n / 2 + 1) / 2 * 2);
      const auto at = rng_.Int(lo, hi);
      body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
    };
    if (seller.spec.kind == Kind::kDishonest && rng_.Chance(0.85)) {
      std::vector<const Scam*> pool;
      for (const auto& scam : kScams) {
        if (scam.lang == lang && (std::string(scam.vertical).empty() || scam.vertical == vertical)) {
          pool.push_back(&scam);
        }
      }
      rng_.Shuffle(pool);
      const auto n = rng_.Chance(0.35) ? 2 : 1;
      for (int i = 0; i < n && i < static_cast<int>(pool.size()); ++i) {
        std::vector<Line> extra{{"seller", pool[static_cast<std::size_t>(i)]->text, pool[static_cast<std::size_t>(i)]}};
        if (rng_.Chance(0.3)) extra.push_back({"seller", rng_.Pick(Pressure().at(lang))});
        extra.push_back({"buyer", rng_.Pick(Doubts().at(lang))});
        insert_late(std::move(extra));
      }
    }
    if (buyer.spec.kind == Kind::kRudeBuyer && rng_.Chance(0.75)) {
      auto rude = Rudeness().at(lang);
      rng_.Shuffle(rude);
      const auto n = rng_.Chance(0.4) ? 2 : 1;
      for (int i = 0; i < n; ++i) insert_late({{"buyer", rude[static_cast<std::size_t>(i)], nullptr, true}});
    }
    lines.insert(lines.end(), body.begin(), body.end());
    const auto& close = rng_.Pick(Closings().at(lang));
    lines.push_back({"buyer", close.buyer});
    lines.push_back({"seller", close.seller});
    return lines;
  }

  // The lines placed on the call's timeline between `from` and `to` (ms): one after the
  // other, each speaker's words at a plausible pace, pauses between turns, the silence of a
  // longer call spread over the pauses. Lines that do not fit a short call are dropped from
  // the middle (never a scam or rude line). The scam lines' places go to `scams`.
  store::NewTranscript Timed(std::vector<Line> lines, const std::string& lang, TimeMs from, TimeMs to,
                             std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams) {
    auto word_ms = [&](const std::string& w) {
      return std::clamp<TimeMs>(110 + (lang == "ru" ? 62 : 70) * CodePoints(w), 180, 950);
    };
    auto speech_ms = [&](const Line& line) {
      TimeMs total = 0;
      for (const auto& w : Words(line.text)) total += word_ms(w) + 60;
      return total;
    };
    constexpr TimeMs kMinPause = 500;
    auto needed = [&] {
      TimeMs total = 0;
      for (const auto& line : lines) total += speech_ms(line) + kMinPause;
      return total;
    };
    while ((lines.size() > 3 && needed() > to - from) || lines.size() > 20) {
      // Drop an ordinary line from the middle (keep the opening and the closing lines).
      std::optional<std::size_t> drop;
      for (std::size_t i = 2; i + 2 < lines.size(); ++i) {
        if (!lines[i].scam && !lines[i].loud) drop = i;
      }
      if (!drop) drop = lines.size() - 2;
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*drop));
    }
    const TimeMs slack = std::max<TimeMs>(0, to - from - needed());
    // Most of the spare time goes into the pauses (looking at the thing), some stays at the end.
    std::vector<double> weights;
    double sum = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      weights.push_back(0.2 + rng_.Real() * rng_.Real());
      sum += weights.back();
    }
    const double spread = static_cast<double>(slack) * rng_.Real(0.6, 0.95);

    store::NewTranscript t;
    t.engine = "demo-seed";
    t.model = "generated";
    t.language = lang;
    std::map<std::string, double> base = {{"buyer", rng_.Real(-29, -21)}, {"seller", rng_.Real(-29, -21)}};
    TimeMs at = from;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto& line = lines[i];
      if (i > 0) at += kMinPause + static_cast<TimeMs>(spread * weights[i] / sum);
      if (at + speech_ms(line) > to) break;  // (only when even the shortest talk does not fit)
      store::TranscriptSegment seg;
      seg.speaker = line.speaker;
      seg.text = line.text;
      seg.start_ms = at;
      for (const auto& w : Words(line.text)) {
        const TimeMs d = word_ms(w);
        seg.words.push_back({w, at, at + d, std::round(rng_.Real(0.7, 0.99) * 100) / 100});
        at += d + 60;
      }
      seg.end_ms = at - 60;
      at = seg.end_ms;
      seg.confidence = std::round(rng_.Real(0.78, 0.96) * 100) / 100;
      double loudness = base[line.speaker] + rng_.Normal() * 1.5 + (line.loud ? rng_.Real(7, 10) : 0);
      seg.loudness_dbfs = std::round(std::clamp(loudness, -35.0, -15.0) * 10) / 10;
      if (line.scam) {
        scams.push_back({line.scam, {std::max<TimeMs>(0, seg.start_ms - 2000), std::min(to, seg.end_ms + 2000)}});
      }
      t.segments.push_back(std::move(seg));
    }
    return t;
  }

  // ------------------------------------------------------------ after the call

  void Schedule(TimeMs at, Handler handler) { events_.emplace(std::make_pair(at, next_event_++), std::move(handler)); }

  Result<void> RunEventsUntil(TimeMs until) {
    while (!events_.empty() && events_.begin()->first.first <= until) {
      auto node = events_.extract(events_.begin());
      clock_.Set(node.key().first);
      TRY(node.mapped()(node.key().first));
    }
    return {};
  }

  // Ratings and complaints the buyer leaves after an ended call.
  void FollowUp(const store::Call& call, std::size_t s, std::size_t b,
                const std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams) {
    const Kind kind = people_[s].spec.kind;
    const bool rude = people_[b].spec.kind == Kind::kRudeBuyer;
    bool complains = false;
    // About 21 complaints about scams and 6 unfounded ones, spread over the month (a budget
    // that grows with the days, so the early busy days do not use it all up).
    const double month = static_cast<double>(*call.ended_at - (today_ - (kHistoryDays - 1) * kDay)) /
                         static_cast<double>(kHistoryDays * kDay);
    if (!scams.empty() && complaints_planned_ < 1 + 21 * month && rng_.Chance(0.55)) {
      complains = true;
      const auto& [scam, range] = scams.front();
      const TimeMs at = *call.ended_at + rng_.Int(3, 300) * kMinute;
      const std::string category = scam->complaint;
      const std::string quote = scam->quote;
      const moderation::TimeRange r = range;
      Schedule(at, [this, id = call.id, b, category, quote, r](TimeMs) {
        return Complain(id, b, category, quote, r);
      });
      ++complaints_planned_;
    } else if (kind == Kind::kHonest && unfounded_planned_ < 1 + 6 * month && rng_.Chance(0.07)) {
      // Unfounded: the moderators dismiss these (all but one, which an appeal overturns).
      complains = true;
      // (The first is the one a moderator gets wrong at first: see Decide.)
      static const char* const kCategories[] = {"not_as_described", "not_as_described", "rude", "other"};
      const std::string category = unfounded_planned_ == 0 ? "not_as_described" : kCategories[rng_.Int(0, 3)];
      const TimeMs at = *call.ended_at + rng_.Int(10, 600) * kMinute;
      Schedule(at, [this, id = call.id, b, category](TimeMs) {
        return Complain(id, b, category, "", std::nullopt);
      });
      ++unfounded_planned_;
    }
    const double p = kind == Kind::kStar ? 0.93 : complains ? 0.8 : 0.55;
    if (!rng_.Chance(p)) return;
    // Stars: the star seller near 5, honest sellers mostly 4–5, dishonest ones low; rude
    // buyers are harder to please.
    static const std::vector<double> kStar = {0, 0, 0.02, 0.14, 0.84};
    static const std::vector<double> kHonestStars = {0.02, 0.04, 0.12, 0.32, 0.5};
    static const std::vector<double> kDishonestStars = {0.35, 0.3, 0.2, 0.1, 0.05};
    const auto& shares = kind == Kind::kStar ? kStar : kind == Kind::kDishonest || complains ? kDishonestStars
                                                                                               : kHonestStars;
    int stars = 5;
    double r = rng_.Real();
    for (int i = 0; i < 5; ++i) {
      if (r < shares[static_cast<std::size_t>(i)]) {
        stars = i + 1;
        break;
      }
      r -= shares[static_cast<std::size_t>(i)];
    }
    if (rude && kind != Kind::kStar) stars = std::max(1, stars - 1);
    std::optional<std::string> comment;
    if (rng_.Chance(0.3)) {
      const bool ru = people_[b].lang == "ru";
      if (stars >= 4) {
        comment = rng_.Chance(0.5) ? Text(ru ? "ru" : "en", "Всё показал, спасибо", "Showed everything, thanks")
                                   : Text(ru ? "ru" : "en", "Вежливый продавец", "Polite seller");
      } else {
        comment = Text(ru ? "ru" : "en", "Не рекомендую", "Would not recommend");
      }
    }
    const TimeMs at = *call.ended_at + rng_.Int(2, 480) * kMinute;
    Schedule(at, [this, id = call.id, b, stars, comment](TimeMs) -> Result<void> {
      TRY(calls_.Rate(people_[b].user, id, stars, comment));
      ++stats_.ratings;
      return {};
    });
  }

  Result<void> Complain(Id call_id, std::size_t b, const std::string& category, const std::string& quote,
                        std::optional<moderation::TimeRange> range) {
    moderation::ComplaintInput in;
    in.category = category;
    in.text = ComplaintText(category, people_[b].lang);
    if (range) in.ranges = std::vector<moderation::TimeRange>{*range};
    if (!quote.empty()) in.quote = quote;
    auto k = TRY(moderation_.FileComplaint(people_[b].user, call_id, in));
    ++stats_.complaints;
    if (range) evidence_[k.id] = {call_id, *range};
    if (!cases_.insert(k.case_id).second) return {};
    // A new case: the moderator takes the queue's next case within the SLA (now and then
    // late), until the last days, whose cases wait in the queue (about a third of them).
    if (!moderator_ || clock_.NowMs() >= now_ - kBacklogDays * kDay) return {};
    const auto c = TRY(store_.Read([&](store::Tx& tx) { return tx.cases().FindCase(k.case_id); }));
    if (!c) return {};
    const TimeMs sla = c->sla_due_at - clock_.NowMs();
    const double share = rng_.Chance(0.08) ? rng_.Real(1.1, 1.6) : rng_.Real(0.15, 0.8);
    Schedule(clock_.NowMs() + static_cast<TimeMs>(static_cast<double>(sla) * share),
             [this](TimeMs) { return WorkQueue(*moderator_, false); });
    return {};
  }

  // A moderator's sitting: takes the next case (the queue's most urgent) and decides it, and
  // a second one if there is one (so a case overtaken by a more urgent one does not wait). With
  // `appeal_only` (the second moderator, who hears appeals) takes up to their capacity looking
  // for an appeal, decides that and hands the others back. Cases that are not the history's
  // (on a store with real ones) are handed back too.
  Result<void> WorkQueue(const store::User& moderator, bool appeal_only) {
    std::vector<Id> hand_back;
    for (int i = 0, decided = 0; i < (appeal_only ? 3 : 2) && decided < (appeal_only ? 1 : 2); ++i) {
      auto next = moderation_.Next(moderator);
      if (!next) {
        if (next.error().kind != base::ErrorKind::kConflict) return tl::unexpected(next.error());
        break;  // off shift, at capacity
      }
      if (!*next) break;
      const auto& view = **next;
      auto who = std::find_if(people_.begin(), people_.end(),
                              [&](const Person& p) { return p.user.id == view.c.accused_id; });
      if (who == people_.end() || (appeal_only && view.c.kind != "appeal")) {
        hand_back.push_back(view.c.id);
        continue;
      }
      clock_.Set(clock_.NowMs() + rng_.Int(2, 9) * kMinute);  // reading the case
      TRY(Decide(moderator, view, *who));
      ++decided;
    }
    for (const Id id : hand_back) TRY(moderation_.Release(moderator, id));
    return {};
  }

  Result<void> Decide(const store::User& moderator, const moderation::CaseView& view, Person& accused) {
    const std::string& lang = accused.lang;
    moderation::DecisionInput in;
    std::optional<std::string> appeal;  // the accused appeals the sanction with this
    bool overturnable = false;
    if (view.c.kind == "appeal") {
      const bool overturn = view.appeal && overturn_sanction_ && view.appeal->sanction.id == *overturn_sanction_;
      in.action = overturn ? "overturn" : "uphold";
      in.reason = overturn ? Text(lang, "Дефект действительно был указан в объявлении; предупреждение снято.",
                                  "The defect was stated in the listing after all; the warning is lifted.")
                           : Text(lang, "Запись звонка подтверждает запрос предоплаты; блокировка остаётся.",
                                  "The call transcript confirms the prepayment request; the block stays.");
    } else if (accused.spec.kind == Kind::kDishonest) {
      for (const auto& k : view.complaints) {
        if (k.status != "in_review" && k.status != "open") continue;
        if (auto e = evidence_.find(k.id); e != evidence_.end() && in.evidence.size() < 20) {
          in.evidence.emplace_back(e->second.call_id, e->second.range);
        }
      }
      if (accused.sanctions < 2) {  // warned twice, then blocked: 3 days, then a week
        in.action = "warn";
        in.reason = Text(lang, "Запрос предоплаты на карту вне платформы подтверждается записью звонка. Предупреждение.",
                         "The call confirms a request for a prepayment outside the platform. A warning.");
      } else {
        in.action = "block";
        in.days = accused.sanctions == 2 ? 3 : 7;
        in.reason = Text(lang, "Повторные запросы предоплаты и оплаты мимо платформы. Блокировка на " +
                                   std::to_string(*in.days) + " дней.",
                         "Repeated prepayment requests and payments off the platform. Blocked for " +
                             std::to_string(*in.days) + " days.");
        if (!dishonest_appealed_ && clock_.NowMs() < now_ - 3 * kDay) {
          dishonest_appealed_ = true;
          appeal = Text(lang, "Я ничего не требовал, это недоразумение. Прошу снять блокировку.",
                        "I did not ask for anything, it is a misunderstanding. Please lift the block.");
        }
      }
      if (rng_.Chance(0.4)) in.reward = 30'000;  // 300 RUB to the complainants
    } else {
      bool described = false;
      for (const auto& k : view.complaints) described |= k.category == "not_as_described";
      // (Early enough in the month for the appeal to be decided by now.)
      if (described && !honest_warned_ && clock_.NowMs() < now_ - 3 * kDay) {
        // The one mistake of the month: warned, appealed, overturned by the second moderator.
        honest_warned_ = true;
        overturnable = true;
        in.action = "warn";
        in.reason = Text(lang, "Товар не соответствовал описанию. Предупреждение.",
                         "The item was not as described. A warning.");
        appeal = Text(lang, "Дефект был указан в описании и виден на фото, прошу пересмотреть.",
                      "The defect is stated in the description and visible in the photos; please review.");
      } else {
        in.action = "dismiss";
        in.reason = Text(lang, "Нарушений в записи звонка не найдено.", "Nothing in the call breaks the rules.");
      }
    }
    auto out = TRY(moderation_.Decide(moderator, view.c.id, in));
    ++stats_.decisions;
    if (view.c.kind == "appeal" || !out.sanction) return {};
    ++accused.sanctions;
    if (out.sanction->ends_at) accused.blocked_until = *out.sanction->ends_at;
    if (overturnable) overturn_sanction_ = out.sanction->id;
    if (appeal) {
      const TimeMs at = clock_.NowMs() + rng_.Int(4 * 60, 30 * 60) * kMinute;
      const Id sanction = out.sanction->id;
      const std::size_t who = static_cast<std::size_t>(&accused - people_.data());
      Schedule(at, [this, who, sanction, text = *appeal](TimeMs t) -> Result<void> {
        TRY(moderation_.FileAppeal(people_[who].user, sanction, text));
        ++stats_.appeals;
        // The second moderator (appeals go to someone other than who decided) takes it.
        if (moderator2_) {
          Schedule(t + rng_.Int(60, 5 * 60) * kMinute, [this](TimeMs) { return WorkQueue(*moderator2_, true); });
        }
        return {};
      });
    }
    return {};
  }

  // ------------------------------------------------------------ service level

  // What the daily service-level job leaves: each day since their first listing on which the
  // seller had an active listing (all of them: nobody archived one).
  Result<void> RecordActiveDays() {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      for (std::size_t s = 0; s < people_.size(); ++s) {  // (buyers have no listings)
        TimeMs first = now_;
        for (auto l : people_[s].listings) first = std::min(first, listings_[l].listing.created_at);
        for (std::int64_t day = first / kDay; day < today_ / kDay; ++day) {
          if (TRY(tx.sellers().RecordActiveDay(people_[s].user.id, day))) ++stats_.active_days;
        }
      }
      return {};
    });
  }

  store::Store& store_;
  const TimeMs now_;
  const TimeMs today_;
  base::ManualClock clock_;
  base::Metrics metrics_;
  media::RecordingProcessor processor_;
  accounts::AccountService accounts_;
  listings::ListingService listing_service_;
  calls::CallService calls_;
  moderation::ModerationService moderation_;
  Rng rng_;

  std::vector<Person> people_;
  std::vector<GenListing> listings_;
  std::optional<store::User> moderator_;
  std::optional<store::User> moderator2_;
  std::map<std::pair<TimeMs, std::uint64_t>, Handler> events_;
  std::uint64_t next_event_ = 0;
  std::map<Id, Evidence> evidence_;
  std::set<Id> cases_;
  std::set<std::int64_t> call_days_;
  int complaints_planned_ = 0;
  int unfounded_planned_ = 0;
  bool honest_warned_ = false;
  bool dishonest_appealed_ = false;
  std::optional<Id> overturn_sanction_;
  double buyer_proposes_ = 0.85;  // the share of calls the buyer proposes
  DemoHistoryStats stats_;
};

}  // namespace

Result<DemoHistoryStats> SeedDemoHistory(store::Store& store, const base::Clock& real_clock,
                                         const DemoHistoryOptions& options) {
  const auto marker = TRY(store.Read([](store::Tx& tx) { return tx.users().FindByEmail(std::string(kMarkerEmail)); }));
  if (marker) return DemoHistoryStats{};
  Generator generator(store, real_clock.NowMs(), options);
  return generator.Run();
}

}  // namespace vitrina::app
