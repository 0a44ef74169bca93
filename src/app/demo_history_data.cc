#include "app/demo_history_data.h"

#include <map>
#include <string>
#include <vector>

namespace vitrina::app::demo_history {

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

const std::map<std::string, std::vector<const char*>>& Pressure() {
  static const std::map<std::string, std::vector<const char*>> m = {
      {"ru", {"других покупателей много все ждут решайте быстрее"}},
      {"en", {"other buyers are waiting so decide now"}},
  };
  return m;
}

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

}  // namespace vitrina::app::demo_history
