#include "common/mysql/pool.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/transaction.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::ConnectionId;
using ::crm::test_support::Execute;
using ::crm::test_support::IsOk;
using ::crm::test_support::PrivateMariaDb;
using ::crm::test_support::TestDatabase;
using ::testing::HasSubstr;

std::string QueryString(sql::Connection& connection, const std::string& query) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(query));
  rows->next();
  return rows->getString(1);
}

// One query through the pool, as a service request would do it.
absl::Status SelectOne(MySqlPool& pool, absl::Time deadline) {
  return RunWithConnection(pool, deadline, [](sql::Connection& c) {
    return QueryString(c, "SELECT 1") == "1" ? absl::OkStatus()
                                             : absl::InternalError("SELECT 1 returned junk");
  });
}

// Waits (bounded) until `condition` holds; the deadline only guards against a hang.
template <typename Condition>
bool Eventually(Condition condition) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!condition()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

class PoolTest : public ::testing::Test {
 protected:
  MySqlOptions Options(int pool_size = 4) const {
    MySqlOptions options = db_.options();
    options.pool_size = pool_size;
    return options;
  }

  TestDatabase db_;
};

TEST_F(PoolTest, ReusesTheConnectionGivenBack) {
  MySqlPool pool(Options());
  int64_t first_id = 0;
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_TRUE(c.ok()) << c.status();
    first_id = ConnectionId(**c);
  }
  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(ConnectionId(**c), first_id);
  EXPECT_EQ(pool.Stats().connects, 1u);
  EXPECT_EQ(pool.Stats().checkouts, 2u);
}

TEST_F(PoolTest, SessionIsUtcUtf8mb4AndAutocommit) {
  MySqlPool pool(Options());
  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(QueryString(**c, "SELECT @@session.time_zone"), "+00:00");
  EXPECT_EQ(QueryString(**c, "SELECT @@session.character_set_connection"), "utf8mb4");
  EXPECT_EQ(QueryString(**c, "SELECT @@session.character_set_client"), "utf8mb4");
  EXPECT_EQ(QueryString(**c, "SELECT @@session.autocommit"), "1");
  EXPECT_EQ(QueryString(**c, "SELECT DATABASE()"), db_.name());
}

TEST_F(PoolTest, StatsReflectConnectionsInUseAndIdle) {
  MySqlPool pool(Options());
  EXPECT_EQ(pool.Stats().size, 0) << "connections open lazily";
  std::optional<absl::StatusOr<PooledConnection>> first = pool.Acquire();
  absl::StatusOr<PooledConnection> second = pool.Acquire();
  ASSERT_THAT(*first, IsOk());
  ASSERT_THAT(second, IsOk());
  PoolStats stats = pool.Stats();
  EXPECT_EQ(stats.in_use, 2);
  EXPECT_EQ(stats.idle, 0);
  EXPECT_EQ(stats.size, 2);

  first.reset();
  stats = pool.Stats();
  EXPECT_EQ(stats.in_use, 1);
  EXPECT_EQ(stats.idle, 1);
  EXPECT_EQ(stats.size, 2);
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.checkouts, 2u);
  EXPECT_EQ(stats.waiting, 0);
}

TEST_F(PoolTest, ExhaustedPoolFailsUnavailableAfterCheckoutTimeout) {
  MySqlOptions options = Options(/*pool_size=*/2);
  options.checkout_timeout = absl::Milliseconds(500);
  MySqlPool pool(options);
  absl::StatusOr<PooledConnection> a = pool.Acquire();
  absl::StatusOr<PooledConnection> b = pool.Acquire();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());

  const absl::Time start = absl::Now();
  absl::StatusOr<PooledConnection> c = pool.Acquire();
  const absl::Duration waited = absl::Now() - start;

  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("no database connection available within 500 ms"));
  EXPECT_GE(waited, absl::Milliseconds(450));
  EXPECT_LT(waited, absl::Milliseconds(1500));
  const PoolStats stats = pool.Stats();
  EXPECT_EQ(stats.size, 2) << "never more than pool_size connections";
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.checkout_timeouts, 1u);
  EXPECT_GT(stats.wait_seconds_total, 0.4);
}

TEST_F(PoolTest, CallerDeadlineShorterThanCheckoutTimeoutWins) {
  MySqlOptions options = Options(/*pool_size=*/1);
  options.checkout_timeout = absl::Seconds(20);
  MySqlPool pool(options);
  absl::StatusOr<PooledConnection> held = pool.Acquire();
  ASSERT_THAT(held, IsOk());

  const absl::Time start = absl::Now();
  absl::StatusOr<PooledConnection> c = pool.Acquire(start + absl::Milliseconds(200));

  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(PoolTest, ConnectionGivenBackWakesAWaiter) {
  MySqlOptions options = Options(/*pool_size=*/1);
  options.checkout_timeout = absl::Seconds(20);
  MySqlPool pool(options);
  std::optional<absl::StatusOr<PooledConnection>> held = pool.Acquire();
  ASSERT_TRUE(held->ok());
  const int64_t held_id = ConnectionId(***held);

  absl::Status waiter_status;
  int64_t waiter_id = 0;
  absl::Duration waiter_waited;
  std::thread waiter([&] {
    const absl::Time start = absl::Now();
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    waiter_waited = absl::Now() - start;
    waiter_status = c.status();
    if (c.ok()) waiter_id = ConnectionId(**c);
  });
  ASSERT_TRUE(Eventually([&] { return pool.Stats().waiting == 1; }));
  held.reset();
  waiter.join();

  ASSERT_TRUE(waiter_status.ok()) << waiter_status;
  EXPECT_EQ(waiter_id, held_id) << "the waiter got the connection that was given back";
  EXPECT_LT(waiter_waited, absl::Seconds(10)) << "woken by the release, not by the timeout";
}

TEST_F(PoolTest, ReplacesAKilledIdleConnectionTransparently) {
  MySqlOptions options = Options();
  options.validate_after_idle = absl::ZeroDuration();
  MySqlPool pool(options);
  int64_t killed_id = 0;
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_THAT(c, IsOk());
    killed_id = ConnectionId(**c);
  }
  MySqlPool admin(db_.admin_options());
  ASSERT_THAT(test_support::ExecuteSql(admin, absl::StrCat("KILL ", killed_id)), IsOk());

  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(QueryString(**c, "SELECT 1"), "1");
  EXPECT_NE(ConnectionId(**c), killed_id);
  EXPECT_EQ(pool.Stats().discarded, 1u);
}

TEST_F(PoolTest, FirstCallAfterWaitTimeoutSucceeds) {
  MySqlPool pool(Options());
  int64_t expired_id = 0;
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_THAT(c, IsOk());
    Execute(**c, "SET SESSION wait_timeout = 1");
    expired_id = ConnectionId(**c);
  }
  absl::SleepFor(absl::Seconds(2));  // the server closes the idle session meanwhile

  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(QueryString(**c, "SELECT 1"), "1");
  EXPECT_NE(ConnectionId(**c), expired_id);
  EXPECT_EQ(pool.Stats().discarded, 1u);
}

TEST_F(PoolTest, OneBrokenConnectionGetsTheOtherIdleOnesCheckedBeforeUse) {
  MySqlOptions options = Options();
  options.validate_after_idle = absl::Hours(1);  // idle time alone never triggers a check
  MySqlPool pool(options);
  std::vector<int64_t> ids;
  {
    absl::StatusOr<PooledConnection> a = pool.Acquire();
    absl::StatusOr<PooledConnection> b = pool.Acquire();
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(b, IsOk());
    ids = {ConnectionId(**a), ConnectionId(**b)};
  }
  MySqlPool admin(db_.admin_options());
  for (int64_t id : ids)
    ASSERT_THAT(test_support::ExecuteSql(admin, absl::StrCat("KILL ", id)), IsOk());

  // The first caller runs into a dead connection: nothing told the pool yet.
  EXPECT_EQ(SelectOne(pool, absl::Now() + absl::Seconds(5)).code(), absl::StatusCode::kUnavailable);
  // That failure makes the pool check the remaining idle connection first.
  const absl::Status second = SelectOne(pool, absl::Now() + absl::Seconds(5));
  EXPECT_TRUE(second.ok()) << second;
  EXPECT_EQ(pool.Stats().discarded, 2u);
}

TEST_F(PoolTest, PingReplacesADeadReusedConnection) {
  MySqlOptions options = Options();
  options.validate_after_idle = absl::Hours(1);
  MySqlPool pool(options);
  int64_t id = 0;
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_THAT(c, IsOk());
    id = ConnectionId(**c);
  }
  MySqlPool admin(db_.admin_options());
  ASSERT_THAT(test_support::ExecuteSql(admin, absl::StrCat("KILL ", id)), IsOk());

  const absl::Status status = pool.Ping(absl::Now() + absl::Seconds(5));
  EXPECT_TRUE(status.ok()) << "the database is up, one dead connection must not fail the ping: "
                           << status;
}

TEST_F(PoolTest, BrokenConnectionIsNotReused) {
  MySqlPool pool(Options());
  int64_t broken_id = 0;
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_THAT(c, IsOk());
    broken_id = ConnectionId(**c);
    c->MarkBroken();
  }
  EXPECT_EQ(pool.Stats().size, 0);
  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_THAT(c, IsOk());
  EXPECT_NE(ConnectionId(**c), broken_id);
  EXPECT_EQ(pool.Stats().discarded, 1u);
}

TEST_F(PoolTest, OpenTransactionIsRolledBackWhenGivenBack) {
  MySqlPool pool(Options(/*pool_size=*/1));
  {
    absl::StatusOr<PooledConnection> c = pool.Acquire();
    ASSERT_THAT(c, IsOk());
    Execute(**c, "CREATE TABLE notes (id INT PRIMARY KEY) ENGINE=InnoDB");
    (*c)->setAutoCommit(false);
    Execute(**c, "INSERT INTO notes VALUES (1)");
  }  // given back without commit
  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE((*c)->getAutoCommit());
  EXPECT_EQ(QueryString(**c, "SELECT @@session.autocommit"), "1");
  EXPECT_EQ(QueryString(**c, "SELECT COUNT(*) FROM notes"), "0");
}

TEST_F(PoolTest, CloseRefusesCheckoutsAndWakesWaiters) {
  MySqlOptions options = Options(/*pool_size=*/1);
  options.checkout_timeout = absl::Seconds(20);
  MySqlPool pool(options);
  std::optional<absl::StatusOr<PooledConnection>> held = pool.Acquire();
  ASSERT_TRUE(held->ok());

  absl::Status waiter_status;
  std::thread waiter([&] { waiter_status = pool.Acquire().status(); });
  ASSERT_TRUE(Eventually([&] { return pool.Stats().waiting == 1; }));
  const absl::Time closed_at = absl::Now();
  pool.Close();
  waiter.join();

  EXPECT_EQ(waiter_status.code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - closed_at, absl::Seconds(10)) << "woken by Close, not by the timeout";
  const absl::Status after_close = pool.Acquire().status();
  EXPECT_EQ(after_close.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(after_close.message()), HasSubstr("closed"));

  held.reset();  // an in-use connection is closed when given back
  EXPECT_EQ(pool.Stats().size, 0);
}

// A TCP port that refuses connections: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST_F(PoolTest, UnreachableServerIsUnavailableQuickly) {
  RefusingPort refusing;
  MySqlOptions options = Options();
  options.port = refusing.port();
  MySqlPool pool(options);

  const absl::Time start = absl::Now();
  const absl::Status status = pool.Acquire().status();

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_LT(absl::Now() - start, 2 * options.connect_timeout);
  EXPECT_EQ(pool.Stats().size, 0) << "the failed connect gives its slot back";
  EXPECT_EQ(pool.Ping(absl::Now() + absl::Seconds(5)).code(), absl::StatusCode::kUnavailable);
}

TEST(PoolRestartTest, RecoversAfterServerRestartAndCrash) {
  PrivateMariaDb server;
  ASSERT_THAT(server.Start(), IsOk());
  MySqlOptions options = server.options();
  options.pool_size = 4;
  MySqlPool pool(options);
  const auto call = [&pool] { return SelectOne(pool, absl::Now() + absl::Seconds(5)); };
  const absl::Duration kQuick = absl::Seconds(5);  // far below any hang, above a refused connect

  for (const bool crash : {false, true}) {
    SCOPED_TRACE(crash ? "after SIGKILL" : "after clean shutdown");
    {  // Two connections in use at once, so two go back idle.
      absl::StatusOr<PooledConnection> a = pool.Acquire();
      absl::StatusOr<PooledConnection> b = pool.Acquire();
      ASSERT_THAT(a, IsOk());
      ASSERT_THAT(b, IsOk());
    }
    ASSERT_THAT(call(), IsOk());
    ASSERT_THAT((crash ? server.Kill() : server.Stop()), IsOk());

    for (int i = 0; i < 3; ++i) {
      const absl::Time start = absl::Now();
      const absl::Status status = call();
      EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
      EXPECT_LT(absl::Now() - start, kQuick);
    }
    const absl::Time start = absl::Now();
    EXPECT_EQ(pool.Ping(absl::Now() + absl::Seconds(5)).code(), absl::StatusCode::kUnavailable);
    EXPECT_LT(absl::Now() - start, kQuick);

    ASSERT_THAT(server.Start(), IsOk());
    const absl::Status first_call = call();
    EXPECT_TRUE(first_call.ok()) << "first call after the restart: " << first_call;
    EXPECT_THAT(pool.Ping(absl::Now() + absl::Seconds(5)), IsOk());
  }
  EXPECT_GE(pool.Stats().discarded, 2u);
}

TEST(PoolSocketTest, ConnectsOverUnixSocket) {
  PrivateMariaDb server;
  ASSERT_THAT(server.Start(), IsOk());
  MySqlOptions options;
  options.unix_socket = server.socket_path();
  options.user = "root";  // root authenticates over the socket without a password
  MySqlPool pool(options);

  absl::StatusOr<PooledConnection> c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(QueryString(**c, "SELECT 1"), "1");
  EXPECT_EQ(QueryString(**c, "SELECT @@session.time_zone"), "+00:00");
}

}  // namespace
}  // namespace crm::common
