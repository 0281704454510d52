#ifndef CRM_COMMON_MYSQL_TRANSACTION_H_
#define CRM_COMMON_MYSQL_TRANSACTION_H_

#include <cppconn/connection.h>

#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql/pool.h"

namespace crm::common {

// Runs `body` inside one transaction on a pooled connection: commits when it
// returns OK, rolls back when it returns an error or throws (sql::SQLException
// is mapped with SqlErrorToStatus; any other exception becomes INTERNAL and is
// logged). A deadlock (MySQL error 1213, thrown or returned as a status from
// SqlErrorToStatus) rolls back and runs the whole body again, up to
// `max_attempts` times in all and never past `deadline`; every other error is
// returned as is. `body` may therefore run more than once: keep side effects
// outside the database out of it. A connection that failed at connection level
// is discarded, never reused.
absl::Status RunInTransaction(MySqlPool& pool, absl::Time deadline,
                              absl::FunctionRef<absl::Status(sql::Connection&)> body,
                              int max_attempts = 3);

// Runs `body` once on a pooled connection in autocommit mode (for single
// reads), with the same exception mapping and broken-connection handling.
absl::Status RunWithConnection(MySqlPool& pool, absl::Time deadline,
                               absl::FunctionRef<absl::Status(sql::Connection&)> body);

// RunWithConnection for a read that yields a value: `body` returns
// absl::StatusOr<T>, and so does this (the connection's error when it failed
// or threw).
//   return ReadWithConnection(pool_, deadline,
//       [&](sql::Connection& c) -> absl::StatusOr<Row> { return SelectRow(c, id); });
template <typename Body>
auto ReadWithConnection(MySqlPool& pool, absl::Time deadline, Body&& body)
    -> decltype(body(std::declval<sql::Connection&>())) {
  decltype(body(std::declval<sql::Connection&>())) result =
      absl::UnknownError("ReadWithConnection: body did not run");
  absl::Status status = RunWithConnection(pool, deadline, [&](sql::Connection& connection) {
    result = body(connection);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_TRANSACTION_H_
