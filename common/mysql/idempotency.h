#ifndef CRM_COMMON_MYSQL_IDEMPOTENCY_H_
#define CRM_COMMON_MYSQL_IDEMPOTENCY_H_

#include <cppconn/connection.h>

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql/pool.h"

namespace crm::common {

// Runs `body` in a transaction exactly once per (method, request_id), using the
// `idempotency_records` table of the common migration track:
// - the first call runs `body` and stores the serialized response it returns
//   in the same transaction, then returns it;
// - a replay returns the stored bytes without running `body`;
// - a replay whose `request_fingerprint` differs (the request without its
//   request_id, e.g. serialized; stored as its sha256) → ALREADY_EXISTS
//   "request_id <id> was already used for a different <method> request";
// - when `body` fails nothing is stored, so a retry runs it again;
// - two concurrent calls with the same request_id: one runs `body`, the other
//   waits for it and returns its stored response;
// - an empty request_id just runs `body` in a transaction.
// request_id must be valid UTF-8 of at most 128 characters (INVALID_ARGUMENT).
absl::StatusOr<std::string> RunIdempotent(
    MySqlPool& pool, absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(sql::Connection&)> body);

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_IDEMPOTENCY_H_
