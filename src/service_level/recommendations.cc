// The recommendation shown to the seller for each weak parameter (docs/service-level.md
// "Recommendations"): one sentence saying what to do, not what went wrong.

#include "service_level/service_level.h"

namespace vitrina::service_level {
namespace {

struct Text {
  std::string_view ru;
  std::string_view en;
};

constexpr std::array<Text, 7> kTexts = {{
    // listing_freshness
    {"Обновите объявления, которые давно не менялись: проверьте цену, наличие и описание, "
     "а проданное снимите с публикации.",
     "Update the listings you have not touched for a while: check the price, availability "
     "and description, and unpublish what has been sold."},
    // description_truthful
    {"Описывайте товар как есть: укажите дефекты и следы использования, добавьте честные "
     "фото и актуальную цену — покупатели жаловались на несоответствие.",
     "Describe the item as it is: mention defects and wear, add honest photos and the real "
     "price — buyers complained the item did not match the listing."},
    // answers_messages
    {"Отвечайте покупателям в течение 24 часов — хотя бы коротко; включите уведомления о "
     "новых сообщениях.",
     "Answer buyers within 24 hours, even briefly; turn on notifications for new messages."},
    // answers_calls
    {"Принимайте предложения видеозвонка или укажите в объявлении часы, когда вам удобно "
     "говорить, — не оставляйте их без ответа.",
     "Accept video-call proposals, or set the hours that suit you in the listing — do not "
     "leave them unanswered."},
    // call_attendance
    {"Приходите на звонки, которые приняли; если не успеваете — отмените звонок заранее.",
     "Join the calls you accepted; if you cannot make it, cancel the call in advance."},
    // call_conduct
    {"Общайтесь на звонках вежливо, не просите предоплату и не уводите покупателя в другие "
     "мессенджеры — на ваши звонки поступали обоснованные жалобы.",
     "Be polite on calls, do not ask for prepayment or move buyers to other messengers — "
     "complaints about your calls were upheld."},
    // no_duplicates
    {"Снимите с публикации повторяющиеся объявления: один товар — одно объявление.",
     "Unpublish repeated listings: one item, one listing."},
}};

}  // namespace

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code == "ru") return Language::kRu;
  if (code == "en") return Language::kEn;
  return std::nullopt;
}

std::string_view Recommendation(Parameter p, Language language) {
  const Text& t = kTexts[static_cast<std::size_t>(p)];
  return language == Language::kRu ? t.ru : t.en;
}

}  // namespace vitrina::service_level
