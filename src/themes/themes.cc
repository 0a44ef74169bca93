#include "themes/themes.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "analytics/masking.h"
#include "search/text.h"
#include "themes/kmeans.h"
#include "themes/lsa.h"

namespace vitrina::themes {
namespace {

// Documents a language's number of themes is chosen on (the silhouette is O(n^2)).
constexpr std::size_t kSampleSize = 1000;
// Lloyd iterations over all documents, from the sample's centroids.
constexpr int kMaxIterations = 30;
// Documents the latent space is fitted on; every document is then projected onto it.
constexpr std::size_t kLsaSampleSize = 5000;

// Dimensions of the latent space for `n` documents; 0: too few, cluster TF-IDF directly. A fifth
// of the documents up to 50: enough to keep the distinctions between a few dozen themes, few
// enough that rare co-occurrences are smoothed away (docs/quality.md).
int LsaRank(std::size_t n) {
  if (n < 20) return 0;
  return static_cast<int>(std::min<std::size_t>(50, n / 5));
}

// Keeps `size` of `items` drawn without replacement (partial Fisher-Yates); all if fewer.
template <typename T>
void Sample(std::size_t size, Rng& rng, std::vector<T>* items) {
  if (items->size() <= size) return;
  for (std::size_t i = 0; i < size; ++i) {
    std::swap((*items)[i], (*items)[i + rng.Below(items->size() - i)]);
  }
  items->resize(size);
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Function words in their folded form (lower case, ё as е): they say nothing about a theme.
// Only grammar, no complaint vocabulary: what a theme is about is left to the data.
const std::unordered_set<std::string_view>& StopWords() {
  static const auto* const words = new std::unordered_set<std::string_view>{
      // Russian
      "а", "без", "более", "бы", "был", "была", "были", "было", "быть", "в", "вам", "вас",
      "весь", "во", "вот", "все", "всего", "всех", "вы", "где", "да", "даже", "для", "до",
      "его", "ее", "ей", "ему", "если", "есть", "еще", "же", "за", "здесь", "и", "из", "или",
      "им", "их", "к", "как", "ко", "когда", "кто", "ли", "либо", "мне", "меня", "мной",
      "мое", "мои", "мой", "мою", "моя", "мы", "на", "над", "надо", "нам", "нас", "не", "него",
      "нее", "нет", "ни", "них", "но", "ну", "о", "об", "однако", "он", "она", "они", "оно",
      "от", "очень", "по", "под", "при", "с", "со", "так", "также", "такой", "там", "те", "тем",
      "то", "того", "тоже", "той", "только", "том", "ты", "у", "уже", "хотя", "чего", "чей",
      "чем", "что", "чтобы", "чье", "чья", "эта", "эти", "это", "этого", "этой", "этом", "этот",
      "эту", "я", "мол", "ведь", "вообще", "свой", "свою", "своей", "свои", "своих", "своего",
      "себя", "себе", "ней", "нему", "ним", "раз", "тут", "потом", "после", "через",
      // English
      "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
      "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does",
      "doing", "for", "from", "had", "has", "have", "having", "he", "her", "here", "hers",
      "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
      "mine", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or",
      "other", "our", "ours", "out", "over", "own", "same", "she", "so", "some", "such", "than",
      "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
      "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what",
      "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
      "your", "yours", "s", "t", "d", "ll", "m", "re", "ve", "dont", "doesnt", "didnt", "wont",
      "cant", "isnt", "wasnt", "im", "ive", "its", "lets", "one", "again", "even", "still"};
  return *words;
}

bool Dropped(std::string_view folded) {
  if (search::CodePointCount(folded) < 2) return true;
  if (std::any_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;  // numbers, times, prices: not a theme
  }
  return StopWords().contains(folded);
}

constexpr std::uint32_t kNoTerm = 0xFFFFFFFF;

// One language's documents as terms. Words are looked up by their folded form, so each distinct
// word form is stemmed once (the stemmer is the slow part), and the counts of word forms give
// every stem a readable surface word for the labels.
class Lexicon {
 public:
  // The term ids of `text` (with repeats), PII contacts as the terms "[phone]", "[link]"...
  void Terms(std::string_view text, bool count_forms, std::vector<std::uint32_t>* out) {
    out->clear();
    const std::vector<analytics::PiiMatch> pii = analytics::FindPii(text);
    for (const analytics::PiiMatch& m : pii) {
      out->push_back(FormTerm(analytics::PiiToken(m.kind), count_forms, /*pii=*/true));
    }
    std::size_t next_pii = 0;
    search::Tokenize(text, search::kNoStem,
                     [&](std::string_view folded, std::size_t begin, std::size_t) {
                       while (next_pii < pii.size() && pii[next_pii].end <= begin) ++next_pii;
                       if (next_pii < pii.size() && pii[next_pii].begin <= begin) return true;
                       const std::uint32_t t = FormTerm(folded, count_forms, false);
                       if (t != kNoTerm) out->push_back(t);
                       return true;
                     });
  }

  std::size_t TermCount() const { return terms_.size(); }

  // The most frequent word form of a term among the counted documents.
  std::string Surface(std::uint32_t term) const {
    const Form* best = nullptr;
    const std::string* best_text = nullptr;
    for (const auto& [text, form] : forms_) {
      if (form.term != term) continue;
      if (best == nullptr || form.count > best->count ||
          (form.count == best->count && text < *best_text)) {
        best = &form;
        best_text = &text;
      }
    }
    return best_text ? *best_text : terms_[term];
  }

 private:
  struct Form {
    std::uint32_t term = kNoTerm;
    std::int64_t count = 0;
  };

  std::uint32_t FormTerm(std::string_view folded, bool count_forms, bool pii) {
    auto it = forms_.find(folded);
    if (it == forms_.end()) {
      Form form;
      if (!Dropped(folded) || pii) {
        const std::string stem = pii ? std::string(folded) : search::NormalizeWord(folded);
        auto [term, inserted] = term_ids_.try_emplace(stem, terms_.size());
        if (inserted) terms_.push_back(stem);
        form.term = term->second;
      }
      it = forms_.emplace(std::string(folded), form).first;
    }
    if (count_forms) ++it->second.count;
    return it->second.term;
  }

  StringMap<Form> forms_;
  StringMap<std::uint32_t> term_ids_;
  std::vector<std::string> terms_;
};

struct Vectorised {
  std::vector<SparseVector> vectors;  // parallel to the language's documents
  std::size_t dim = 0;
  std::vector<std::uint32_t> term_of;  // vocabulary index -> lexicon term
};

// Sublinear TF-IDF ((1 + ln tf) * (ln((1 + N) / (1 + df)) + 1)) over the terms found in at least
// min_df current documents, L2-normalised. IDF from the current period only.
Vectorised Vectorise(const std::vector<const ThemeDoc*>& docs, int min_df, Lexicon* lexicon) {
  std::vector<std::vector<std::uint32_t>> terms(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    lexicon->Terms(docs[i]->text, docs[i]->current, &terms[i]);
    std::sort(terms[i].begin(), terms[i].end());
  }
  std::vector<std::int64_t> df(lexicon->TermCount(), 0);
  std::int64_t current = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i]->current) continue;
    ++current;
    for (std::size_t j = 0; j < terms[i].size(); ++j) {
      if (j == 0 || terms[i][j] != terms[i][j - 1]) ++df[terms[i][j]];
    }
  }
  // A handful of complaints would otherwise have no term at all.
  const std::int64_t threshold =
      std::clamp<std::int64_t>(current / 10, 1, std::max<std::int64_t>(min_df, 1));
  Vectorised v;
  std::vector<std::uint32_t> index(df.size(), kNoTerm);
  std::vector<float> idf;
  for (std::uint32_t t = 0; t < df.size(); ++t) {
    if (df[t] < threshold) continue;
    index[t] = static_cast<std::uint32_t>(v.term_of.size());
    v.term_of.push_back(t);
    idf.push_back(static_cast<float>(
        std::log((1.0 + static_cast<double>(current)) / (1.0 + static_cast<double>(df[t]))) +
        1.0));
  }
  v.dim = v.term_of.size();
  v.vectors.resize(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    SparseVector& out = v.vectors[i];
    const std::vector<std::uint32_t>& ts = terms[i];
    for (std::size_t j = 0; j < ts.size();) {
      std::size_t e = j;
      while (e < ts.size() && ts[e] == ts[j]) ++e;
      if (index[ts[j]] != kNoTerm) {
        const std::uint32_t term = index[ts[j]];
        out.push_back({term, static_cast<float>((1.0 + std::log(static_cast<double>(e - j))) *
                                                idf[term])});
      }
      j = e;
    }
    std::sort(out.begin(), out.end(),
              [](const TermWeight& a, const TermWeight& b) { return a.term < b.term; });
    double norm = 0;
    for (const TermWeight& tw : out) norm += static_cast<double>(tw.weight) * tw.weight;
    norm = std::sqrt(norm);
    for (TermWeight& tw : out) tw.weight = static_cast<float>(tw.weight / norm);
  }
  return v;
}

std::uint64_t Mix(std::uint64_t seed, std::string_view language) {
  std::uint64_t h = seed ^ 0xCBF29CE484222325ull;
  for (char c : language) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return h;
}

void AddExamples(const std::vector<std::pair<float, const ThemeDoc*>>& ranked, int examples,
                 Theme* theme) {
  for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < examples; ++i) {
    theme->example_ids.push_back(ranked[i].second->id);
    theme->examples.push_back(analytics::Mask(ranked[i].second->text));
  }
}

void Finish(Theme* theme) {
  std::sort(theme->member_ids.begin(), theme->member_ids.end());
  theme->growth = static_cast<double>(theme->size - theme->previous_size) /
                  static_cast<double>(std::max<std::int64_t>(theme->previous_size, 1));
}

bool ByRank(const std::pair<float, const ThemeDoc*>& a, const std::pair<float, const ThemeDoc*>& b) {
  if (a.first != b.first) return a.first > b.first;
  return a.second->id < b.second->id;
}

std::vector<Theme> ClusterLanguage(const std::string& language,
                                   const std::vector<const ThemeDoc*>& docs,
                                   const ThemeOptions& options) {
  Lexicon lexicon;
  const Vectorised v = Vectorise(docs, options.min_df, &lexicon);
  Rng rng(Mix(options.seed, language));

  // The space the documents are clustered in: the latent one when there are enough documents
  // for word co-occurrence to mean something, else TF-IDF itself.
  const std::vector<SparseVector>* space = &v.vectors;
  std::size_t space_dim = v.dim;
  std::vector<SparseVector> latent;
  {
    std::vector<const SparseVector*> fit;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      if (docs[i]->current && !v.vectors[i].empty()) fit.push_back(&v.vectors[i]);
    }
    const int rank = LsaRank(fit.size());
    if (rank > 0) {
      Sample(kLsaSampleSize, rng, &fit);
      const LsaBasis lsa = FitLsa(fit, v.dim, rank, rng.Next());
      if (lsa.rank > 0) {
        latent.resize(docs.size());
        for (std::size_t i = 0; i < docs.size(); ++i) latent[i] = Project(lsa, v.vectors[i]);
        space = &latent;
        space_dim = static_cast<std::size_t>(lsa.rank);
      }
    }
  }

  std::vector<const SparseVector*> points;  // current documents with a place in the space
  std::vector<std::size_t> point_doc;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (docs[i]->current && !(*space)[i].empty()) {
      points.push_back(&(*space)[i]);
      point_doc.push_back(i);
    }
  }

  std::vector<Theme> themes;
  Clustering clustering;
  if (!points.empty()) {
    std::vector<const SparseVector*> sample = points;
    Sample(kSampleSize, rng, &sample);
    const int max_k = std::max(options.max_themes, 1);
    const int min_k = std::clamp(options.min_themes, 1, max_k);
    KChoice choice = ChooseK(sample, space_dim, min_k, max_k, rng.Next());
    const int k = std::min(choice.k, static_cast<int>(points.size()));
    if (choice.clustering.k == k) {
      // The sample's clustering (the best of its restarts) seeds Lloyd on every document: one
      // pass over the whole set instead of restarts over it.
      clustering = Lloyd(points, std::move(choice.clustering), kMaxIterations);
    } else {
      clustering = SphericalKMeans(points, space_dim, k, rng.Next());
    }
    themes.resize(static_cast<std::size_t>(k));
  }
  Theme residual;
  std::vector<std::pair<float, const ThemeDoc*>> residual_ranked;
  std::vector<std::vector<std::pair<float, const ThemeDoc*>>> ranked(themes.size());
  std::vector<std::vector<std::size_t>> members(themes.size());
  std::vector<float> sims;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const ThemeDoc* doc = docs[point_doc[p]];
    const auto j = static_cast<std::size_t>(clustering.assignment[p]);
    Similarities(clustering, *points[p], &sims);
    themes[j].member_ids.push_back(doc->id);
    ++themes[j].size;
    ranked[j].emplace_back(sims[j], doc);
    members[j].push_back(point_doc[p]);
  }
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const ThemeDoc* doc = docs[i];
    if (doc->current) {
      if (!(*space)[i].empty()) continue;
      residual.member_ids.push_back(doc->id);
      ++residual.size;
      residual_ranked.emplace_back(0.0f, doc);
      continue;
    }
    // Previous period: the nearest current theme, or the residual one if none is near at all.
    if (!themes.empty() && !(*space)[i].empty()) {
      const auto [j, sim] = Nearest(clustering, (*space)[i]);
      if (sim > 0) {
        ++themes[static_cast<std::size_t>(j)].previous_size;
        continue;
      }
    }
    ++residual.previous_size;
  }

  std::vector<Theme> out;
  std::vector<float> centroid(v.dim, 0.0f);
  for (std::size_t j = 0; j < themes.size(); ++j) {
    Theme& theme = themes[j];
    if (theme.size == 0) continue;  // emptied by the last assignment
    theme.language = language;
    // Label: the heaviest terms of the members' mean TF-IDF vector, each as its most frequent
    // word form. (Words, not latent dimensions: what an analyst reads must be in the texts.)
    for (std::size_t i : members[j]) {
      for (const TermWeight& tw : v.vectors[i]) centroid[tw.term] += tw.weight;
    }
    std::vector<std::pair<float, std::uint32_t>> weights;
    for (std::uint32_t t = 0; t < v.dim; ++t) {
      if (centroid[t] > 0) weights.emplace_back(centroid[t], t);
      centroid[t] = 0;
    }
    std::sort(weights.begin(), weights.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [w, t] : weights) {
      if (static_cast<int>(theme.label_terms.size()) >= options.top_terms) break;
      std::string word = lexicon.Surface(v.term_of[t]);
      if (std::find(theme.label_terms.begin(), theme.label_terms.end(), word) ==
          theme.label_terms.end()) {
        theme.label_terms.push_back(std::move(word));
      }
    }
    std::sort(ranked[j].begin(), ranked[j].end(), ByRank);
    AddExamples(ranked[j], options.examples, &theme);
    Finish(&theme);
    out.push_back(std::move(theme));
  }
  std::sort(out.begin(), out.end(), [](const Theme& a, const Theme& b) {
    if (a.size != b.size) return a.size > b.size;
    return a.member_ids.front() < b.member_ids.front();
  });
  if (residual.size > 0) {
    residual.language = language;
    std::sort(residual_ranked.begin(), residual_ranked.end(), ByRank);
    AddExamples(residual_ranked, options.examples, &residual);
    Finish(&residual);
    out.push_back(std::move(residual));
  }
  return out;
}

}  // namespace

std::vector<Theme> ClusterThemes(const std::vector<ThemeDoc>& docs, const ThemeOptions& options) {
  // Ordered by id so that the input's order does not change the themes.
  std::map<std::string, std::vector<const ThemeDoc*>> by_language;
  for (const ThemeDoc& doc : docs) {
    by_language[doc.language.empty() ? GuessLanguage(doc.text) : doc.language].push_back(&doc);
  }
  std::vector<Theme> themes;
  for (auto& [language, group] : by_language) {
    std::stable_sort(group.begin(), group.end(),
                     [](const ThemeDoc* a, const ThemeDoc* b) { return a->id < b->id; });
    std::vector<Theme> part = ClusterLanguage(language, group, options);
    std::move(part.begin(), part.end(), std::back_inserter(themes));
  }
  return themes;
}

std::string GuessLanguage(std::string_view text) {
  std::size_t cyrillic = 0, latin = 0;
  for (std::size_t at = 0; at < text.size();) {
    const char32_t cp = search::NextCodePoint(text, &at);
    if ((cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z')) {
      ++latin;
    } else if (cp >= 0x0400 && cp <= 0x04FF) {
      ++cyrillic;
    }
  }
  return cyrillic > latin ? "ru" : "en";
}

}  // namespace vitrina::themes
