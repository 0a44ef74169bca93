// TranscriptRepository and transcript search, for every store backend (parameterised by driver).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "search/fts5_tokenizer.h"
#include "search/query.h"
#include "store/sqlite/transcripts.h"
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
    Open(10000);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Open(int tier_size) {
    store_.reset();
    StoreOptions options;
    options.driver = GetParam();
    options.sqlite_path = (dir_ / "test.db").string();
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
    q.match = parsed->ToFts();
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

TEST_P(TranscriptsTest, SmokeSearch) {
  Id b = AddUser("b@x"), s = AddUser("s@x");
  Call call = AddCall(b, s, AddListing(s, "goods"), kT0);
  Put(call.id, {Seg("buyer", 0, "Можно оплатить картой?"), Seg("seller", 1000, "Only cash, sorry")});
  EXPECT_EQ(Texts("карта"), std::multiset<std::string>{"Можно оплатить картой?"});
  EXPECT_EQ(Texts("cash"), std::multiset<std::string>{"Only cash, sorry"});
}

INSTANTIATE_TEST_SUITE_P(Backends, TranscriptsTest, ::testing::Values("sqlite"));

}  // namespace
}  // namespace vitrina::store
