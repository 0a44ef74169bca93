#include "service_level/duplicates.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "search/text.h"

namespace vitrina::service_level {
namespace {

// FNV-1a: a stable hash of bytes (std::hash may differ between library versions, and the
// signatures must not: a stored result would not be reproducible).
std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// splitmix64's finaliser: a bijective mixer; with a per-function seed it gives a family of
// hash functions for MinHash.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<std::string> Stems(std::string_view text) {
  std::vector<std::string> out;
  search::Tokenize(text, search::kTokenizeDefault,
                   [&](std::string_view token, std::size_t, std::size_t) {
                     out.emplace_back(token);
                     return true;
                   });
  return out;
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

double TitleOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(std::min(a.size(), b.size()));
}

}  // namespace

std::vector<std::string> Shingles(std::string_view title, std::string_view description) {
  std::vector<std::string> out = Stems(title);
  for (std::string& w : Stems(description)) out.push_back(std::move(w));
  SortUnique(&out);
  return out;
}

ListingSignature Sign(std::string_view title, std::string_view description,
                      const DuplicateOptions& options) {
  ListingSignature sig;
  for (std::string& w : Stems(title)) {
    if (HasDigit(w)) sig.title_numbers.push_back(w);
    sig.title_words.push_back(std::move(w));
  }
  SortUnique(&sig.title_words);
  SortUnique(&sig.title_numbers);

  const std::vector<std::string> shingles = Shingles(title, description);
  if (shingles.empty() || options.num_hashes <= 0) return sig;
  std::vector<std::uint64_t> hashes;
  hashes.reserve(shingles.size());
  for (const std::string& s : shingles) hashes.push_back(Fnv1a(s));
  sig.minhash.assign(static_cast<std::size_t>(options.num_hashes), ~0ull);
  for (int i = 0; i < options.num_hashes; ++i) {
    const std::uint64_t seed = Mix(0x5e111e7u + static_cast<std::uint64_t>(i));  // fixed seeds
    std::uint64_t& m = sig.minhash[static_cast<std::size_t>(i)];
    for (std::uint64_t h : hashes) m = std::min(m, Mix(h ^ seed));
  }
  return sig;
}

double EstimateJaccard(const ListingSignature& a, const ListingSignature& b) {
  if (a.minhash.empty() || a.minhash.size() != b.minhash.size()) return 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.minhash.size(); ++i) equal += a.minhash[i] == b.minhash[i];
  return static_cast<double>(equal) / static_cast<double>(a.minhash.size());
}

bool NearDuplicate(const ListingSignature& a, const ListingSignature& b,
                   const DuplicateOptions& options) {
  if (a.title_numbers != b.title_numbers) return false;
  if (TitleOverlap(a.title_words, b.title_words) < options.title_overlap) return false;
  return EstimateJaccard(a, b) >= options.text_threshold;
}

std::vector<Repeat> FindRepeats(const std::vector<ListingInfo>& listings,
                                const DuplicateOptions& options) {
  // Oldest first: an original is always seen before its copies.
  std::vector<std::size_t> order(listings.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const ListingInfo& a = listings[x];
    const ListingInfo& b = listings[y];
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  std::vector<ListingSignature> sigs;
  sigs.reserve(order.size());
  for (std::size_t i : order) {
    sigs.push_back(Sign(listings[i].title, listings[i].description, options));
  }

  const int bands =
      options.bands > 0 && options.num_hashes % options.bands == 0 ? options.bands : 1;
  const std::size_t rows = static_cast<std::size_t>(options.num_hashes / bands);
  // Bucket key (band, hash of the band's rows) → positions in age order, oldest first.
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> buckets;
  std::vector<std::size_t> checked(sigs.size(), SIZE_MAX);  // position last compared with
  std::vector<Repeat> repeats;
  for (std::size_t pos = 0; pos < sigs.size(); ++pos) {
    const ListingSignature& sig = sigs[pos];
    if (sig.minhash.empty()) continue;
    std::size_t best = SIZE_MAX;  // the oldest near-duplicate found so far
    std::vector<std::uint64_t> keys;
    keys.reserve(static_cast<std::size_t>(bands));
    for (int band = 0; band < bands; ++band) {
      std::uint64_t key = Mix(static_cast<std::uint64_t>(band));
      for (std::size_t r = 0; r < rows; ++r) {
        key = Mix(key ^ sig.minhash[static_cast<std::size_t>(band) * rows + r]);
      }
      keys.push_back(key);
      auto it = buckets.find(key);
      if (it == buckets.end()) continue;
      for (std::size_t other : it->second) {
        if (other >= best) break;  // the bucket is in age order
        if (checked[other] == pos) continue;
        checked[other] = pos;
        if (NearDuplicate(sig, sigs[other], options)) best = other;
      }
    }
    if (best != SIZE_MAX) {
      repeats.push_back(
          {listings[order[pos]].id, listings[order[best]].id, EstimateJaccard(sig, sigs[best])});
    }
    for (std::uint64_t key : keys) buckets[key].push_back(pos);
  }
  return repeats;
}

}  // namespace vitrina::service_level
