#include "common/mysql/transaction.h"

#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/mysql/sql_error.h"

namespace crm::common {
namespace {

// Runs `work`, turning anything it throws into a status: exceptions never
// leave this layer.
template <typename Work>
absl::Status Guarded(std::string_view operation, Work&& work) {
  try {
    return work();
  } catch (const sql::SQLException& e) {
    return SqlErrorToStatus(e, operation);
  } catch (const std::exception& e) {
    LogError("unexpected exception during database work",
             {{"operation", std::string(operation)}, {"exception", e.what()}});
  } catch (...) {
    LogError("unexpected non-standard exception during database work",
             {{"operation", std::string(operation)}});
  }
  return absl::InternalError(absl::StrFormat("%s: internal error", operation));
}

absl::Status Execute(sql::Connection& connection, const char* statement_text) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  statement->execute(statement_text);
  return absl::OkStatus();
}

absl::Status AttemptTransaction(PooledConnection& connection,
                                absl::FunctionRef<absl::Status(sql::Connection&)> body) {
  absl::Status status =
      Guarded("begin transaction", [&] { return Execute(*connection, "START TRANSACTION"); });
  if (status.ok()) {
    status = Guarded("database transaction", [&] { return body(*connection); });
  }
  if (status.ok()) {
    status = Guarded("commit transaction", [&] {
      connection->commit();
      return absl::OkStatus();
    });
  }
  if (!status.ok()) {
    const absl::Status rolled_back = Guarded("roll back transaction", [&] {
      connection->rollback();
      return absl::OkStatus();
    });
    if (!rolled_back.ok()) connection.MarkBroken();
  }
  if (IsConnectionError(status)) connection.MarkBroken();
  return status;
}

// Grows with the attempt number; the jitter keeps the two sides of a deadlock
// from colliding again in lockstep.
absl::Duration DeadlockBackoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<int> jitter_ms(0, 9);
  return absl::Milliseconds(10 * attempt + jitter_ms(random));
}

}  // namespace

absl::Status RunInTransaction(MySqlPool& pool, absl::Time deadline,
                              absl::FunctionRef<absl::Status(sql::Connection&)> body,
                              int max_attempts) {
  const int attempts = std::max(1, max_attempts);
  for (int attempt = 1;; ++attempt) {
    absl::Status status;
    {
      absl::StatusOr<PooledConnection> connection = pool.Acquire(deadline);
      if (!connection.ok()) return connection.status();
      status = AttemptTransaction(*connection, body);
    }
    if (!IsDeadlock(status) || attempt >= attempts) return status;
    const absl::Duration backoff = DeadlockBackoff(attempt);
    if (absl::Now() + backoff >= deadline) return status;
    LogWarning("transaction deadlocked; running it again",
               {{"attempt", absl::StrCat(attempt)}, {"max_attempts", absl::StrCat(attempts)}});
    absl::SleepFor(backoff);
  }
}

absl::Status RunWithConnection(MySqlPool& pool, absl::Time deadline,
                               absl::FunctionRef<absl::Status(sql::Connection&)> body) {
  absl::StatusOr<PooledConnection> connection = pool.Acquire(deadline);
  if (!connection.ok()) return connection.status();
  const absl::Status status = Guarded("database query", [&] { return body(**connection); });
  if (IsConnectionError(status)) connection->MarkBroken();
  return status;
}

}  // namespace crm::common
