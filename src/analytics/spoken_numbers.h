#pragma once
// Numbers in a transcript, said in words (Russian, English, as a recogniser writes them: lower
// case, no punctuation) or typed as digits, read as digit strings, so that a phone or card
// number said aloud can be found and masked (masking.h) and matched by rules. Rules and limits:
// docs/analytics.md "## Masking". Stateless; every function may be called from any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::analytics {

// One number as said: "сорок пять", "two hundred and fifty", "тысяча", "double five", or one
// token of typed ASCII digits ("916").
struct NumberGroup {
  std::size_t begin = 0;  // byte range of its words (or digits) in the input
  std::size_t end = 0;
  std::string digits;   // "45", "250", "1000", "55", "916"
  bool spoken = false;  // said in words; false: typed digits
};

// Groups next to each other — nothing but spaces, hyphens/dashes, brackets and commas (and a
// lone "." between typed digits) between them — form one run, read as their digits
// concatenated: a phone number said in groups ("восемь девятьсот шестнадцать сто двадцать три
// сорок пять шестьдесят семь") is one run, 89161234567. Any other word, a line break or other
// punctuation ends a run: "two hundred fifty rubles for three items" is two runs, 250 and 3.
struct NumberRun {
  std::size_t begin = 0;  // first group's begin .. last group's end
  std::size_t end = 0;
  std::size_t prefix_begin = 0;  // begin, or earlier over a "+", "(" or "плюс"/"plus" before it
  bool plus = false;             // "+" or "плюс"/"plus" directly before the first group
  std::string digits;            // the groups' digits concatenated
  std::vector<NumberGroup> groups;

  bool Spoken() const;  // whether any group was said in words
};

// Every run in `text`, typed and spoken, in order. A run made only of a weak word ("one",
// "oh", «семью», which are more often not numbers) is not reported.
std::vector<NumberRun> FindNumberRuns(std::string_view text);

// The runs with at least one group said in words.
std::vector<NumberRun> FindSpokenNumbers(std::string_view text);

// `text` with each run that has a group said in words replaced by its digits:
// "двести пятьдесят рублей за три штуки" → "250 рублей за 3 штуки". Runs of typed digits
// only are left as they were.
std::string SpokenNumbersToDigits(std::string_view text);

}  // namespace vitrina::analytics
