// Provokes every mapped MySQL error for real against MariaDB and checks the
// status a caller gets.
#include "common/mysql/sql_error.h"

#include <cppconn/exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <latch>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/mysql/pool.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::ConnectionId;
using ::crm::test_support::Execute;
using ::crm::test_support::TestDatabase;
using ::testing::HasSubstr;
using ::testing::Not;

// The failure `statement` raises, mapped; OK when it succeeds.
absl::Status Provoke(sql::Connection& connection, const std::string& statement) {
  try {
    Execute(connection, statement);
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    return SqlErrorToStatus(e, "test operation");
  }
}

class SqlErrorTest : public ::testing::Test {
 protected:
  PooledConnection Connection() {
    absl::StatusOr<PooledConnection> connection = pool_.Acquire();
    if (!connection.ok()) throw std::runtime_error(connection.status().ToString());
    return *std::move(connection);
  }

  TestDatabase db_;
  MySqlPool pool_{db_.options()};
};

TEST_F(SqlErrorTest, DuplicateKeyIsAlreadyExistsNamingTheKey) {
  PooledConnection c = Connection();
  Execute(*c,
          "CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, "
          "UNIQUE KEY uq_people_email (email))");
  Execute(*c, "INSERT INTO people VALUES (1, 'ann@example.com')");

  const absl::Status status = Provoke(*c, "INSERT INTO people VALUES (2, 'ann@example.com')");

  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(MySqlErrorCode(status), 1062);
  EXPECT_THAT(std::string(status.message()), HasSubstr("uq_people_email"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("ann@example.com")));
}

class ForeignKeyTest : public SqlErrorTest {
 protected:
  void SetUp() override {
    PooledConnection c = Connection();
    Execute(*c, "CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB");
    Execute(*c,
            "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, "
            "CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)) "
            "ENGINE=InnoDB");
    Execute(*c, "INSERT INTO parent VALUES (1)");
    Execute(*c, "INSERT INTO child VALUES (10, 1)");
  }
};

TEST_F(ForeignKeyTest, DeletingReferencedParentIsFailedPrecondition) {
  PooledConnection c = Connection();
  const absl::Status status = Provoke(*c, "DELETE FROM parent WHERE id = 1");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(MySqlErrorCode(status), 1451);
  EXPECT_THAT(std::string(status.message()), HasSubstr("fk_child_parent"));
}

TEST_F(ForeignKeyTest, InsertingOrphanChildIsFailedPrecondition) {
  PooledConnection c = Connection();
  const absl::Status status = Provoke(*c, "INSERT INTO child VALUES (11, 99)");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(MySqlErrorCode(status), 1452);
  EXPECT_THAT(std::string(status.message()), HasSubstr("fk_child_parent"));
}

TEST_F(SqlErrorTest, LockWaitTimeoutIsAbortedAndSaysRetry) {
  PooledConnection holder = Connection();
  PooledConnection waiter = Connection();
  Execute(*holder, "CREATE TABLE counters (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
  Execute(*holder, "INSERT INTO counters VALUES (1, 0)");
  Execute(*holder, "START TRANSACTION");
  Execute(*holder, "SELECT v FROM counters WHERE id = 1 FOR UPDATE");
  Execute(*waiter, "SET SESSION innodb_lock_wait_timeout = 1");

  const absl::Status status = Provoke(*waiter, "UPDATE counters SET v = 2 WHERE id = 1");
  Execute(*holder, "ROLLBACK");

  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_EQ(MySqlErrorCode(status), 1205);
  EXPECT_THAT(std::string(status.message()), HasSubstr("retry the transaction"));
  EXPECT_FALSE(IsDeadlock(status));
}

TEST_F(SqlErrorTest, DeadlockIsAbortedAndRecognizedAsDeadlock) {
  PooledConnection a = Connection();
  PooledConnection b = Connection();
  Execute(*a, "CREATE TABLE counters (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
  Execute(*a, "INSERT INTO counters VALUES (1, 0), (2, 0)");

  // Each side locks one row, waits until the other holds its row, then asks
  // for the other's row: a lock cycle InnoDB must break by killing one side.
  std::latch both_hold_a_row(2);
  auto cross = [&both_hold_a_row](sql::Connection& c, int first, int second) {
    Execute(c, "START TRANSACTION");
    Execute(c, absl::StrCat("UPDATE counters SET v = v + 1 WHERE id = ", first));
    both_hold_a_row.arrive_and_wait();
    const absl::Status status =
        Provoke(c, absl::StrCat("UPDATE counters SET v = v + 1 WHERE id = ", second));
    Execute(c, "ROLLBACK");
    return status;
  };
  absl::Status status_a;
  absl::Status status_b;
  std::thread thread_a([&] { status_a = cross(*a, 1, 2); });
  std::thread thread_b([&] { status_b = cross(*b, 2, 1); });
  thread_a.join();
  thread_b.join();

  // Exactly one side is the victim.
  EXPECT_NE(status_a.ok(), status_b.ok()) << status_a << " / " << status_b;
  const absl::Status& victim = status_a.ok() ? status_b : status_a;
  EXPECT_EQ(victim.code(), absl::StatusCode::kAborted) << victim;
  EXPECT_EQ(MySqlErrorCode(victim), 1213);
  EXPECT_TRUE(IsDeadlock(victim));
  EXPECT_THAT(std::string(victim.message()), HasSubstr("retry the transaction"));
}

TEST_F(SqlErrorTest, KilledConnectionIsUnavailable) {
  PooledConnection victim = Connection();
  PooledConnection killer = Connection();
  Execute(*killer, absl::StrCat("KILL ", ConnectionId(*victim)));

  bool is_connection_error = false;
  absl::Status status;
  try {
    Execute(*victim, "SELECT 1");
  } catch (const sql::SQLException& e) {
    is_connection_error = IsConnectionError(e);
    status = SqlErrorToStatus(e, "test operation");
  }
  victim.MarkBroken();

  EXPECT_TRUE(is_connection_error);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(IsConnectionError(status));
}

TEST_F(SqlErrorTest, SyntaxErrorIsInternalWithoutTheSqlText) {
  PooledConnection c = Connection();
  const absl::Status status = Provoke(*c, "SELEC secret_column FRM nowhere");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(MySqlErrorCode(status), 1064);
  EXPECT_THAT(std::string(status.message()), HasSubstr("test operation"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret_column")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("SELEC")));
}

}  // namespace
}  // namespace crm::common
