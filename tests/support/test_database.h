#ifndef CRM_TESTS_SUPPORT_TEST_DATABASE_H_
#define CRM_TESTS_SUPPORT_TEST_DATABASE_H_

#include <cppconn/connection.h>
#include <gmock/gmock.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql/pool.h"

namespace crm::test_support {

// A uniquely named schema (test_<pid>_<counter>_<random>) on the MariaDB server
// the test harness names in CRM_TEST_MYSQL_HOST, CRM_TEST_MYSQL_PORT,
// CRM_TEST_MYSQL_USER and CRM_TEST_MYSQL_PASSWORD_FILE. Created by the
// constructor, dropped by the destructor, so tests running in parallel never
// see each other's tables.
//
// The constructor throws std::runtime_error with a clear message when a
// variable is missing or the server refuses: a storage test fails, it never
// skips.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // Connects to this schema.
  common::MySqlOptions options() const;
  // Connects to the server with no schema selected.
  common::MySqlOptions admin_options() const { return admin_; }

 private:
  common::MySqlOptions admin_;
  std::string name_;
};

// Small helpers for storage tests.

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches an OK absl::Status or absl::StatusOr and prints the status otherwise:
// ASSERT_THAT(server.Start(), IsOk());
MATCHER(IsOk, "is OK") {
  const absl::Status& status = StatusOf(arg);
  if (!status.ok()) *result_listener << "status: " << status;
  return status.ok();
}

// Runs one statement on a pooled connection.
absl::Status ExecuteSql(common::MySqlPool& pool, std::string_view statement);
// Runs a query and returns the first column of its first row as an integer.
absl::StatusOr<int64_t> QueryInt(common::MySqlPool& pool, std::string_view query);
// Runs one statement on `connection`, discarding any result rows; throws
// sql::SQLException on failure.
void Execute(sql::Connection& connection, std::string_view statement);
// CONNECTION_ID() of the session; throws sql::SQLException on failure.
int64_t ConnectionId(sql::Connection& connection);

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_TEST_DATABASE_H_
