// Live events between processes on one database (store/events.h): every subscriber on the
// database gets every payload, whole and in order, and a listener that loses its connection
// comes back.
#include "store/events.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "store/open.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

// What one subscriber received, with a wait that returns as soon as enough has arrived.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got;
  void Add(const std::string& p) {
    std::lock_guard lock(mu);
    got.push_back(p);
    cv.notify_all();
  }
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return got.size() >= n; });
  }
};

class EventBusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-bus-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    for (auto* s : {&a_, &b_}) {
      auto opened = OpenStore(options_);
      ASSERT_TRUE(opened) << opened.error().message;
      *s = std::move(*opened);
      ASSERT_TRUE((*s)->Migrate());
    }
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> a_, b_;  // two processes' stores on one database
};

TEST_P(EventBusTest, EveryProcessGetsEveryEventWholeAndInOrder) {
  auto bus_a = a_->OpenEventBus("vitrina_test");
  auto bus_b = b_->OpenEventBus("vitrina_test");
  ASSERT_TRUE(bus_a && bus_b);
  if (GetParam() == "sqlite") {
    // One process per database: the caller delivers in process.
    EXPECT_FALSE(*bus_a);
    return;
  }
  ASSERT_TRUE(*bus_a && *bus_b);
  Inbox in_a, in_b;
  (*bus_a)->Subscribe([&](const std::string& p) { in_a.Add(p); });
  (*bus_b)->Subscribe([&](const std::string& p) { in_b.Add(p); });

  std::string big;
  while (big.size() < 30000) big += "Оплата картой при встрече — \"кавычки\", \\слэш\\, 'апостроф'. ";
  const std::vector<std::string> sent = {"{\"type\":\"message\",\"n\":1}", big, "", "last"};
  for (const auto& p : sent) ASSERT_TRUE((*bus_a)->Publish(p));
  ASSERT_TRUE(in_a.WaitFor(sent.size()));
  ASSERT_TRUE(in_b.WaitFor(sent.size()));
  EXPECT_EQ(in_a.got, sent);
  EXPECT_EQ(in_b.got, sent);
}

TEST_P(EventBusTest, AListenerWhoseConnectionIsKilledComesBack) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite has no event bus (one process)";
  auto bus_a = a_->OpenEventBus("vitrina_test");
  auto bus_b = b_->OpenEventBus("vitrina_test");
  ASSERT_TRUE(bus_a && *bus_a && bus_b && *bus_b);
  Inbox in_b;
  (*bus_b)->Subscribe([&](const std::string& p) { in_b.Add(p); });
  ASSERT_TRUE((*bus_a)->Publish("before"));
  ASSERT_TRUE(in_b.WaitFor(1));

  // The database drops every listening session (a failover, an admin, a network cut).
  PGconn* admin = PQconnectdb(options_.postgres.url.c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK);
  PGresult* r = PQexec(admin,
                       "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND query LIKE 'LISTEN%'");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  EXPECT_GE(std::atoi(PQgetvalue(r, 0, 0)), 1);
  PQclear(r);

  // Publish until the listener is back (it reconnects with back-off; events sent while it is
  // away are missed by design: pages catch up through the API).
  bool back = false;
  for (int i = 0; i < 400 && !back; ++i) {
    ASSERT_TRUE((*bus_a)->Publish("after " + std::to_string(i)));
    std::unique_lock lock(in_b.mu);
    back = in_b.cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return in_b.got.size() > 1; });
  }
  PQfinish(admin);
  EXPECT_TRUE(back);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventBusTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
