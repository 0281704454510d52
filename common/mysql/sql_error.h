#ifndef CRM_COMMON_MYSQL_SQL_ERROR_H_
#define CRM_COMMON_MYSQL_SQL_ERROR_H_

#include <cppconn/exception.h>

#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace crm::common {

// Maps a Connector/C++ exception to the canonical status a caller can act on:
//   1062                                   → ALREADY_EXISTS
//   1451, 1452 (foreign key)               → FAILED_PRECONDITION
//   1205, 1213 (lock wait timeout/deadlock) → ABORTED, retry the transaction
//   connection lost / refused / killed / server shutdown (IsConnectionError)
//                                          → UNAVAILABLE
//   anything else                          → INTERNAL, generic message
// `operation` says what was being done ("insert customer") and prefixes the
// message. The driver's own text (which may quote SQL or values) never goes into
// the status; unexpected errors are logged with code, SQLSTATE and text instead.
// The MySQL error code travels as a status payload (see MySqlErrorCode).
absl::Status SqlErrorToStatus(const sql::SQLException& e, std::string_view operation);

// True when the connection the exception came from can no longer be used
// (the UNAVAILABLE set above), so the pool must discard it.
bool IsConnectionError(const sql::SQLException& e);

// The MySQL error code of a status produced by SqlErrorToStatus, if any.
std::optional<int> MySqlErrorCode(const absl::Status& status);

// Same questions asked of a status produced by SqlErrorToStatus, for code that
// caught the exception itself and only returns the status.
bool IsConnectionError(const absl::Status& status);
bool IsDeadlock(const absl::Status& status);

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_SQL_ERROR_H_
