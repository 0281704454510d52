#include "common/mysql/sql_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/logging.h"

namespace crm::common {
namespace {

constexpr absl::string_view kErrorCodePayloadUrl = "crm.common/mysql_error_code";

constexpr int kDuplicateKey = 1062;              // ER_DUP_ENTRY
constexpr int kRowIsReferenced = 1451;           // ER_ROW_IS_REFERENCED_2
constexpr int kNoReferencedRow = 1452;           // ER_NO_REFERENCED_ROW_2
constexpr int kLockWaitTimeout = 1205;           // ER_LOCK_WAIT_TIMEOUT
constexpr int kDeadlock = 1213;                  // ER_LOCK_DEADLOCK
constexpr int kServerShutdown = 1053;            // ER_SERVER_SHUTDOWN
constexpr int kConnectionKilled = 1927;          // ER_CONNECTION_KILLED (MariaDB)
constexpr int kClientInteractionTimeout = 4031;  // MySQL 8: idle past wait_timeout
constexpr int kCannotConnectLocal = 2002;        // CR_CONNECTION_ERROR
constexpr int kCannotConnectHost = 2003;         // CR_CONN_HOST_ERROR
constexpr int kServerGone = 2006;                // CR_SERVER_GONE_ERROR
constexpr int kServerLost = 2013;                // CR_SERVER_LOST
constexpr int kServerLostExtended = 2055;        // CR_SERVER_LOST_EXTENDED

bool IsConnectionErrorCode(int code) {
  switch (code) {
    case kCannotConnectLocal:
    case kCannotConnectHost:
    case kServerGone:
    case kServerLost:
    case kServerLostExtended:
    case kConnectionKilled:
    case kServerShutdown:
    case kClientInteractionTimeout:
      return true;
    default:
      return false;
  }
}

// Returns the text between `open` and the next `close` after the last
// occurrence of `open`, or "" when the message has no such part.
std::string Between(std::string_view text, std::string_view open, char close) {
  const size_t start = text.rfind(open);
  if (start == std::string_view::npos) return "";
  const size_t begin = start + open.size();
  const size_t end = text.find(close, begin);
  if (end == std::string_view::npos) return "";
  return std::string(text.substr(begin, end - begin));
}

// "Duplicate entry 'x' for key 'uq_email'" → " 'uq_email'". The duplicated value
// itself is left out: it may be personal data.
std::string DuplicateKeySuffix(std::string_view driver_message) {
  const std::string key = Between(driver_message, " for key '", '\'');
  return key.empty() ? "" : absl::StrCat(" '", key, "'");
}

// "... CONSTRAINT `fk_child_parent` FOREIGN KEY ..." → " 'fk_child_parent'".
std::string ForeignKeySuffix(std::string_view driver_message) {
  const std::string constraint = Between(driver_message, "CONSTRAINT `", '`');
  return constraint.empty() ? "" : absl::StrCat(" '", constraint, "'");
}

absl::Status WithErrorCode(absl::Status status, int code) {
  status.SetPayload(kErrorCodePayloadUrl, absl::Cord(absl::StrCat(code)));
  return status;
}

}  // namespace

bool IsConnectionError(const sql::SQLException& e) {
  return IsConnectionErrorCode(e.getErrorCode());
}

absl::Status SqlErrorToStatus(const sql::SQLException& e, std::string_view operation) {
  const int code = e.getErrorCode();
  const std::string_view driver_message = e.what();
  switch (code) {
    case kDuplicateKey:
      return WithErrorCode(
          absl::AlreadyExistsError(absl::StrFormat("%s: duplicate value for unique key%s",
                                                   operation, DuplicateKeySuffix(driver_message))),
          code);
    case kRowIsReferenced:
      return WithErrorCode(absl::FailedPreconditionError(absl::StrFormat(
                               "%s: the row is still referenced by other rows (foreign key%s)",
                               operation, ForeignKeySuffix(driver_message))),
                           code);
    case kNoReferencedRow:
      return WithErrorCode(absl::FailedPreconditionError(absl::StrFormat(
                               "%s: the referenced row does not exist (foreign key%s)", operation,
                               ForeignKeySuffix(driver_message))),
                           code);
    case kLockWaitTimeout:
      return WithErrorCode(
          absl::AbortedError(absl::StrFormat(
              "%s: timed out waiting for a row lock; retry the transaction", operation)),
          code);
    case kDeadlock:
      return WithErrorCode(
          absl::AbortedError(absl::StrFormat(
              "%s: deadlock between transactions; retry the transaction", operation)),
          code);
    default:
      break;
  }
  const LogField code_field{"mysql_error_code", absl::StrCat(code)};
  const LogField state_field{"sqlstate", e.getSQLState()};
  if (IsConnectionErrorCode(code)) {
    LogWarning("database connection failed", {{"operation", std::string(operation)},
                                              code_field,
                                              state_field,
                                              {"detail", std::string(driver_message)}});
    return WithErrorCode(
        absl::UnavailableError(absl::StrFormat(
            "%s: the database is unavailable (connection lost or refused); retry later",
            operation)),
        code);
  }
  LogError("unexpected database error", {{"operation", std::string(operation)},
                                         code_field,
                                         state_field,
                                         {"detail", std::string(driver_message)}});
  return WithErrorCode(absl::InternalError(absl::StrFormat(
                           "%s: internal database error (error code %d)", operation, code)),
                       code);
}

std::optional<int> MySqlErrorCode(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kErrorCodePayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  int code = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &code)) return std::nullopt;
  return code;
}

bool IsConnectionError(const absl::Status& status) {
  const std::optional<int> code = MySqlErrorCode(status);
  return code.has_value() && IsConnectionErrorCode(*code);
}

bool IsDeadlock(const absl::Status& status) { return MySqlErrorCode(status) == kDeadlock; }

}  // namespace crm::common
