#include "store/ranked_search.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>

#include "search/rank.h"

namespace vitrina::store {
namespace {

// The cursor: where the page ended in a tier (the tier's newest id, the last hit's score and
// id), as "<tier_hi>~<score>~<segment_id>" (URL-safe).
struct SearchCursor {
  Id tier_hi = 0;
  double score = 0;
  Id segment_id = 0;
};

std::string EncodeCursor(const SearchCursor& c) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.score);
  (void)ec;
  return std::to_string(c.tier_hi) + "~" + std::string(buf, end) + "~" + std::to_string(c.segment_id);
}

Result<SearchCursor> DecodeCursor(std::string_view s) {
  auto bad = [] { return base::InvalidArgument("invalid_cursor", "The cursor is not one this server gave out"); };
  SearchCursor c;
  const auto a = s.find('~');
  const auto b = a == std::string_view::npos ? a : s.find('~', a + 1);
  if (b == std::string_view::npos || s.size() > 64) return bad();
  auto int_part = [](std::string_view p, Id& out) {
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), out);
    return ec == std::errc() && end == p.data() + p.size() && out >= 0;
  };
  const auto score = s.substr(a + 1, b - a - 1);
  auto [end, ec] = std::from_chars(score.data(), score.data() + score.size(), c.score);
  if (!int_part(s.substr(0, a), c.tier_hi) || !int_part(s.substr(b + 1), c.segment_id) ||
      ec != std::errc() || end != score.data() + score.size()) {
    return bad();
  }
  return c;
}

bool HasWords(const search::QueryNode& n) {
  if (n.kind == search::QueryNode::Kind::kPhrase) return !n.words.empty();
  for (const auto& c : n.children) {
    if (HasWords(c)) return true;
  }
  return false;
}

bool IsTagValue(const std::string& s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

SearchTier RankTier(std::vector<Id> ids, const std::vector<std::vector<std::int32_t>>& stats, bool older) {
  SearchTier tier;
  tier.older = older;
  if (ids.empty()) return tier;
  tier.newest = ids.front();
  tier.oldest = ids.back();
  search::TierScorer scorer;
  for (const auto& row : stats) {
    scorer.Add(row.data(), static_cast<int>(row.size() * sizeof(std::int32_t)));
  }
  const auto scores = scorer.Scores();
  tier.hits.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) tier.hits.push_back({ids[i], i < scores.size() ? scores[i] : 0});
  std::sort(tier.hits.begin(), tier.hits.end(), [](const SearchCandidate& a, const SearchCandidate& b) {
    return a.score != b.score ? a.score < b.score : a.id > b.id;
  });
  return tier;
}

Result<void> ValidateSearchQuery(const SearchQuery& q) {
  if (!HasWords(q.query)) return base::InvalidArgument("bad_query", "The query is empty");
  if (q.speaker && *q.speaker != "buyer" && *q.speaker != "seller") {
    return base::InvalidArgument("bad_filter", "speaker must be buyer or seller");
  }
  if (q.vertical && !IsTagValue(*q.vertical)) {
    return base::InvalidArgument("bad_filter", "Unknown vertical");
  }
  return {};
}

std::string CallTags(Id buyer_id, Id seller_id, Id listing_id, const std::string& vertical, Id call_id) {
  return "_u" + std::to_string(buyer_id) + " _u" + std::to_string(seller_id) + " _l" +
         std::to_string(listing_id) + " _v" + vertical + " _c" + std::to_string(call_id);
}

std::vector<std::string> QueryTags(const SearchQuery& q) {
  std::vector<std::string> tags;
  if (q.visible_to) tags.push_back("_u" + std::to_string(*q.visible_to));
  if (q.user_id && q.user_id != q.visible_to) tags.push_back("_u" + std::to_string(*q.user_id));
  if (q.listing_id) tags.push_back("_l" + std::to_string(*q.listing_id));
  if (q.call_id) tags.push_back("_c" + std::to_string(*q.call_id));
  if (q.vertical) tags.push_back("_v" + *q.vertical);
  if (q.speaker) tags.push_back("_s" + *q.speaker);
  return tags;
}

Result<SearchPage> RankedSearch(const SearchQuery& q, const FetchTierFn& fetch, const LoadHitFn& load) {
  TRY(ValidateSearchQuery(q));
  std::optional<SearchCursor> cursor;
  if (q.after) cursor = TRY(DecodeCursor(*q.after));
  const int limit = std::clamp(q.limit, 1, kMaxSearchLimit);

  // The date window is an id range (ids ascend with the call's start second).
  if (q.to && *q.to < 0) return SearchPage{};
  const Id lo = q.from ? SecondOf(*q.from) << kSegmentIdShift : 0;
  Id hi = q.to ? (SecondOf(*q.to) << kSegmentIdShift) | (kSegmentIdBlock - 1) : std::numeric_limits<Id>::max();
  std::optional<std::pair<double, Id>> after;
  if (cursor) {
    hi = std::min(hi, cursor->tier_hi);
    if (cursor->segment_id != 0) after.emplace(cursor->score, cursor->segment_id);
  }

  SearchPage page;
  while (hi >= lo) {
    const SearchTier tier_data = TRY(fetch(lo, hi));
    const std::vector<SearchCandidate>& tier = tier_data.hits;
    if (tier.empty()) return page;
    // The cursor names the tier by its newest row, not by `hi`: rows indexed later (newer
    // calls) then stay out of it, so its candidates and their scores do not move.
    hi = tier_data.newest;
    std::size_t i = 0;
    if (after) {
      const auto [score, id] = *after;
      while (i < tier.size() && (tier[i].score < score || (tier[i].score == score && tier[i].id >= id))) {
        ++i;
      }
    }
    const SearchCandidate* last = nullptr;
    for (; i < tier.size() && page.hits.size() < static_cast<std::size_t>(limit); ++i) {
      last = &tier[i];
      auto hit = TRY(load(tier[i].id, tier[i].score));
      if (hit) page.hits.push_back(std::move(*hit));
    }
    if (i < tier.size()) {  // the page is full inside this tier
      page.next = EncodeCursor(SearchCursor{hi, last->score, last->id});
      return page;
    }
    if (!tier_data.older) return page;  // this was the oldest tier
    if (page.hits.size() >= static_cast<std::size_t>(limit)) {
      page.next = EncodeCursor(SearchCursor{tier_data.oldest - 1, 0, 0});  // the next tier, from its best hit
      return page;
    }
    hi = tier_data.oldest - 1;
    after.reset();
  }
  return page;
}

}  // namespace vitrina::store
