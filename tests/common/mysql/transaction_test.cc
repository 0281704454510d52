#include "common/mysql/transaction.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/sql_error.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::ConnectionId;
using ::crm::test_support::Execute;
using ::crm::test_support::ExecuteSql;
using ::crm::test_support::IsOk;
using ::crm::test_support::QueryInt;
using ::crm::test_support::TestDatabase;
using ::testing::HasSubstr;
using ::testing::Not;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(ExecuteSql(pool_,
                           "CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL) "
                           "ENGINE=InnoDB"),
                IsOk());
  }

  int64_t Count() {
    absl::StatusOr<int64_t> count = QueryInt(pool_, "SELECT COUNT(*) FROM items");
    if (!count.ok()) throw std::runtime_error(count.status().ToString());
    return *count;
  }

  absl::Time Deadline() const { return absl::Now() + absl::Seconds(30); }

  TestDatabase db_;
  MySqlPool pool_{db_.options()};
};

TEST_F(TransactionTest, CommitsWhenBodyReturnsOk) {
  const absl::Status status = RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "INSERT INTO items VALUES (1, 10)");
    Execute(c, "INSERT INTO items VALUES (2, 20)");
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Count(), 2);
}

TEST_F(TransactionTest, RollsBackWhenBodyReturnsError) {
  const absl::Status status = RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "INSERT INTO items VALUES (1, 10)");
    return absl::InvalidArgumentError("quantity must be positive");
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("quantity must be positive"));
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, RollsBackAndMapsWhenBodyThrowsSqlException) {
  const absl::Status status = RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "INSERT INTO items VALUES (1, 10)");
    Execute(c, "INSERT INTO items VALUES (1, 11)");  // duplicate primary key throws
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, RollsBackWhenBodyThrowsAnyOtherException) {
  const absl::Status status = RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "INSERT INTO items VALUES (1, 10)");
    throw std::runtime_error("secret detail");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret detail")));
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, ConnectionIsReusableAfterRollback) {
  ASSERT_FALSE(RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
                 Execute(c, "INSERT INTO items VALUES (1, 10)");
                 return absl::AbortedError("changed my mind");
               }).ok());
  // The same pooled session is back in autocommit mode with nothing pending.
  const absl::Status status = RunWithConnection(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "INSERT INTO items VALUES (2, 20)");
    return c.getAutoCommit() ? absl::OkStatus() : absl::InternalError("autocommit off");
  });
  ASSERT_TRUE(status.ok()) << status;
  MySqlPool other(db_.options());
  EXPECT_EQ(*QueryInt(other, "SELECT COUNT(*) FROM items WHERE id = 2"), 1);
  EXPECT_EQ(pool_.Stats().connects, 1u);
}

TEST_F(TransactionTest, OtherAbortedErrorsAreNotRetried) {
  int runs = 0;
  const absl::Status status = RunInTransaction(pool_, Deadline(), [&runs](sql::Connection&) {
    ++runs;
    return absl::AbortedError("etag is stale");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(runs, 1);
}

// Two transactions that lock rows 1 and 2 in opposite orders, meeting at a
// latch on their first attempt only: a guaranteed deadlock, after which the
// victim's retry runs alone.
class DeadlockTest : public TransactionTest {
 protected:
  void SetUp() override {
    TransactionTest::SetUp();
    ASSERT_THAT(ExecuteSql(pool_, "INSERT INTO items VALUES (1, 0), (2, 0)"), IsOk());
  }

  absl::Status IncrementBoth(int first, int second, int max_attempts) {
    bool first_attempt = true;
    return RunInTransaction(
        pool_, Deadline(),
        [&](sql::Connection& c) {
          ++runs_;
          Execute(c, absl::StrCat("UPDATE items SET v = v + 1 WHERE id = ", first));
          if (first_attempt) {
            first_attempt = false;
            both_hold_a_row_.arrive_and_wait();
          }
          Execute(c, absl::StrCat("UPDATE items SET v = v + 1 WHERE id = ", second));
          return absl::OkStatus();
        },
        max_attempts);
  }

  std::latch both_hold_a_row_{2};
  std::atomic<int> runs_{0};
};

TEST_F(DeadlockTest, DeadlockedBodyIsRetriedUntilItCommits) {
  absl::Status status_a;
  absl::Status status_b;
  std::thread a([&] { status_a = IncrementBoth(1, 2, /*max_attempts=*/3); });
  std::thread b([&] { status_b = IncrementBoth(2, 1, /*max_attempts=*/3); });
  a.join();
  b.join();

  EXPECT_TRUE(status_a.ok()) << status_a;
  EXPECT_TRUE(status_b.ok()) << status_b;
  EXPECT_EQ(runs_, 3) << "two first attempts, one retry of the victim";
  EXPECT_EQ(*QueryInt(pool_, "SELECT SUM(v) FROM items"), 4) << "both committed exactly once";
}

TEST_F(DeadlockTest, GivesUpAfterMaxAttempts) {
  absl::Status status_a;
  absl::Status status_b;
  std::thread a([&] { status_a = IncrementBoth(1, 2, /*max_attempts=*/1); });
  std::thread b([&] { status_b = IncrementBoth(2, 1, /*max_attempts=*/1); });
  a.join();
  b.join();

  ASSERT_NE(status_a.ok(), status_b.ok()) << status_a << " / " << status_b;
  const absl::Status& victim = status_a.ok() ? status_b : status_a;
  EXPECT_EQ(victim.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(IsDeadlock(victim));
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(*QueryInt(pool_, "SELECT SUM(v) FROM items"), 2) << "the victim left no trace";
}

TEST_F(TransactionTest, RunWithConnectionMapsExceptions) {
  const absl::Status status = RunWithConnection(pool_, Deadline(), [](sql::Connection& c) {
    Execute(c, "SELEC nothing");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;

  const absl::Status thrown = RunWithConnection(pool_, Deadline(), [](sql::Connection&) {
    throw std::logic_error("bug");
    return absl::OkStatus();
  });
  EXPECT_EQ(thrown.code(), absl::StatusCode::kInternal) << thrown;
}

TEST_F(TransactionTest, ConnectionLostInBodyIsUnavailableAndDiscarded) {
  MySqlPool admin(db_.admin_options());
  const absl::Status status = RunInTransaction(pool_, Deadline(), [&](sql::Connection& c) {
    const absl::Status killed = ExecuteSql(admin, absl::StrCat("KILL ", ConnectionId(c)));
    if (!killed.ok()) return killed;
    Execute(c, "INSERT INTO items VALUES (1, 10)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(pool_.Stats().discarded, 1u);
  EXPECT_EQ(pool_.Stats().size, 0);

  // The pool's next caller gets a fresh, working connection.
  EXPECT_TRUE(RunInTransaction(pool_, Deadline(), [](sql::Connection& c) {
                Execute(c, "INSERT INTO items VALUES (1, 10)");
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(TransactionTest, ExhaustedPoolIsUnavailableWithoutRunningBody) {
  MySqlOptions options = db_.options();
  options.pool_size = 1;
  options.checkout_timeout = absl::Milliseconds(200);
  MySqlPool small(options);
  absl::StatusOr<PooledConnection> held = small.Acquire();
  ASSERT_THAT(held, IsOk());
  bool ran = false;
  const absl::Status status = RunInTransaction(small, Deadline(), [&ran](sql::Connection&) {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace crm::common
