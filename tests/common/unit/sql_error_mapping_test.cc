#include <cppconn/exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/mysql/sql_error.h"

namespace crm::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Status Map(int code, const std::string& driver_message = "driver text") {
  return SqlErrorToStatus(sql::SQLException(driver_message, "HY000", code), "save widget");
}

TEST(SqlErrorMappingTest, EachErrorCodeGetsItsCanonicalStatus) {
  const std::vector<std::pair<int, absl::StatusCode>> cases = {
      {1062, absl::StatusCode::kAlreadyExists},
      {1451, absl::StatusCode::kFailedPrecondition},
      {1452, absl::StatusCode::kFailedPrecondition},
      {1205, absl::StatusCode::kAborted},
      {1213, absl::StatusCode::kAborted},
      {2002, absl::StatusCode::kUnavailable},
      {2003, absl::StatusCode::kUnavailable},
      {2006, absl::StatusCode::kUnavailable},
      {2013, absl::StatusCode::kUnavailable},
      {2055, absl::StatusCode::kUnavailable},
      {1927, absl::StatusCode::kUnavailable},
      {1053, absl::StatusCode::kUnavailable},
      {1064, absl::StatusCode::kInternal},
      {1146, absl::StatusCode::kInternal},
      {0, absl::StatusCode::kInternal},
  };
  for (const auto& [code, expected] : cases) {
    const absl::Status status = Map(code);
    EXPECT_EQ(status.code(), expected) << "MySQL error " << code;
    EXPECT_THAT(std::string(status.message()), HasSubstr("save widget")) << code;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("driver text"))) << code;
    EXPECT_EQ(MySqlErrorCode(status), code);
  }
}

TEST(SqlErrorMappingTest, DuplicateKeyNamesTheKeyButNotTheValue) {
  const absl::Status status = Map(1062, "Duplicate entry 'ann@example.com' for key 'uq_email'");
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), HasSubstr("uq_email"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("ann@example.com")));
}

TEST(SqlErrorMappingTest, ForeignKeyErrorsNameTheConstraint) {
  const absl::Status status =
      Map(1451,
          "Cannot delete or update a parent row: a foreign key constraint fails (`db`.`child`, "
          "CONSTRAINT `fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`))");
  EXPECT_THAT(std::string(status.message()), HasSubstr("fk_child_parent"));
}

TEST(SqlErrorMappingTest, ConflictsTellTheCallerToRetry) {
  EXPECT_THAT(std::string(Map(1213).message()), HasSubstr("retry the transaction"));
  EXPECT_THAT(std::string(Map(1205).message()), HasSubstr("retry the transaction"));
}

TEST(SqlErrorMappingTest, ClassifiesConnectionErrorsAndDeadlocks) {
  for (int code : {2002, 2003, 2006, 2013, 2055, 1927, 1053}) {
    EXPECT_TRUE(IsConnectionError(sql::SQLException("x", "HY000", code))) << code;
    EXPECT_TRUE(IsConnectionError(Map(code))) << code;
  }
  for (int code : {1062, 1213, 1205, 1064, 0}) {
    EXPECT_FALSE(IsConnectionError(sql::SQLException("x", "HY000", code))) << code;
    EXPECT_FALSE(IsConnectionError(Map(code))) << code;
  }
  EXPECT_TRUE(IsDeadlock(Map(1213)));
  EXPECT_FALSE(IsDeadlock(Map(1205)));
  EXPECT_FALSE(IsDeadlock(absl::AbortedError("stale etag")));
  EXPECT_FALSE(IsConnectionError(absl::UnavailableError("not from MySQL")));
  EXPECT_EQ(MySqlErrorCode(absl::OkStatus()), std::nullopt);
}

}  // namespace
}  // namespace crm::common
