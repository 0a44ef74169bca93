#pragma once
// The word timings of a transcript segment as every backend stores them: a JSON text column,
// [["word", start_ms, end_ms, conf], ...] (conf rounded to 3 decimals).

#include <string>
#include <vector>

#include "store/records.h"

namespace vitrina::store {

std::string WordsJson(const std::vector<TranscriptWord>& words);
// Malformed entries are skipped; malformed JSON gives no words.
std::vector<TranscriptWord> ParseWords(const std::string& json);

}  // namespace vitrina::store
