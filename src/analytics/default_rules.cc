#include "analytics/default_rules.h"

#include <array>

namespace vitrina::analytics {
namespace {

struct Entry {
  const char* category;
  const char* language;
  const char* speaker;
  const char* expression;
};

// Written from the scam scripts of ../shared/docs/PRODUCT.md and tuned only on the development
// half of tests/data/analytics/utterances.tsv (odd ids); the even half is held out for the
// figures in docs/analytics.md. Keep a rule's words general: a rule that fits one sentence of
// the development half is overfitting.
constexpr Entry kRules[] = {
    // --- prepayment ---------------------------------------------------------------------
    {"prepayment", "ru", "any",
     "предоплат* -(не NEAR/3 предоплат*) -(никак* NEAR/2 предоплат*) -(без NEAR/1 предоплат*) "
     "-\"прошлый раз\""},
    {"prepayment", "ru", "any",
     "(залог OR задаток OR задатк* OR бронь OR брони OR предзаказ* OR ((оплат* OR внес* OR "
     "переве*) NEAR/3 бронир*)) -(не NEAR/2 (залог OR задаток OR задатк*)) -\"прошлый раз\""},
    {"prepayment", "ru", "any",
     "(внес* OR внос* OR переве* OR перевод* OR скин* OR оплат* OR заплат*) NEAR/4 аванс*"},
    {"prepayment", "ru", "any",
     "(отправ* OR переве* OR скин* OR оплат* OR заплат* OR закин*) NEAR/3 (\"всю сумму\" OR "
     "\"полную сумму\" OR половин* OR \"первый месяц\" OR сначала OR заранее OR вперед OR "
     "\"часть суммы\") -\"при встрече\" -\"при получении\""},
    {"prepayment", "ru", "any",
     "(сейчас OR сразу OR сначала) NEAR/4 (остальн* NEAR/2 (получен* OR встреч* OR доставк*))"},
    {"prepayment", "ru", "any",
     "(оплат* OR взнос* OR плат*) NEAR/2 (обучен* OR форм* OR стажировк* OR оформлени*)"},
    {"prepayment", "ru", "any",
     "(покаж* OR покажу OR отправлю OR вышлю OR сниму OR оформим) NEAR/5 "
     "(после NEAR/3 (оплат* OR скин* OR переве* OR перевод*)) -авито -безопасн*"},
    {"prepayment", "ru", "any",
     "\"сначала деньги\" OR \"сначала оплата\" OR \"сначала оплатите\" OR \"сначала переведите\" OR "
     "\"деньги вперед\" OR \"оплата вперед\" OR \"полная оплата\" OR \"стопроцентная оплата\" OR "
     "(процент* NEAR/3 (сейчас OR сразу OR вперед OR заранее OR предоплат*)) OR "
     "((\"не отправлю\" OR \"не покажу\" OR \"не отдам\" OR \"не привезу\" OR \"не сниму\") NEAR/3 "
     "(пока OR без OR до) NEAR/3 (оплат* OR деньг* OR переве* OR перевод*))"},
    {"prepayment", "en", "any",
     "(deposit OR deposits OR downpayment OR \"down payment\" OR prepay* OR upfront OR \"up "
     "front\" OR \"in advance\" OR \"holding fee\" OR \"reservation fee\" OR \"booking fee\") "
     "-((not OR never OR no) NEAR/2 (take OR takes OR need OR accept OR ask OR require OR want)) "
     "-(last NEAR/1 (year OR time OR month OR week))"},
    {"prepayment", "en", "any",
     "fee NEAR/4 (training OR uniform OR registration OR application OR background OR "
     "onboarding OR starter OR kit OR before OR holding OR processing OR insurance)"},
    {"prepayment", "en", "any",
     "\"half now\" OR (half NEAR/2 (upfront OR first OR before)) OR \"pay first\" OR \"pay me "
     "first\" OR \"payment first\" OR \"money first\" OR \"full payment\" OR (\"shipping fee\" "
     "NEAR/3 (first OR me OR before)) OR (percent NEAR/3 (now OR upfront OR first)) OR "
     "((pay OR send OR transfer OR payment) NEAR/4 (\"before you see\" OR \"before viewing\" OR "
     "\"before i ship\" OR \"before shipping\" OR \"before i send\" OR \"before the viewing\")) OR "
     "(\"first month\" NEAR/3 (rent OR send OR pay))"},

    // --- off_platform_payment -----------------------------------------------------------
    {"off_platform_payment", "ru", "any",
     "(переве* OR перевод* OR скин* OR кинь* OR кинуть OR отправ* OR оплат* OR плат* OR закин*) "
     "NEAR/4 (карт OR карточк* OR \"по номеру\" OR сбп OR юмани OR киви OR qiwi OR сбер* OR "
     "тинькофф* OR \"номер телефона\") -\"при встрече\" -\"при вас\" -\"при получении\" "
     "-(не NEAR/1 (переведу OR скажу OR плачу OR говорю)) -никому -безопасн* -(продикт* OR "
     "назовите OR скажите) -ссылк*"},
    {"off_platform_payment", "ru", "any",
     "(переве* OR перевод* OR плат* OR оплат* OR скин* OR рассчит*) NEAR/3 (напрямую OR "
     "\"без посредников\" OR \"без комиссии\" OR \"в обход\")"},
    {"off_platform_payment", "ru", "any",
     "\"мимо авито\" OR \"без авито\" OR \"не через авито\" OR \"вне авито\" OR \"вне приложения\" OR "
     "\"не через приложение\" OR \"не через сайт\" OR \"без безопасной сделки\" OR \"в обход авито\""},
    {"off_platform_payment", "ru", "any",
     "\"только переводом\" OR \"только перевод\" OR \"вестерн юнион\" OR \"western union\" OR "
     "\"золотая корона\" OR юнистрим OR \"на киви\" OR \"на юмани\" OR крипт* OR usdt OR юсдт OR "
     "биткоин* OR биткоин"},
    {"off_platform_payment", "ru", "any",
     "(безопасн* OR \"авито доставк*\" OR доставк*) NEAR/5 (долго OR комисси* OR развод* OR "
     "\"не работаю\" OR \"не отправляю\" OR \"терпеть не могу\" OR \"не люблю\" OR \"не пользуюсь\")"},
    {"off_platform_payment", "any", "any",
     "[card] -серийн* -serial -заказ* -order -трек* -tracking"},
    {"off_platform_payment", "en", "any",
     "zelle OR venmo OR \"cash app\" OR cashapp OR \"western union\" OR moneygram OR \"gift card\" "
     "OR \"gift cards\" OR \"steam card\" OR paypal OR crypto* OR bitcoin OR usdt OR \"friends and "
     "family\" OR (wire NEAR/2 (me OR you OR money OR it OR transfer)) OR \"bank transfer\" OR "
     "interac OR \"e transfer\""},
    {"off_platform_payment", "en", "any",
     "((pay OR paying OR send OR transfer) NEAR/2 directly) OR \"outside the app\" OR \"outside "
     "the platform\" OR \"off the app\" OR \"skip the app\" OR \"no middleman\" OR \"do not pay in "
     "the app\" OR \"not through the app\" OR \"without the app\" OR ((app OR platform) NEAR/3 "
     "(\"rip off\" OR fees OR scam)) OR ((save OR avoid OR skip) NEAR/2 (fee OR fees))"},

    // --- contact_exchange ---------------------------------------------------------------
    {"contact_exchange", "ru", "any",
     "вотсап* OR ватсап* OR вацап* OR whatsapp OR вайбер* OR viber OR телеграм* OR телег* OR "
     "тг OR инстаграм* OR инст OR инсту OR инсте OR вконтакт* OR вк OR скайп* OR skype OR "
     "\"в лс\""},
    {"contact_exchange", "ru", "any",
     "(макс OR личк* OR \"в личку\") NEAR/3 (есть OR напиш* OR пиш* OR добав* OR перейд* OR "
     "давайте)"},
    {"contact_exchange", "ru", "any",
     "((ваш OR свой OR мой OR твой OR личный OR мобильный) NEAR/1 (номер OR номерок OR "
     "телефон* OR контакт* OR почт*)) -карт* -(счет* OR заказ* OR трек* OR кузов* OR "
     "серийн* OR дом OR квартир*) -\"никому не\""},
    {"contact_exchange", "ru", "any",
     "((обычн* OR мобильн* OR сотов* OR нормальн*) NEAR/2 (телефон* OR связ*)) OR "
     "((почт* NEAR/2 (напиш* OR пиш* OR скин* OR пришл* OR отправ* OR адрес*)) -\"почта россии\")"},
    {"contact_exchange", "any", "any", "[email]"},
    {"contact_exchange", "any", "any",
     "[phone] -(переве* OR перевод* OR \"по номеру\" OR transfer OR zelle OR venmo OR pay OR "
     "трек* OR заказ* OR tracking OR order)"},
    {"contact_exchange", "en", "any",
     "whatsapp OR telegram OR viber OR imessage OR instagram OR insta OR snapchat OR wechat OR "
     "skype OR discord OR kik OR \"on signal\" OR \"signal app\" OR \"facebook messenger\" OR "
     "\"my email\" OR (\"your email\" -check) OR \"email me\" OR \"email address\" OR \"dm me\""},
    {"contact_exchange", "en", "any",
     "\"text me\" OR \"call me on\" OR \"call me at\" OR \"call me directly\" OR \"my number\" OR "
     "\"my cell\" OR \"your number\" OR \"your phone number\" OR \"your cell\" OR \"personal "
     "number\" OR \"phone line\" OR ((normal OR regular OR real) NEAR/1 (phone OR number)) OR "
     "\"reach me at\" OR \"my phone number\" OR \"message me on\" OR \"hit me up\""},

    // --- card_or_code_request -----------------------------------------------------------
    {"card_or_code_request", "ru", "any",
     "(продикт* OR диктуй* OR назов* OR назвать OR скаж* OR сообщ* OR пришл* OR скин* OR напиш* OR "
     "введ* OR говор* OR какой OR нужен) NEAR/4 (код OR коды OR пароль) -(не NEAR/1 (скажу OR "
     "говорю OR дам OR назову OR продиктую)) -\"ага щас\" -домофон* -никому -qr"},
    {"card_or_code_request", "ru", "any",
     "(((код OR цифр* OR пароль) NEAR/3 (смс OR sms OR сообщени* OR пуш* OR уведомлен* OR "
     "банк*)) OR \"одноразовый пароль\" OR \"одноразовый код\" OR \"код подтверждения\") "
     "-(не NEAR/1 (скажу OR говорю OR дам OR назову OR продиктую)) -\"ага щас\" -никому"},
    {"card_or_code_request", "ru", "any",
     "(продикт* OR диктуй* OR назов* OR скаж* OR сообщ* OR пришл* OR скин* OR напиш* OR "
     "сфотограф* OR фото* OR введ* OR нужен OR нужна OR нужны OR данн*) NEAR/4 (карт OR "
     "карточк*) -(не NEAR/1 (скажу OR говорю OR дам OR назову OR продиктую)) -\"ага щас\" "
     "-никому -памят* -района -\"моя карта\" -\"мою карту\" -\"на карту\""},
    {"card_or_code_request", "ru", "any",
     "(((продикт* OR назов* OR скаж* OR сообщ*) NEAR/6 (пуш* OR уведомлен* OR смс OR sms)) OR "
     "\"си ви ви\" OR cvv OR cvc OR свв OR \"срок действия\" OR \"три цифры\" OR "
     "(\"на обороте\" NEAR/3 цифр*) OR \"трехзначный код\") -\"ага щас\" -никому"},
    {"card_or_code_request", "ru", "any",
     "((логин* OR парол* OR госуслуг*) NEAR/4 (банк* OR госуслуг* OR сбер* OR кабинет* OR "
     "онлайн OR скаж* OR продикт* OR назов*)) OR ((баланс* OR остаток OR \"сколько денег\") "
     "NEAR/4 (карт OR карточк* OR счет*)) OR (\"на карте\" NEAR/2 сколько)"},
    {"card_or_code_request", "en", "any",
     "(code NEAR/4 (text OR texts OR sms OR bank OR verification OR google OR voice OR sent OR "
     "got OR received OR confirmation OR message)) -(not NEAR/2 (give OR giving OR tell OR share "
     "OR need)) -\"why would\" -\"yeah right\" -qr"},
    {"card_or_code_request", "en", "any",
     "((read OR tell OR send OR give OR need OR needs OR enter OR type OR what) NEAR/4 (card "
     "NEAR/1 (number OR details OR balance OR info OR information OR expiry OR pin OR "
     "numbers))) -\"my card\" -(not NEAR/2 (give OR giving OR tell OR share)) -\"yeah right\""},
    {"card_or_code_request", "en", "any",
     "(expiry OR expiration OR cvv OR cvc OR \"security code\" OR \"three digits\" OR \"digits on "
     "the back\" OR (balance NEAR/4 card) OR ((photo OR picture OR pic OR front) NEAR/4 card) OR "
     "((type OR enter OR read OR tell) NEAR/3 code) OR ((bank OR banking) NEAR/3 (login OR "
     "password OR credentials)) OR \"one time code\" OR \"one time password\" OR otp OR passcode "
     "OR \"verification code\" OR \"sixteen digits\" OR \"long number\") -(not NEAR/2 (give OR "
     "giving OR tell OR share)) -\"yeah right\" -\"why would\""},

    // --- fake_link ----------------------------------------------------------------------
    {"fake_link", "ru", "any",
     "ссылк* NEAR/5 (оплат* OR плат* OR получ* OR деньг* OR доставк* OR возврат* OR сделк* OR "
     "перейд* OR переход* OR форм* OR подтверд* OR зайд* OR введ* OR открой* OR нажм*) "
     "-объявлен* -\"как же\""},
    {"fake_link", "any", "any", "[link] -объявлен* -listing -email -почт*"},
    {"fake_link", "ru", "any",
     "(qr OR кьюар OR куар OR \"ку ар\") OR (сайт* NEAR/4 (оплат* OR получ* OR подтверд* OR "
     "введ*))"},
    {"fake_link", "en", "any",
     "(link NEAR/5 (pay OR payment OR receive OR get OR funds OR money OR refund OR delivery OR "
     "courier OR open OR press OR click OR confirm OR form OR enter OR claim)) -listing -profile"},
    {"fake_link", "en", "any",
     "(qr OR \"q r\" OR ((site OR website OR page) NEAR/5 (confirm OR enter OR receive OR claim "
     "OR payment OR funds))) -listing -tracking"},

    // --- fake_payment_confirmation --------------------------------------------------------
    {"fake_payment_confirmation", "ru", "any",
     "(скриншот* OR скрин OR скрином OR квитанц* OR чек OR чеком) NEAR/5 (оплат* OR перевод* "
     "OR переве* OR отправ* OR плат* OR показал*) -\"не получается\""},
    {"fake_payment_confirmation", "ru", "buyer",
     "((уже OR я OR мы) NEAR/2 (оплатил* OR перевел* OR заплатил* OR перечислил* OR скинул* OR "
     "\"отправил деньги\" OR \"отправила деньги\")) -(не NEAR/1 (оплатил* OR перевел* OR "
     "заплатил*)) -\"прошлый раз\" -(когда NEAR/2 (оплатил* OR перевел* OR заплатил*))"},
    {"fake_payment_confirmation", "ru", "any",
     "(деньг* OR средств* OR оплат* OR сумм* OR платеж*) NEAR/4 (заморож* OR зарезерв* OR "
     "зачисл* OR прошл* OR поступил* OR \"у вас\" OR счет*) -(не NEAR/1 (прошл* OR поступил*))"},
    {"fake_payment_confirmation", "ru", "any",
     "зачислен* OR заморожен* OR \"перевод отправлен\" OR переплат* OR (разниц* NEAR/3 "
     "(верн* OR вернит* OR возврат* OR переве*)) OR (больше NEAR/2 (перевел* OR отправил*)) OR "
     "\"деньги отправлены\" OR \"оплата поступила\" OR \"платеж прошел\" OR \"платеж отправлен\" OR "
     "\"перевод выполнен\" OR \"вернул деньги\" OR \"вернула деньги\" OR \"возврат оформлен\" OR "
     "\"оформил возврат\" OR (\"в обработке\" NEAR/3 (платеж* OR перевод* OR деньг*))"},
    {"fake_payment_confirmation", "ru", "any",
     "((должн* NEAR/2 (прийти OR придти OR прийдет)) NEAR/3 (письм* OR смс OR уведомлен* OR "
     "сообщени*)) OR ((провер* OR гляньте) NEAR/3 (почт* OR смс OR уведомлен* OR баланс* OR "
     "счет*)) OR (подтверд* NEAR/3 (получени* OR поступлени*))"},
    {"fake_payment_confirmation", "en", "any",
     "((screenshot* OR receipt OR confirmation* OR proof) NEAR/5 (sent OR transfer* OR paid OR "
     "payment OR whatsapp OR email OR look)) -\"cannot take\" -box -drawer"},
    {"fake_payment_confirmation", "en", "any",
     "(\"already paid\" OR \"already transferred\" OR \"already sent\" OR \"already refunded\" OR "
     "\"i sent it\" OR \"i have paid\" OR \"i paid for\" OR \"payment is complete\" OR \"payment "
     "went through\" OR \"payment is pending\" OR \"has been paid\" OR \"i sent the money\" OR "
     "\"money is on the way\") -(last NEAR/1 (year OR time OR month OR week))"},
    {"fake_payment_confirmation", "en", "any",
     "(\"i just sent\" OR \"sent the payment\" OR \"payment sent\" OR \"transfer is done\" OR "
     "escrow OR \"i refunded\" OR \"sent you extra\" OR \"refund the extra\" OR (mistake NEAR/3 "
     "(sent OR paid OR transferred))) -(last NEAR/1 (year OR time OR month OR week))"},
    {"fake_payment_confirmation", "en", "any",
     "(check NEAR/3 (email OR inbox OR text OR texts OR messages OR notification OR account)) OR "
     "((money OR funds OR payment) NEAR/3 (frozen OR reserved OR \"on hold\" OR pending OR "
     "released OR processing)) OR overpaid OR overpay* OR \"too much\" NEAR/3 (sent OR paid) OR "
     "\"the difference\" NEAR/3 (refund OR send OR return OR back)"},
    {"fake_payment_confirmation", "en", "any",
     "(get OR receive OR got) NEAR/3 (text OR email OR notification) NEAR/5 (confirm* OR paid OR "
     "payment)"},

    // --- pressure ---------------------------------------------------------------------------
    {"pressure", "ru", "any",
     "(срочно OR быстрее OR быстро OR немедленно OR \"прямо сейчас\" OR скорее OR живее) NEAR/4 "
     "(решайте OR решайтесь OR думайте OR переведите OR переводите OR отправьте OR "
     "отправляйте OR назовите OR делайте OR давайте OR жду OR скажите OR оплачивайте OR "
     "платите OR оплатите) -\"так быстрее\""},
    {"pressure", "ru", "any",
     "(другие OR желающ* OR покупател* OR очередь OR человек*) NEAR/4 (ждут OR много OR "
     "звонят OR едут OR стоят OR очеред*) -\"не тороплю\" -\"вы первый\""},
    {"pressure", "ru", "any",
     "(минут* OR час* OR сегодня OR завтра OR вечер*) NEAR/4 (иначе OR подним* OR продан* OR "
     "снима* OR аннулир* OR сгор* OR заблокир* OR \"отдам другому\" OR \"другому покупателю\" OR "
     "дороже)"},
    {"pressure", "ru", "any",
     "(иначе NEAR/4 (пишу OR напишу OR жалоб* OR пожалуюсь OR поддержк* OR отзыв* OR продам OR "
     "сделк* OR отдам OR заблокир* OR аннулир* OR сниму OR полиц*)) OR заблокир* OR "
     "\"не тяните\" OR \"не тяни\" OR \"не думайте\" OR \"решайте сейчас\" OR \"решайте сегодня\" OR "
     "\"срочно решайте\" OR \"последний шанс\" OR (\"у вас\" NEAR/1 (минут* OR минуты))"},
    {"pressure", "ru", "any",
     "поторопит* OR \"сейчас или никогда\" OR \"кто первый\" OR \"времени нет\" OR \"нет времени\" "
     "OR \"не успеете\" OR \"пока не забрали\" OR \"пока не купили\" OR \"только сегодня\" OR "
     "\"жду ответа\" OR (\"даю вам\" NEAR/2 (минут* OR час*)) OR ((\"если не\" OR \"если вы не\") "
     "NEAR/8 (пожалуюсь OR жалоб* OR отзыв* OR поддержк* OR заблокир* OR продам OR \"отдам "
     "другому\" OR сгорит OR аннулир* OR полиц*))"},
    {"pressure", "en", "any",
     "(\"right now\" OR \"right away\" OR immediately OR quickly OR tonight OR today OR minutes) "
     "NEAR/5 (decide OR \"or i\" OR cancel OR \"someone else\" OR \"next buyer\" OR \"bad review\" "
     "OR report OR \"or the offer\" OR \"or it goes\")"},
    {"pressure", "en", "any",
     "\"yes or no\" OR \"next buyer\" OR \"last chance\" OR \"miss out\" OR \"or get lost\" OR "
     "\"decide now\" OR \"decide quickly\" OR \"wasting my time\" OR \"or i cancel\" OR \"or i sell\" "
     "OR \"or i report\" OR \"bad review\" OR \"someone else\" NEAR/3 (give OR sell OR sold) OR "
     "((people OR buyers OR others) NEAR/3 (waiting OR interested OR lined OR coming))"},
    {"pressure", "en", "any",
     "hurry OR asap OR \"now or never\" OR \"first come\" OR \"clock is ticking\" OR \"do not have "
     "all day\" OR \"today only\" OR \"end of the day\" OR \"within the hour\" OR \"or else\" OR "
     "\"going fast\" OR \"make up your mind\" OR \"chop chop\" OR \"report you\" OR \"what is "
     "taking so long\""},

    // --- insult -----------------------------------------------------------------------------
    {"insult", "ru", "any",
     "дурак OR дура OR дурачок OR идиот* OR дебил* OR придур* OR кретин* OR тупой OR тупая OR "
     "тупица OR лох OR нищеброд* OR клоун OR козел OR козлина OR урод* OR мудак* OR сволоч* OR "
     "скотина OR баран OR овца OR чмо OR ублюдок OR олух OR бестолоч* OR жадина OR дегенерат* "
     "OR недоумок OR дятел OR быдло OR тварь OR мразь OR жмот OR крохобор OR жлоб OR хамло OR "
     "колхозник OR ничтожество OR неадекват* OR болван OR балбес OR остолоп OR дурачье OR "
     "психопат"},
    {"insult", "ru", "any",
     "заткнись OR заткнитесь OR \"закрой рот\" OR \"иди лесом\" OR \"пошел вон\" OR \"пошла вон\" OR "
     "\"пошел ты\" OR \"пошла ты\" OR отвали OR отвалите OR \"слышь умник\" OR \"ты вообще "
     "нормальный\" OR \"вы вообще нормальный\" OR \"вы вообще нормальная\" OR \"ты больной\" OR "
     "\"вы больной\""},
    {"insult", "en", "any",
     "idiot OR idiots OR moron OR morons OR dumb OR fool OR loser OR jerk OR clown OR imbecile OR "
     "scumbag OR asshole OR retard OR cheapskate OR dumbass OR dimwit OR lowlife OR bastard OR "
     "bitch OR creep OR psycho OR \"you vegetable\" OR (useless NEAR/2 (woman OR man OR person OR "
     "guy OR people OR you)) OR pathetic OR (stupid -(app OR camera OR phone OR connection OR "
     "question))"},
    {"insult", "en", "any",
     "\"shut up\" OR \"get lost\" OR \"go away\" OR \"screw you\" OR \"piss off\" OR \"shut your\" "
     "OR \"are you stupid\" OR \"are you dumb\" OR \"old fool\" OR \"waste of space\""},
};

}  // namespace

Severity DefaultSeverity(std::string_view category) {
  if (category == "prepayment" || category == "off_platform_payment" ||
      category == "card_or_code_request" || category == "fake_link" ||
      category == "fake_payment_confirmation") {
    return Severity::kHigh;
  }
  return Severity::kWarn;
}

RuleAction DefaultAction(std::string_view category) {
  return DefaultSeverity(category) == Severity::kHigh ? RuleAction::kCase : RuleAction::kTag;
}

std::vector<Rule> DefaultRules() {
  std::vector<Rule> rules;
  rules.reserve(std::size(kRules));
  std::int64_t id = 1;
  for (const Entry& e : kRules) {
    Rule r;
    r.id = id++;
    r.category = e.category;
    r.language = e.language;
    r.speaker = e.speaker;
    r.expression = e.expression;
    r.severity = DefaultSeverity(e.category);
    r.action = DefaultAction(e.category);
    // The scam categories also warn the targeted party during the call (issue 16).
    r.live = r.severity == Severity::kHigh;
    rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace vitrina::analytics
