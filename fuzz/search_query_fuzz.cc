// libFuzzer target: search queries and the text they are matched against (both come from
// users: the query string, and transcript text that is said by them). The query parser must
// either refuse with bad_query or produce an FTS5 expression whose every term is quoted; the
// tokenizer and the snippet maker must take any bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "search/highlight.h"
#include "search/query.h"
#include "search/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto query = vitrina::search::ParseQuery(input);
  if (query) {
    const std::string fts = query->ToFts();
    // Outside quoted strings only FTS5 operators, parentheses and spaces may appear: a user
    // can never reach a column filter, NEAR, ^ or a bare word.
    bool quoted = false;
    for (std::size_t i = 0; i < fts.size(); ++i) {
      const char c = fts[i];
      if (c == '"') {
        if (quoted && i + 1 < fts.size() && fts[i + 1] == '"') {
          ++i;  // an escaped quote inside a string
          continue;
        }
        quoted = !quoted;
        continue;
      }
      if (quoted) continue;
      if (c == ' ' || c == '(' || c == ')' || c == '*' || c == '+') continue;
      if (fts.compare(i, 3, "AND") == 0 || fts.compare(i, 3, "NOT") == 0) {
        i += 2;
        continue;
      }
      if (fts.compare(i, 2, "OR") == 0) {
        i += 1;
        continue;
      }
      __builtin_trap();
    }
    if (quoted) __builtin_trap();
    (void)vitrina::search::Snippet(input, query->terms());
  } else if (query.error().code != "bad_query") {
    __builtin_trap();
  }
  vitrina::search::Tokenize(input, vitrina::search::kTokenizeDefault,
                            [](std::string_view, std::size_t, std::size_t) { return true; });
  return 0;
}
