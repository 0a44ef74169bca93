#pragma once
// Live rules (issue 16): the phrase rules with the `live` switch, evaluated on a speaker's
// final words as they arrive during the call. A phrase may straddle two utterances ("I need a
// prepayment" / "to my card"), so each speaker keeps a window of their recent words and the
// rules run over the window; a rule fires at most once per speaker per call (a warning repeated
// every sentence would be noise), and only on words it has not matched before. Pure: one
// watcher per call, not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analytics/conversation_metrics.h"
#include "analytics/rules.h"

namespace vitrina::live {

struct LiveWord {
  std::string text;
  std::int64_t start_ms = 0;  // on the call's timeline
  std::int64_t end_ms = 0;
};

struct LiveHit {
  analytics::RuleHit hit;
  analytics::Role speaker = analytics::Role::kBuyer;
  std::int64_t start_ms = 0;  // the matched words' span on the call's timeline
  std::int64_t end_ms = 0;
  std::string text;  // the matched words
};

struct LiveRuleOptions {
  std::int64_t window_ms = 20'000;  // words older than this (before the newest) leave the window
  std::size_t window_words = 60;    // and at most this many words are kept
};

class LiveRuleWatcher {
 public:
  explicit LiveRuleWatcher(LiveRuleOptions options = {}) : options_(options) {}

  // Adds `speaker`'s final words of one utterance and returns the hits of `rules` (the live
  // rules' matcher) that are new: not fired before for this speaker, and ending in these words.
  // Null `rules` (they could not be loaded): the words only join the window.
  std::vector<LiveHit> Add(const analytics::RuleMatcher* rules, analytics::Role speaker,
                           const std::string& language, const std::vector<LiveWord>& words);
  // `rule_id` fired for `speaker` earlier in the call (e.g. before the tap lost the stream).
  void MarkFired(analytics::Role speaker, std::int64_t rule_id) { Of(speaker).fired.push_back(rule_id); }

 private:
  struct Side {
    std::vector<LiveWord> window;
    std::vector<std::int64_t> fired;  // rule ids
  };
  Side& Of(analytics::Role r) { return r == analytics::Role::kBuyer ? buyer_ : seller_; }

  LiveRuleOptions options_;
  Side buyer_;
  Side seller_;
};

}  // namespace vitrina::live
