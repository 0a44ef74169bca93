#include "analytics/rules.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "analytics/default_rules.h"

namespace vitrina::analytics {
namespace {

std::string ParseError(std::string_view expression) {
  auto r = ParseRuleExpression(expression);
  if (r) return "ok: " + r->Debug();
  EXPECT_EQ(r.error().code, "bad_rule");
  EXPECT_EQ(r.error().kind, base::ErrorKind::kInvalidArgument);
  return r.error().message;
}

std::string Debug(std::string_view expression) {
  auto r = ParseRuleExpression(expression);
  if (!r) return "error: " + r.error().message;
  return r->Debug();
}

Rule MakeRule(std::int64_t id, std::string expression, std::string category = "prepayment",
              std::string language = "any", std::string speaker = "any") {
  Rule r;
  r.id = id;
  r.category = std::move(category);
  r.language = std::move(language);
  r.speaker = std::move(speaker);
  r.expression = std::move(expression);
  return r;
}

RuleMatcher Matcher(std::vector<Rule> rules) {
  auto m = RuleMatcher::Build(std::move(rules));
  EXPECT_TRUE(m.has_value()) << m.error().message;
  return *std::move(m);
}

// Whether a one-rule matcher hits `text` (language "ru" for Cyrillic text, else "en").
bool Hits(std::string_view expression, std::string_view text) {
  const RuleMatcher m = Matcher({MakeRule(1, std::string(expression))});
  const bool cyrillic = text.find("\xD0") != std::string_view::npos ||
                        text.find("\xD1") != std::string_view::npos;
  return !m.Match(text, cyrillic ? "ru" : "en", Role::kSeller).empty();
}

// The matched part of `text` for a one-rule matcher ("" if no hit).
std::string Matched(std::string_view expression, std::string_view text) {
  const RuleMatcher m = Matcher({MakeRule(1, std::string(expression))});
  const auto hits = m.Match(text, "ru", Role::kBuyer);
  if (hits.empty()) return "";
  return std::string(text.substr(hits[0].begin, hits[0].end - hits[0].begin));
}

TEST(RuleParser, Trees) {
  EXPECT_EQ(Debug("предоплату"), "\"предоплат\"");
  EXPECT_EQ(Debug("переведите на карту"), "(AND \"перевед\" \"на\" \"карт\")");
  EXPECT_EQ(Debug("\"на карту\" OR сбп"), "(OR \"на карт\" \"сбп\")");
  EXPECT_EQ(Debug("pay (cash OR card) -meeting"),
            "(AND \"pay\" (OR \"cash\" \"card\") (NOT \"meet\"))");
  EXPECT_EQ(Debug("pay NOT meeting"), "(AND \"pay\" (NOT \"meet\"))");
  EXPECT_EQ(Debug("code NEAR/3 sms"), "(NEAR/3 \"code\" \"sms\")");
  EXPECT_EQ(Debug("a b NEAR/2 \"c d\""), "(AND \"a\" (NEAR/2 \"b\" \"c d\"))");
  EXPECT_EQ(Debug("(a OR b) NEAR/0 c NEAR/5 d"), "(NEAR/5 (NEAR/0 (OR \"a\" \"b\") \"c\") \"d\")");
  EXPECT_EQ(Debug("предопл*"), "\"предопл*\"");
  EXPECT_EQ(Debug("\"авито доставк\"*"), "\"авит доставк*\"");
  EXPECT_EQ(Debug("\"номер [phone]\""), "\"номер [phone]\"");
  EXPECT_EQ(Debug("[card] OR [email] OR [link]"), "(OR \"[card]\" \"[email]\" \"[link]\")");
  EXPECT_EQ(Debug("e-mail"), "\"e mail\"");
  // Lower-case "not", "or", "near" are words.
  EXPECT_EQ(Debug("do not or near"), "(AND \"do\" \"not\" \"or\" \"near\")");
  EXPECT_EQ(Debug("ПРЕДОПЛАТА Ёлка"), "(AND \"предоплат\" \"елк\")");
}

TEST(RuleParser, ErrorsNamePositions) {
  EXPECT_EQ(ParseError(""), "empty expression");
  EXPECT_EQ(ParseError("   "), "empty expression");
  EXPECT_EQ(ParseError("!!! ..."), "no words to match");
  EXPECT_EQ(ParseError("переведите \"на карту"), "unbalanced quote at 12");
  EXPECT_EQ(ParseError("code NEAR sms"), "NEAR needs a number at 6");
  EXPECT_EQ(ParseError("code NEAR/x sms"), "NEAR needs a number at 6");
  EXPECT_EQ(ParseError("code NEAR/51 sms"), "NEAR distance over 50 at 6");
  EXPECT_EQ(ParseError("code NEAR/3"), "NEAR needs a term on each side at 6");
  EXPECT_EQ(ParseError("NEAR/3 code"), "NEAR needs a term on each side at 1");
  EXPECT_EQ(ParseError("code NEAR/3 -sms"), "NEAR needs a term on each side at 6");
  EXPECT_EQ(ParseError("pay -code NEAR/3 sms"), "an excluded term cannot be a side of NEAR at 5");
  EXPECT_EQ(ParseError("(a b"), "unclosed parenthesis at 1");
  EXPECT_EQ(ParseError("a b)"), "unmatched closing parenthesis at 4");
  EXPECT_EQ(ParseError("a OR"), "OR needs a term on each side at 3");
  EXPECT_EQ(ParseError("OR a"), "OR needs a term on each side at 1");
  EXPECT_EQ(ParseError("-a -b"), "an exclusion needs a term to match beside it at 1");
  EXPECT_EQ(ParseError("a NOT"), "NOT needs a term after it at 3");
  EXPECT_EQ(ParseError("карта [phon]"),
            "unknown placeholder [phon] at 7 (use [phone], [card], [email] or [link])");
  EXPECT_EQ(ParseError("карта [phone"), "unclosed placeholder at 7");
  EXPECT_EQ(ParseError("[card]*"), "a placeholder cannot be a prefix at 7");
  EXPECT_EQ(ParseError("п*"), "a prefix needs at least 2 characters before * at 1");
  EXPECT_EQ(ParseError("((((((((( a )))))))))"), "parentheses nested deeper than 8 at 9");
  EXPECT_EQ(ParseError(std::string(2001, 'a')), "expression too long: 2001 bytes, at most 2000");
  std::string many;
  for (int i = 0; i < 65; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_EQ(ParseError(many), "too many terms: 65, at most 64");
  // Positions count characters, not bytes: the quote is the 8th character.
  EXPECT_EQ(ParseError("ёжик в \"тумане"), "unbalanced quote at 8");
}

TEST(RuleParser, ValidateRule) {
  EXPECT_TRUE(ValidateRule(MakeRule(1, "предоплата")).has_value());
  EXPECT_EQ(ValidateRule(MakeRule(1, "x", "spam")).error().code, "bad_rule");
  EXPECT_EQ(ValidateRule(MakeRule(1, "x", "insult", "de")).error().code, "bad_rule");
  EXPECT_EQ(ValidateRule(MakeRule(1, "x", "insult", "ru", "moderator")).error().code, "bad_rule");
  auto bad = RuleMatcher::Build({MakeRule(7, "ok"), MakeRule(12, "a \"b")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_rule");
  EXPECT_EQ(bad.error().message, "rule 12: unbalanced quote at 3");
  EXPECT_EQ(ParseSeverity("high"), Severity::kHigh);
  EXPECT_EQ(ParseSeverity("critical"), std::nullopt);
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
  EXPECT_EQ(ParseRuleAction("case"), RuleAction::kCase);
  EXPECT_EQ(RuleActionName(RuleAction::kTag), "tag");
}

TEST(RuleMatcher, WordsMatchByStemInBothLanguages) {
  EXPECT_TRUE(Hits("предоплата", "нужна предоплату сначала"));
  EXPECT_TRUE(Hits("предоплату", "Предоплата пятьдесят процентов"));
  EXPECT_TRUE(Hits("переведите карта", "переведу на карту"));
  EXPECT_FALSE(Hits("переведите карта", "переведу наличными"));
  EXPECT_TRUE(Hits("deposit", "send the deposits today"));
  EXPECT_TRUE(Hits("charging", "it charged overnight"));
  EXPECT_TRUE(Hits("ёлка", "ЕЛКИ зеленые"));
}

TEST(RuleMatcher, PhrasesOrAndExclusion) {
  EXPECT_TRUE(Hits("\"на карту\"", "переводите на карту сбера"));
  EXPECT_FALSE(Hits("\"на карту\"", "карту на стол"));
  EXPECT_TRUE(Hits("zelle OR venmo", "i only take venmo"));
  EXPECT_FALSE(Hits("zelle OR venmo", "cash only"));
  EXPECT_TRUE(Hits("предоплата -встреча", "предоплата обязательна"));
  EXPECT_FALSE(Hits("предоплата -встреча", "без предоплаты только при встрече"));
  EXPECT_FALSE(Hits("предоплата NOT встреча", "без предоплаты только при встрече"));
  EXPECT_FALSE(Hits("deposit -\"do not\"", "i do not take a deposit"));
  EXPECT_TRUE(Hits("deposit -\"do not\"", "do send a deposit not cash"));
  EXPECT_TRUE(Hits("pay (zelle OR venmo) -app", "pay me on zelle"));
  EXPECT_FALSE(Hits("pay (zelle OR venmo) -app", "pay in the app not zelle"));
}

TEST(RuleMatcher, NearBothOrdersAndDistance) {
  // "код" and "смс" with 0, 2 and 3 words between them.
  EXPECT_TRUE(Hits("код NEAR/2 смс", "назовите код смс"));
  EXPECT_TRUE(Hits("код NEAR/2 смс", "код из этой смс"));
  EXPECT_TRUE(Hits("код NEAR/2 смс", "смс вам придет код"));  // other order
  EXPECT_FALSE(Hits("код NEAR/2 смс", "код придет вам в смс"));
  EXPECT_TRUE(Hits("код NEAR/3 смс", "код придет вам в смс"));
  EXPECT_FALSE(Hits("код NEAR/0 смс", "код из смс"));
  EXPECT_TRUE(Hits("код NEAR/0 смс", "смс код"));
  // A word is not near itself.
  EXPECT_FALSE(Hits("code NEAR/3 code", "the code please"));
  EXPECT_TRUE(Hits("code NEAR/3 code", "code code"));
  // Phrases and groups on either side.
  EXPECT_TRUE(Hits("\"card number\" NEAR/3 (tell OR read)", "read me the card number"));
  EXPECT_FALSE(Hits("\"card number\" NEAR/3 (tell OR read)", "read me the number on the card"));
  EXPECT_TRUE(Hits("(код OR пароль) NEAR/4 \"из смс\"", "скажите пароль из смс"));
  EXPECT_EQ(Matched("код NEAR/3 смс", "ну скажите код который пришел в смс пожалуйста"),
            "код который пришел в смс");
  EXPECT_EQ(Matched("смс NEAR/3 код", "ну скажите код который пришел в смс пожалуйста"),
            "код который пришел в смс");
}

TEST(RuleMatcher, Prefixes) {
  EXPECT_TRUE(Hits("предопл*", "внесите предоплату"));
  EXPECT_TRUE(Hits("переве*", "переведите мне"));
  EXPECT_FALSE(Hits("переве*", "перевозка"));
  EXPECT_TRUE(Hits("battery*", "new battery"));  // the word as said
  EXPECT_TRUE(Hits("batteri*", "new battery"));  // the stem, as search matches
  EXPECT_TRUE(Hits("\"gift card*\"", "apple gift cards only"));
  EXPECT_FALSE(Hits("\"gift card*\"", "gift for the cardinal"));
}

TEST(RuleMatcher, Placeholders) {
  // A phone said in words, Russian and English.
  EXPECT_TRUE(Hits("[phone]",
                   "мой номер восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят "
                   "семь пишите"));
  EXPECT_TRUE(Hits("[phone]", "call four one five five five five zero one nine two"));
  EXPECT_TRUE(Hits("[phone]", "звоните +7 916 123-45-67"));
  EXPECT_FALSE(Hits("[phone]", "восемь девятьсот за чехол это дорого"));
  EXPECT_EQ(Matched("\"номер [phone]\"",
                    "мой номер восемь девятьсот шестнадцать сто двадцать три сорок пять "
                    "шестьдесят семь"),
            "номер восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь");
  EXPECT_TRUE(Hits("пишите NEAR/3 [phone]", "пишите на 89161234567"));
  // A card that passes Luhn matches [card]; 16 digits failing Luhn do not.
  EXPECT_TRUE(Hits("[card]", "карта 4111 1111 1111 1111"));
  EXPECT_TRUE(Hits("[card]", "сорок один одиннадцать одиннадцать одиннадцать одиннадцать "
                             "одиннадцать одиннадцать одиннадцать"));
  EXPECT_FALSE(Hits("[card]", "карта 4111 1111 1111 1112"));
  EXPECT_FALSE(Hits("[card]", "номер заказа четыре один один один один один один один один один "
                              "один один один один один два"));
  EXPECT_TRUE(Hits("[email]", "пишите на иван точка петров собака яндекс точка ру"));
  EXPECT_TRUE(Hits("[email]", "mail me at ivan.petrov@mail.ru"));
  EXPECT_TRUE(Hits("[link] NEAR/3 ссылк*", "вот ссылка авито минус доставка точка ру"));
  EXPECT_FALSE(Hits("[link]", "посмотрите ссылку в приложении"));
}

TEST(RuleMatcher, SpeakerLanguageAndEnabledFilters) {
  Rule buyer_ru = MakeRule(1, "код", "card_or_code_request", "ru", "buyer");
  Rule seller_any = MakeRule(2, "код", "card_or_code_request", "any", "seller");
  Rule en_only = MakeRule(3, "код", "card_or_code_request", "en", "any");
  Rule disabled = MakeRule(4, "код", "card_or_code_request");
  disabled.enabled = false;
  const RuleMatcher m = Matcher({buyer_ru, seller_any, en_only, disabled});
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m.enabled(), 3u);
  auto ids = [&](std::string_view language, Role role) {
    std::vector<std::int64_t> out;
    for (const auto& h : m.Match("назовите код", language, role)) out.push_back(h.rule_id);
    return out;
  };
  EXPECT_EQ(ids("ru", Role::kBuyer), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids("ru", Role::kSeller), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids("en", Role::kSeller), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(ids("de", Role::kBuyer), (std::vector<std::int64_t>{}));
}

TEST(RuleMatcher, HitCarriesRuleAndRange) {
  Rule r = MakeRule(42, "переве* NEAR/3 карт", "off_platform_payment");
  r.severity = Severity::kHigh;
  r.action = RuleAction::kCase;
  const RuleMatcher m = Matcher({r, MakeRule(43, "сбп", "off_platform_payment")});
  const std::string text = "Ну что ж, переведите на карту. Или по сбп";
  const auto hits = m.Match(text, "ru", Role::kSeller);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].rule_id, 42);
  EXPECT_EQ(hits[0].category, "off_platform_payment");
  EXPECT_EQ(hits[0].severity, Severity::kHigh);
  EXPECT_EQ(hits[0].action, RuleAction::kCase);
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "переведите на карту");
  EXPECT_EQ(hits[0].first_token, 3u);
  EXPECT_EQ(hits[0].last_token, 5u);
  EXPECT_EQ(ByteToCharOffset(text, hits[0].begin), 10u);
  EXPECT_EQ(ByteToCharOffset(text, hits[0].end), 29u);
  EXPECT_EQ(hits[1].rule_id, 43);
  EXPECT_EQ(ByteToCharOffset(text, hits[1].begin), 38u);
  EXPECT_EQ(ByteToCharOffset(text, hits[1].end), 41u);
}

TEST(RuleMatcher, ByteToCharOffset) {
  EXPECT_EQ(ByteToCharOffset("", 0), 0u);
  EXPECT_EQ(ByteToCharOffset("abc", 2), 2u);
  EXPECT_EQ(ByteToCharOffset("абв", 2), 1u);
  EXPECT_EQ(ByteToCharOffset("абв", 6), 3u);
  EXPECT_EQ(ByteToCharOffset("абв", 100), 3u);
  EXPECT_EQ(ByteToCharOffset("ёж 😀 x", 9), 4u);  // ё, ж, space, emoji (4 bytes)
}

TEST(RuleMatcher, OnlyTriggeredRulesAreEvaluatedButAllHit) {
  // 500 rules over distinct words plus one that needs two words: every rule still hits when
  // its words are there, whichever of them is the trigger.
  std::vector<Rule> rules;
  for (int i = 0; i < 500; ++i) rules.push_back(MakeRule(i + 1, "word" + std::to_string(i)));
  rules.push_back(MakeRule(1000, "alpha beta -gamma"));
  rules.push_back(MakeRule(1001, "(alpha OR delta) NEAR/1 omega"));
  const RuleMatcher m = Matcher(rules);
  auto ids = [&](std::string_view text) {
    std::vector<std::int64_t> out;
    for (const auto& h : m.Match(text, "en", Role::kBuyer)) out.push_back(h.rule_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids("word7 and word499"), (std::vector<std::int64_t>{8, 500}));
  EXPECT_EQ(ids("beta then alpha"), (std::vector<std::int64_t>{1000}));
  EXPECT_EQ(ids("beta then alpha gamma"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(ids("delta x omega"), (std::vector<std::int64_t>{1001}));
  EXPECT_EQ(ids("delta x y omega"), (std::vector<std::int64_t>{}));
}

TEST(RuleMatcher, SharedAcrossThreads) {
  auto built = RuleMatcher::Build(DefaultRules());
  ASSERT_TRUE(built) << built.error().message;
  const RuleMatcher m = *built;
  const std::string text = "быстрее продиктуйте код из смс и номер карты";
  const auto expected = m.Match(text, "ru", Role::kBuyer);
  ASSERT_FALSE(expected.empty());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto hits = m.Match(i % 2 ? text : "ничего такого", "ru", Role::kBuyer);
        if (i % 2 ? hits.size() == expected.size() : hits.empty()) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

TEST(DefaultRules, ValidAndCoverEveryCategoryInBothLanguages) {
  const auto rules = DefaultRules();
  ASSERT_TRUE(RuleMatcher::Build(rules).has_value());
  for (std::string_view category : kRuleCategories) {
    int ru = 0, en = 0;
    for (const auto& r : rules) {
      if (r.category != category) continue;
      EXPECT_EQ(r.severity, DefaultSeverity(category));
      EXPECT_EQ(r.action, r.severity == Severity::kHigh ? RuleAction::kCase : RuleAction::kTag);
      if (r.language != "en") ++ru;
      if (r.language != "ru") ++en;
    }
    EXPECT_GE(ru, 2) << category;
    EXPECT_GE(en, 2) << category;
  }
  EXPECT_EQ(DefaultSeverity("pressure"), Severity::kWarn);
  EXPECT_EQ(DefaultAction("prepayment"), RuleAction::kCase);
}

}  // namespace
}  // namespace vitrina::analytics
