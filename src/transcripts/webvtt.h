#pragma once
// A transcript as WebVTT captions (W3C WebVTT): one cue per stretch of a segment, each with
// the speaker's voice tag (<v Buyer> / <v Seller>), so a player shows who is talking.

#include <string>

#include "store/records.h"

namespace vitrina::transcripts {

struct VttOptions {
  // A segment longer than this (or with more words) is cut into several cues at word
  // boundaries, so captions stay readable on screen.
  std::int64_t max_cue_ms = 7'000;
  int max_cue_words = 14;
};

// "00:01:02.345"
std::string VttTimestamp(std::int64_t ms);

// The transcript's segments (any order) as a WebVTT document, cues in time order.
std::string ToWebVtt(const store::Transcript& transcript, const VttOptions& options = {});

}  // namespace vitrina::transcripts
