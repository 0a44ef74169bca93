#pragma once
// The phrase rules shipped with the product (Russian and English, all eight categories of
// rules.h): what an installation starts with before its admins add their own. How they were
// written and how well they do on the labelled set: docs/analytics.md "## Phrase rules".

#include <vector>

#include "analytics/rules.h"

namespace vitrina::analytics {

// The default rules, ids 1..n in a fixed order, all enabled. Severity and action by category:
// prepayment, off_platform_payment, card_or_code_request, fake_link and
// fake_payment_confirmation are high / case, and live (they warn the targeted party during the
// call); contact_exchange, pressure and insult are warn / tag, not live.
std::vector<Rule> DefaultRules();

// The severity and action the default set gives a category (warn / tag for an unknown one).
Severity DefaultSeverity(std::string_view category);
RuleAction DefaultAction(std::string_view category);

}  // namespace vitrina::analytics
