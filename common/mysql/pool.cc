#include "common/mysql/pool.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/mysql/driver.h"
#include "common/mysql/sql_error.h"
#include "common/mysql/statement_cache.h"

namespace crm::common {
namespace {

// Connector/C++ takes its timeouts in whole seconds; round up, at least 1.
int WholeSeconds(absl::Duration duration) {
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(duration, absl::Seconds(1)));
  return static_cast<int>(std::clamp<int64_t>(seconds, 1, INT_MAX));
}

std::string HostUri(const MySqlOptions& options) {
  if (!options.unix_socket.empty()) return absl::StrCat("unix://", options.unix_socket);
  const bool ipv6 = absl::StrContains(options.host, ':');
  return absl::StrCat("tcp://", ipv6 ? "[" : "", options.host, ipv6 ? "]" : "", ":", options.port);
}

bool IsAlive(sql::Connection& connection) {
  try {
    return connection.isValid();
  } catch (const sql::SQLException&) {
    return false;
  }
}

// Undoes what a user of the connection may have left behind; false when the
// connection cannot be trusted any more.
bool ReadyForReuse(sql::Connection& connection) {
  try {
    if (connection.isClosed()) return false;
    if (!connection.getAutoCommit()) {
      connection.rollback();
      connection.setAutoCommit(true);
    }
    return true;
  } catch (const sql::SQLException&) {
    return false;
  }
}

}  // namespace

PooledConnection::PooledConnection(MySqlPool* pool, std::unique_ptr<sql::Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      broken_(other.broken_) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    GiveBack();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    broken_ = other.broken_;
  }
  return *this;
}

PooledConnection::~PooledConnection() { GiveBack(); }

void PooledConnection::GiveBack() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->GiveBack(std::move(connection_), broken_);
  }
  pool_ = nullptr;
  connection_.reset();
}

MySqlPool::MySqlPool(MySqlOptions options) : options_(std::move(options)) {}

MySqlPool::~MySqlPool() {
  Close();
  absl::MutexLock lock(&mu_);
  if (in_use_ > 0) {
    LogError("database pool destroyed while connections are still checked out",
             {{"in_use", absl::StrCat(in_use_)}});
  }
}

bool MySqlPool::CanCheckOut() const {
  return closed_ || !idle_.empty() || in_use_ < options_.pool_size;
}

bool MySqlPool::NeedsValidation(const IdleConnection& idle, absl::Time now) const {
  return now - idle.idle_since >= options_.validate_after_idle || idle.idle_since <= last_broken_;
}

absl::StatusOr<PooledConnection> MySqlPool::Acquire(absl::Time deadline) {
  MySqlDriver();  // registers this thread with the client library
  const absl::Time start = absl::Now();
  const absl::Time wait_deadline = std::min(deadline, start + options_.checkout_timeout);

  std::unique_ptr<sql::Connection> connection;
  bool validate = false;
  {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    const bool slot_free =
        mu_.AwaitWithDeadline(absl::Condition(this, &MySqlPool::CanCheckOut), wait_deadline);
    --waiting_;
    const absl::Time now = absl::Now();
    wait_seconds_total_ += absl::ToDoubleSeconds(now - start);
    if (closed_) {
      return absl::UnavailableError("the database connection pool is closed");
    }
    if (!slot_free) {
      ++checkout_timeouts_;
      return absl::UnavailableError(absl::StrCat("no database connection available within ",
                                                 absl::ToInt64Milliseconds(wait_deadline - start),
                                                 " ms"));
    }
    ++in_use_;
    ++checkouts_;
    if (!idle_.empty()) {
      validate = NeedsValidation(idle_.back(), now);
      connection = std::move(idle_.back().connection);
      idle_.pop_back();
    }
  }

  if (connection != nullptr && validate && !IsAlive(*connection)) {
    LogWarning("replacing a dead idle database connection");
    connection.reset();
    absl::MutexLock lock(&mu_);
    ++discarded_;
    last_broken_ = absl::Now();
  }
  if (connection == nullptr) {
    absl::StatusOr<std::unique_ptr<sql::Connection>> opened = Connect(wait_deadline);
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --in_use_;
      return opened.status();
    }
    connection = *std::move(opened);
  }
  return PooledConnection(this, std::move(connection));
}

absl::StatusOr<std::unique_ptr<sql::Connection>> MySqlPool::Connect(absl::Time deadline) {
  // The caller's remaining budget bounds the connect attempt too.
  const absl::Duration connect_timeout = std::min(options_.connect_timeout, deadline - absl::Now());
  sql::ConnectOptionsMap properties;
  properties["hostName"] = sql::SQLString(HostUri(options_));
  properties["userName"] = sql::SQLString(options_.user);
  properties["password"] = sql::SQLString(options_.password);
  if (!options_.database.empty()) properties["schema"] = sql::SQLString(options_.database);
  properties["OPT_CONNECT_TIMEOUT"] = WholeSeconds(connect_timeout);
  properties["OPT_READ_TIMEOUT"] = WholeSeconds(options_.io_timeout);
  properties["OPT_WRITE_TIMEOUT"] = WholeSeconds(options_.io_timeout);
  properties["OPT_RECONNECT"] = false;  // the pool replaces dead connections itself
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");

  std::unique_ptr<sql::Connection> connection;
  try {
    connection.reset(MySqlDriver().connect(properties));
    connection->setAutoCommit(true);
    std::unique_ptr<sql::Statement> statement(connection->createStatement());
    statement->execute("SET time_zone = '+00:00'");
    statement->execute("SET NAMES utf8mb4");
    connection = std::make_unique<StatementCachingConnection>(
        std::move(connection), static_cast<size_t>(std::max(0, options_.statement_cache_size)));
  } catch (const sql::SQLException& e) {
    return SqlErrorToStatus(e, "connect to the database");
  }
  absl::MutexLock lock(&mu_);
  ++connects_;
  return connection;
}

void MySqlPool::GiveBack(std::unique_ptr<sql::Connection> connection, bool broken) {
  if (!broken) broken = !ReadyForReuse(*connection);
  std::unique_ptr<sql::Connection> to_close;
  {
    absl::MutexLock lock(&mu_);
    --in_use_;
    if (broken) {
      ++discarded_;
      last_broken_ = absl::Now();
      to_close = std::move(connection);
    } else if (closed_) {
      to_close = std::move(connection);
    } else {
      idle_.push_back({std::move(connection), absl::Now()});
    }
  }
  // `to_close` is closed here, outside the lock.
}

absl::Status MySqlPool::Ping(absl::Time deadline) {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<PooledConnection> connection = Acquire(deadline);
    if (!connection.ok()) return connection.status();
    try {
      std::unique_ptr<sql::Statement> statement((*connection)->createStatement());
      std::unique_ptr<sql::ResultSet> result(statement->executeQuery("SELECT 1"));
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      status = SqlErrorToStatus(e, "ping the database");
      if (!IsConnectionError(e)) return status;
      connection->MarkBroken();
    }
  }
  return status;
}

PoolStats MySqlPool::Stats() const {
  absl::MutexLock lock(&mu_);
  PoolStats stats;
  stats.idle = static_cast<int>(idle_.size());
  stats.in_use = in_use_;
  stats.size = stats.idle + stats.in_use;
  stats.waiting = waiting_;
  stats.checkouts = checkouts_;
  stats.checkout_timeouts = checkout_timeouts_;
  stats.connects = connects_;
  stats.discarded = discarded_;
  stats.wait_seconds_total = wait_seconds_total_;
  return stats;
}

void MySqlPool::Close() {
  std::vector<IdleConnection> to_close;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    to_close.swap(idle_);
  }
  // `to_close` closes them here, outside the lock.
}

}  // namespace crm::common
