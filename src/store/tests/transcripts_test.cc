// TranscriptRepository and transcript search, for every store backend (parameterised by driver).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "search/fts5_tokenizer.h"
#include "search/query.h"
#include "store/sqlite/transcripts.h"
#include "store/tests/test_backends.h"
#include "store/open.h"
#include "store/store.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kT0 = 1'700'000'000'000;  // 2023-11-14

class TranscriptsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-transcripts-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    Open(10000);
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  // (Re)opens the test's database with this tier size.
  void Open(int tier_size) {
    store_.reset();
    StoreOptions options = options_;
    options.search_tier_size = tier_size;
    auto opened = OpenStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
  }

  Id AddUser(const std::string& email) {
    auto u = store_->Write([&](Tx& tx) {
      return tx.users().Insert({email, "Name " + email, "hash", {"user"}, "UTC"}, 1000);
    });
    EXPECT_TRUE(u) << u.error().message;
    return u->id;
  }

  Id AddListing(Id seller, const std::string& vertical) {
    Listing l;
    l.seller_id = seller;
    l.title = "item";
    l.description = "d";
    l.price = 100;
    l.vertical = vertical;
    l.call_hours_json = "{}";
    l.created_at = l.updated_at = 2000;
    auto r = store_->Write([&](Tx& tx) { return tx.listings().Insert(l); });
    EXPECT_TRUE(r) << r.error().message;
    return r->id;
  }

  // An ended call between buyer and seller on listing, started at `started_at`.
  Call AddCall(Id buyer, Id seller, Id listing, TimeMs started_at) {
    auto conv = store_->Write([&](Tx& tx) {
      return tx.chat().FindOrCreateConversation(listing, buyer, seller, 3000);
    });
    EXPECT_TRUE(conv);
    Call c;
    c.conversation_id = conv->first.id;
    c.listing_id = listing;
    c.buyer_id = buyer;
    c.seller_id = seller;
    c.proposed_by = buyer;
    c.state = "ended";
    c.join_opens_at = started_at - 1000;
    c.join_closes_at = started_at + 1000;
    c.created_at = c.updated_at = started_at - 5000;
    c.started_at = started_at;
    c.ended_at = started_at + 60000;
    auto r = store_->Write([&](Tx& tx) { return tx.calls().Insert(c); });
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }

  static TranscriptSegment Seg(const std::string& speaker, std::int64_t start_ms,
                               const std::string& text) {
    TranscriptSegment s;
    s.speaker = speaker;
    s.start_ms = start_ms;
    s.end_ms = start_ms + 1000;
    s.text = text;
    s.confidence = 0.9;
    s.words.push_back({text.substr(0, std::min<std::size_t>(text.size(), 4)), start_ms,
                       start_ms + 300, 0.75});
    return s;
  }

  Transcript Put(Id call_id, std::vector<TranscriptSegment> segments,
                 const std::string& model = "m1") {
    NewTranscript t{"test-engine", model, "ru", std::move(segments)};
    auto r = store_->Write([&](Tx& tx) { return tx.transcripts().Insert(call_id, t, kT0); });
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }

  // Runs the user's query syntax through the search parser, as the API does.
  Result<SearchPage> Find(const std::string& text, SearchQuery q = {}) {
    auto parsed = search::ParseQuery(text);
    if (!parsed) return tl::unexpected(parsed.error());
    q.query = parsed->root();
    return store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  }

  // The texts of every hit (first page, limit 100).
  std::multiset<std::string> Texts(const std::string& text, SearchQuery q = {}) {
    q.limit = 100;
    auto page = Find(text, q);
    EXPECT_TRUE(page) << page.error().message;
    std::multiset<std::string> out;
    if (page) {
      for (const auto& h : page->hits) out.insert(h.text);
    }
    return out;
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(TranscriptsTest, InsertAssignsTimeOrderedIdsAndReadsBack) {
  Id b = AddUser("b@x"), s = AddUser("s@x");
  Call call = AddCall(b, s, AddListing(s, "goods"), kT0);
  Transcript t = Put(call.id, {Seg("seller", 5000, "second"), Seg("buyer", 1000, "first")});
  ASSERT_EQ(t.segments.size(), 2u);
  EXPECT_EQ(t.version, 1);
  EXPECT_TRUE(t.current);
  EXPECT_EQ(t.segments[0].text, "first");  // by start time
  EXPECT_LT(t.segments[0].id, t.segments[1].id);
  EXPECT_EQ(t.segments[0].id >> 24, kT0 / 1000) << "ids carry the call's start second";

  auto current = store_->Read([&](Tx& tx) { return tx.transcripts().Current(call.id); });
  ASSERT_TRUE(current && *current);
  ASSERT_EQ((*current)->segments.size(), 2u);
  const auto& seg = (*current)->segments[0];
  EXPECT_EQ(seg.id, t.segments[0].id);
  EXPECT_EQ(seg.speaker, "buyer");
  EXPECT_EQ(seg.start_ms, 1000);
  EXPECT_EQ(seg.end_ms, 2000);
  EXPECT_DOUBLE_EQ(seg.confidence, 0.9);
  ASSERT_EQ(seg.words.size(), 1u);
  EXPECT_EQ(seg.words[0].w, "firs");
  EXPECT_EQ(seg.words[0].start_ms, 1000);
  EXPECT_EQ(seg.words[0].end_ms, 1300);
  EXPECT_DOUBLE_EQ(seg.words[0].conf, 0.75);
  EXPECT_EQ((*current)->engine, "test-engine");

  auto missing = store_->Write([&](Tx& tx) {
    return tx.transcripts().Insert(call.id + 100, NewTranscript{}, kT0);
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "call_not_found");
}

// Three users' calls on two listings in two verticals, ten days apart.
class SearchWorld : public TranscriptsTest {
 protected:
  void SetUp() override {
    TranscriptsTest::SetUp();
    alice = AddUser("alice@x");
    bob = AddUser("bob@x");
    shop = AddUser("shop@x");
    dealer = AddUser("dealer@x");
    phone_listing = AddListing(shop, "goods");
    car_listing = AddListing(dealer, "auto");
    c1 = AddCall(alice, shop, phone_listing, kT0).id;
    c2 = AddCall(bob, shop, phone_listing, kT0 + 10 * kDay).id;
    c3 = AddCall(alice, dealer, car_listing, kT0 + 20 * kDay).id;
    Put(c1, {Seg("buyer", 0, "Можно оплатить картой?"),
             Seg("seller", 1000, "Да, карту принимаю. The battery is charging."),
             Seg("buyer", 2000, "Is it a new phone?")});
    Put(c2, {Seg("buyer", 0, "Do you take cards? Оплата картой"),
             Seg("seller", 1000, "Only cash. Phone new, old case"),
             Seg("buyer", 2000, "Доставка ёлки возможна?")});
    Put(c3, {Seg("buyer", 0, "Машина на ходу? Оплата картой возможна?"),
             Seg("seller", 1000, "Two batteries, both charged. Доставка елки нет.")});
  }
  std::set<Id> Calls(const std::string& text, SearchQuery q = {}) {
    q.limit = 100;
    auto page = Find(text, q);
    EXPECT_TRUE(page) << page.error().message;
    std::set<Id> out;
    if (page) {
      for (const auto& h : page->hits) out.insert(h.call_id);
    }
    return out;
  }
  Id alice = 0, bob = 0, shop = 0, dealer = 0, phone_listing = 0, car_listing = 0;
  Id c1 = 0, c2 = 0, c3 = 0;
};

using Set = std::set<Id>;
using Texts_ = std::multiset<std::string>;

TEST_P(SearchWorld, RussianAndEnglishStemming) {
  EXPECT_EQ(Texts("карта"), (Texts_{"Можно оплатить картой?",
                                    "Да, карту принимаю. The battery is charging.",
                                    "Do you take cards? Оплата картой",
                                    "Машина на ходу? Оплата картой возможна?"}));
  EXPECT_EQ(Texts("ёлка"), (Texts_{"Доставка ёлки возможна?",
                                   "Two batteries, both charged. Доставка елки нет."}));
  EXPECT_EQ(Texts("ЕЛКИ"), Texts("ёлка"));
  EXPECT_EQ(Texts("charge battery"),
            (Texts_{"Да, карту принимаю. The battery is charging.",
                    "Two batteries, both charged. Доставка елки нет."}));
  EXPECT_EQ(Calls("card"), (Set{c2}));
}

TEST_P(SearchWorld, PhraseOrNotPrefix) {
  EXPECT_EQ(Texts("new phone"), (Texts_{"Is it a new phone?", "Only cash. Phone new, old case"}));
  EXPECT_EQ(Texts("\"new phone\""), (Texts_{"Is it a new phone?"}));
  // Phrases match stems in order: "оплатить картой" is the same phrase as "оплата картой".
  EXPECT_EQ(Texts("\"оплата картой\""), (Texts_{"Можно оплатить картой?",
                                                  "Do you take cards? Оплата картой",
                                                  "Машина на ходу? Оплата картой возможна?"}));
  EXPECT_EQ(Texts("\"картой оплата\""), Texts_{});
  EXPECT_EQ(Texts("\"картой возможна\""), (Texts_{"Машина на ходу? Оплата картой возможна?"}));
  EXPECT_EQ(Texts("cash OR машина"),
            (Texts_{"Only cash. Phone new, old case", "Машина на ходу? Оплата картой возможна?"}));
  EXPECT_EQ(Texts("картой -машина -cards"), (Texts_{"Можно оплатить картой?",
                                                     "Да, карту принимаю. The battery is charging."}));
  EXPECT_EQ(Texts("достав* ел*"), (Texts_{"Доставка ёлки возможна?",
                                         "Two batteries, both charged. Доставка елки нет."}));
  EXPECT_EQ(Calls("batter*"), (Set{c1, c3}));
}

TEST_P(SearchWorld, EachFilter) {
  SearchQuery q;
  q.speaker = "seller";
  EXPECT_EQ(Texts("картой", q), (Texts_{"Да, карту принимаю. The battery is charging."}));
  q = {};
  q.user_id = bob;
  EXPECT_EQ(Calls("картой", q), (Set{c2}));
  q.user_id = shop;
  EXPECT_EQ(Calls("картой", q), (Set{c1, c2}));
  q = {};
  q.listing_id = car_listing;
  EXPECT_EQ(Calls("картой", q), (Set{c3}));
  q = {};
  q.vertical = "goods";
  EXPECT_EQ(Calls("картой", q), (Set{c1, c2}));
  q.vertical = "realty";
  EXPECT_EQ(Calls("картой", q), (Set{}));
  q = {};
  q.call_id = c2;
  EXPECT_EQ(Calls("картой OR phone", q), (Set{c2}));
  q = {};
  q.speaker = "buyer";
  q.vertical = "goods";
  q.user_id = alice;
  EXPECT_EQ(Texts("картой OR phone", q), (Texts_{"Можно оплатить картой?", "Is it a new phone?"}));
}

TEST_P(SearchWorld, DateRangeIsExact) {
  SearchQuery q;
  q.from = kT0 + 5 * kDay;
  q.to = kT0 + 15 * kDay;
  EXPECT_EQ(Calls("картой", q), (Set{c2}));
  q = {};
  q.from = kT0 + 10 * kDay;
  EXPECT_EQ(Calls("картой", q), (Set{c2, c3}));
  q = {};
  q.to = kT0 + 10 * kDay;
  EXPECT_EQ(Calls("картой", q), (Set{c1, c2}));
  // Finer than the id's second: the call started at kT0 + 10 days exactly.
  q = {};
  q.from = kT0 + 10 * kDay + 1;
  q.to = kT0 + 10 * kDay + 999;
  EXPECT_EQ(Calls("картой", q), (Set{}));
  q.from = kT0 + 10 * kDay - 999;
  q.to = kT0 + 10 * kDay;
  EXPECT_EQ(Calls("картой", q), (Set{c2}));
  auto page = Find("картой", q);
  ASSERT_TRUE(page && !page->hits.empty());
  EXPECT_EQ(page->hits[0].call_started_at, kT0 + 10 * kDay);
}

TEST_P(SearchWorld, VisibleToNeverReturnsAnotherUsersCall) {
  SearchQuery q;
  q.visible_to = bob;
  EXPECT_EQ(Calls("картой OR phone OR cash OR доставка OR машина", q), (Set{c2}));
  // Asking for someone else's calls narrows, never widens.
  q.user_id = alice;
  EXPECT_EQ(Calls("картой OR phone OR машина", q), (Set{}));
  q.user_id = shop;
  EXPECT_EQ(Calls("картой OR phone", q), (Set{c2}));
  q = {};
  q.visible_to = alice;
  q.call_id = c2;
  EXPECT_EQ(Calls("картой", q), (Set{}));
  q = {};
  q.visible_to = dealer;
  q.listing_id = phone_listing;
  EXPECT_EQ(Calls("картой", q), (Set{}));
  q = {};
  q.visible_to = shop;
  EXPECT_EQ(Calls("картой OR машина", q), (Set{c1, c2}));
  q.visible_to = AddUser("stranger@x");
  EXPECT_EQ(Calls("картой OR машина OR phone", q), (Set{}));
}

TEST_P(SearchWorld, ReprocessingReplacesHitsAndKeepsOldVersions) {
  Transcript v2 = Put(c1, {Seg("buyer", 0, "Можно оплатить картой сейчас?")}, "m2");
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(Texts("картой", [&] { SearchQuery q; q.call_id = c1; return q; }()),
            (Texts_{"Можно оплатить картой сейчас?"}));
  EXPECT_TRUE(Texts("charging").count("Да, карту принимаю. The battery is charging.") == 0);
  // A re-run of the same job: one more version, still one hit per segment.
  Put(c1, {Seg("buyer", 0, "Можно оплатить картой сейчас?")}, "m2");
  EXPECT_EQ(Texts("сейчас"), (Texts_{"Можно оплатить картой сейчас?"}));

  auto versions = *store_->Read([&](Tx& tx) { return tx.transcripts().Versions(c1); });
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version, 3);
  EXPECT_TRUE(versions[0].current);
  EXPECT_FALSE(versions[1].current);
  EXPECT_FALSE(versions[2].current);
  EXPECT_TRUE(versions[2].segments.empty());
  auto v1 = *store_->Read([&](Tx& tx) { return tx.transcripts().Version(c1, 1); });
  ASSERT_TRUE(v1);
  EXPECT_FALSE(v1->current);
  EXPECT_EQ(v1->model, "m1");
  ASSERT_EQ(v1->segments.size(), 3u);
  EXPECT_EQ(v1->segments[2].text, "Is it a new phone?");
  EXPECT_FALSE(*store_->Read([&](Tx& tx) { return tx.transcripts().Version(c1, 9); }));
  auto current = *store_->Read([&](Tx& tx) { return tx.transcripts().Current(c1); });
  ASSERT_TRUE(current);
  EXPECT_EQ(current->version, 3);

  // Retention: everything of the call goes, out of the index too.
  auto deleted = store_->Write([&](Tx& tx) { return tx.transcripts().DeleteForCall(c1); });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 3 + 1 + 1);
  EXPECT_EQ(Texts("сейчас"), Texts_{});
  EXPECT_EQ(Calls("картой"), (Set{c2, c3}));
  EXPECT_FALSE(*store_->Read([&](Tx& tx) { return tx.transcripts().Current(c1); }));
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return tx.transcripts().Versions(c1); })->empty());
  // And a new transcript may follow.
  EXPECT_EQ(Put(c1, {Seg("buyer", 0, "снова картой")}).version, 1);
  EXPECT_EQ(Texts("снова"), (Texts_{"снова картой"}));
}

TEST_P(SearchWorld, HitsCarryTheSegment) {
  SearchQuery q;
  q.call_id = c2;
  auto page = Find("\"оплата картой\"", q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->hits.size(), 1u);
  const SearchHit& h = page->hits[0];
  EXPECT_EQ(h.call_id, c2);
  EXPECT_EQ(h.speaker, "buyer");
  EXPECT_EQ(h.start_ms, 0);
  EXPECT_EQ(h.end_ms, 1000);
  EXPECT_EQ(h.text, "Do you take cards? Оплата картой");
  EXPECT_LT(h.score, 0);
  EXPECT_EQ(h.call_started_at, kT0 + 10 * kDay);
  EXPECT_GT(h.segment_id, 0);
  EXPECT_FALSE(page->next);
}

TEST_P(SearchWorld, BadInputIsInvalidArgument) {
  SearchQuery q;  // no words at all
  auto r = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_query") << r.error().message;
  q.query = search::ParseQuery("x")->root();
  for (const char* cursor : {"", "1~2", "x~0~1", "1~0~-5", "9~nan~1~"}) {
    q.after = cursor;
    r = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
    ASSERT_FALSE(r) << cursor;
    EXPECT_EQ(r.error().code, "invalid_cursor") << cursor;
  }
  q.after.reset();
  q.speaker = "moderator";
  r = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_filter");
  q.speaker.reset();
  q.vertical = "goods\" OR \"x";
  r = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_filter");
}

TEST_P(TranscriptsTest, CallTranscriptStatusRoundTrips) {
  Id b = AddUser("b@x"), s = AddUser("s@x");
  Call call = AddCall(b, s, AddListing(s, "goods"), kT0);
  EXPECT_EQ(call.transcript_status, "none");
  auto read = *store_->Read([&](Tx& tx) { return tx.calls().FindById(call.id); });
  ASSERT_TRUE(read);
  EXPECT_EQ(read->transcript_status, "none");
  EXPECT_FALSE(read->transcript_progress);
  read->transcript_status = "processing";
  read->transcript_progress = 40;
  read->transcript_error = "retrying";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.calls().Update(*read); }));
  auto again = *store_->Read([&](Tx& tx) { return tx.calls().FindById(call.id); });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->transcript_status, "processing");
  EXPECT_EQ(again->transcript_progress, 40);
  EXPECT_EQ(again->transcript_error, "retrying");
  read->transcript_status = "bogus";
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.calls().Update(*read); }));
}

// Walks every page; returns the segment ids in page order.
std::vector<Id> WalkAll(Store& store, const std::string& text, int limit,
                        const std::function<void(int page)>& between = nullptr) {
  auto parsed = search::ParseQuery(text);
  EXPECT_TRUE(parsed);
  SearchQuery q;
  q.query = parsed->root();
  q.limit = limit;
  std::vector<Id> ids;
  for (int page = 0; page < 1000; ++page) {
    auto r = store.Read([&](Tx& tx) { return tx.transcripts().Search(q); });
    EXPECT_TRUE(r) << r.error().message;
    if (!r) break;
    EXPECT_LE(r->hits.size(), static_cast<std::size_t>(limit));
    for (const auto& h : r->hits) ids.push_back(h.segment_id);
    if (!r->next) break;
    EXPECT_FALSE(r->hits.empty()) << "a cursor after an empty page";
    q.after = r->next;
    if (between) between(page);
  }
  return ids;
}

TEST_P(TranscriptsTest, PagesWalkEveryHitOnceInAStableOrder) {
  Open(3);  // tiers of 3 candidates: many tier boundaries
  Id b = AddUser("b@x"), s = AddUser("s@x");
  Id listing = AddListing(s, "goods");
  std::set<Id> expected;
  for (int i = 0; i < 7; ++i) {
    Call call = AddCall(b, s, listing, kT0 + i * kDay);
    std::vector<TranscriptSegment> segs;
    // Different lengths and repeats: different scores inside a tier; some ties too.
    for (int j = 0; j < 3; ++j) {
      std::string text = "доставка";
      for (int k = 0; k < (i + j) % 3; ++k) text += " завтра";
      if ((i * 3 + j) % 4 == 0) text += " доставка";
      segs.push_back(Seg(j % 2 ? "seller" : "buyer", j * 1000, text));
    }
    segs.push_back(Seg("buyer", 5000, "unrelated words"));
    for (const auto& seg : Put(call.id, segs).segments) {
      if (seg.text.find("доставка") != std::string::npos) expected.insert(seg.id);
    }
  }
  ASSERT_EQ(expected.size(), 21u);

  const std::vector<Id> one_shot = WalkAll(*store_, "доставкой", 100);
  EXPECT_EQ(one_shot.size(), 21u);
  EXPECT_EQ(std::set<Id>(one_shot.begin(), one_shot.end()), expected);
  for (int limit : {1, 2, 3, 4, 5}) {
    EXPECT_EQ(WalkAll(*store_, "доставкой", limit), one_shot) << "limit " << limit;
  }
  // Tiers are newest-first: every hit of a tier is newer than every hit of the next one.
  std::vector<Id> tier_max;
  for (std::size_t i = 0; i < one_shot.size(); i += 3) {
    tier_max.push_back(*std::max_element(one_shot.begin() + i,
                                         one_shot.begin() + std::min(i + 3, one_shot.size())));
    if (i > 0) {
      EXPECT_LT(tier_max.back(), *std::min_element(one_shot.begin() + i - 3, one_shot.begin() + i));
    }
  }

  // New segments of a newer call, indexed between pages, neither repeat nor hide a hit.
  int added = 0;
  const std::vector<Id> walked = WalkAll(*store_, "доставкой", 2, [&](int page) {
    if (page % 2 == 0) {
      Call newer = AddCall(b, s, listing, kT0 + (30 + page) * kDay);
      Put(newer.id, {Seg("buyer", 0, "доставка доставка"), Seg("seller", 1000, "доставка")});
      ++added;
    }
  });
  EXPECT_GT(added, 2);
  EXPECT_EQ(walked, one_shot);
}

TEST_P(TranscriptsTest, NextOnlyWhenMoreHitsMayExist) {
  Open(4);
  Id b = AddUser("b@x"), s = AddUser("s@x");
  Call call = AddCall(b, s, AddListing(s, "goods"), kT0);
  std::vector<TranscriptSegment> segs;
  for (int j = 0; j < 4; ++j) segs.push_back(Seg("buyer", j * 1000, "word number " + std::to_string(j)));
  Put(call.id, segs);
  SearchQuery q;
  q.query = search::ParseQuery("word")->root();
  q.limit = 4;  // exactly one full tier, nothing older
  auto page = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_TRUE(page);
  EXPECT_EQ(page->hits.size(), 4u);
  EXPECT_FALSE(page->next);
  q.limit = 3;
  page = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_TRUE(page && page->next);
  q.after = page->next;
  page = store_->Read([&](Tx& tx) { return tx.transcripts().Search(q); });
  ASSERT_TRUE(page);
  EXPECT_EQ(page->hits.size(), 1u);
  EXPECT_FALSE(page->next);
}

// The search statements run FTS-first: the tier query never joins, the hit query looks rows up
// by primary key (SEARCH-NOTES: a join-first plan probes the index per row, minutes per query).
// The same data gives the same pages, hit for hit and score for score, in both backends: the
// tokenizer, the phrase counting and the tier ranking are shared; only the index differs.
TEST(SearchParity, BothBackendsGiveTheSamePages) {
  const fs::path dir = fs::temp_directory_path() / ("vitrina-parity-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const char* const kTexts[] = {
      "Оплата картой при встрече, карта у меня с собой",
      "Can you show the battery? The batteries look new",
      "Доставка курьером, оплатить картой можно при получении",
      "new phone, no case, charger included",
      "I will pay cash or card, whatever you prefer",
      "переведите предоплату на карту, потом доставка",
      "The phone case is scratched but the phone is new",
      "Картой не получится, только наличные",
      "charging cable and a charged battery",
      "e-mail me the photos, кто-то ещё спрашивал",
  };
  std::map<std::string, std::vector<std::pair<Id, double>>> pages[2];
  const std::vector<std::string> queries = {
      "картой", "оплата картой", "\"оплатить картой\"", "batter*", "cash OR card", "phone -scratched",
      "\"new phone\"", "доставк*", "phone (case OR charger)", "e-mail", "charge", "карт* -доставка"};
  const std::string backends[2] = {"sqlite", "postgres"};
  for (int b = 0; b < 2; ++b) {
    StoreOptions options = test_backends::FreshStoreOptions(backends[b], dir / backends[b]);
    options.search_tier_size = 5;  // several tiers per query
    fs::create_directories(dir / backends[b]);
    {
      auto opened = OpenStore(options);
      ASSERT_TRUE(opened) << opened.error().message;
      auto& store = **opened;
      ASSERT_TRUE(store.Migrate());
      auto ok = store.Write([&](Tx& tx) -> Result<void> {
        auto buyer = TRY(tx.users().Insert({"b@x", "B", "h", {"user"}, "UTC"}, 1));
        auto seller = TRY(tx.users().Insert({"s@x", "S", "h", {"user"}, "UTC"}, 1));
        Listing l;
        l.seller_id = seller.id;
        l.title = "t";
        l.description = "d";
        l.price = 1;
        l.vertical = "goods";
        l.call_hours_json = "{}";
        auto listing = TRY(tx.listings().Insert(l));
        auto conv = TRY(tx.chat().FindOrCreateConversation(listing.id, buyer.id, seller.id, 1));
        for (int c = 0; c < 12; ++c) {
          Call call;
          call.conversation_id = conv.first.id;
          call.listing_id = listing.id;
          call.buyer_id = buyer.id;
          call.seller_id = seller.id;
          call.proposed_by = buyer.id;
          call.state = "ended";
          call.started_at = kT0 + c * kDay;
          call.join_opens_at = call.join_closes_at = *call.started_at;
          call.created_at = call.updated_at = *call.started_at;
          call = TRY(tx.calls().Insert(call));
          NewTranscript t{"e", "m", "ru", {}};
          for (int k = 0; k < 6; ++k) {
            TranscriptSegment seg;
            seg.speaker = k % 2 ? "seller" : "buyer";
            seg.start_ms = k * 1000;
            seg.end_ms = k * 1000 + 900;
            seg.text = kTexts[(c * 7 + k * 3) % 10];
            if (k % 3 == 0) seg.text += std::string(" ") + kTexts[(c + k) % 10];
            seg.confidence = 0.9;
            t.segments.push_back(seg);
          }
          TRY(tx.transcripts().Insert(call.id, t, 1));
        }
        return {};
      });
      ASSERT_TRUE(ok) << ok.error().message;
      for (const auto& text : queries) {
        auto parsed = search::ParseQuery(text);
        ASSERT_TRUE(parsed) << text;
        SearchQuery q;
        q.query = parsed->root();
        q.limit = 4;
        for (int page = 0; page < 100; ++page) {
          auto r = store.Read([&](Tx& tx) { return tx.transcripts().Search(q); });
          ASSERT_TRUE(r) << backends[b] << " " << text << ": " << r.error().message;
          for (const auto& h : r->hits) pages[b][text].emplace_back(h.segment_id, h.score);
          pages[b][text].emplace_back(-1, 0);  // page break
          if (!r->next) break;
          q.after = r->next;
        }
      }
    }
    test_backends::DropFreshStore(options);
  }
  for (const auto& text : queries) {
    EXPECT_GT(pages[0][text].size(), 1u) << text << " finds something";
    ASSERT_EQ(pages[0][text].size(), pages[1][text].size()) << text;
    for (std::size_t i = 0; i < pages[0][text].size(); ++i) {
      EXPECT_EQ(pages[0][text][i].first, pages[1][text][i].first) << text << " hit " << i;
      EXPECT_DOUBLE_EQ(pages[0][text][i].second, pages[1][text][i].second) << text << " hit " << i;
    }
  }
  fs::remove_all(dir);
}

TEST(TranscriptsPlan, SearchPlansAreFtsFirst) {
  const fs::path dir = fs::temp_directory_path() / ("vitrina-plan-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  StoreOptions options;
  options.sqlite.path = (dir / "plan.db").string();
  {
    auto store = OpenStore(options);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->Migrate());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(options.sqlite.path.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(search::RegisterFts5Tokenizer(db));
  ASSERT_TRUE(search::RegisterFts5StatsFunction(db));
  auto plan = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    std::vector<std::string> rows;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
      rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
    }
    sqlite3_finalize(s);
    return rows;
  };
  const auto tier = plan(sqlite::kSearchTierSql);
  ASSERT_EQ(tier.size(), 1u);
  EXPECT_EQ(tier[0].rfind("SCAN segments_fts VIRTUAL TABLE", 0), 0u) << tier[0];
  const auto hit = plan(sqlite::kSearchHitSql);
  ASSERT_EQ(hit.size(), 3u);
  EXPECT_NE(hit[0].find("SEARCH s USING INTEGER PRIMARY KEY"), std::string::npos) << hit[0];
  EXPECT_EQ(hit[1].rfind("SEARCH t USING ", 0), 0u) << hit[1];  // primary key or current index
  EXPECT_NE(hit[1].find("(call_id=? AND version=?)"), std::string::npos) << hit[1];
  EXPECT_NE(hit[2].find("SEARCH c USING INTEGER PRIMARY KEY"), std::string::npos) << hit[2];
  sqlite3_close(db);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchWorld, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());
INSTANTIATE_TEST_SUITE_P(Backends, TranscriptsTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
