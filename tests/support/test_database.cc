#include "tests/support/test_database.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/logging.h"
#include "common/mysql/transaction.h"

namespace crm::test_support {
namespace {

constexpr char kHowToProvide[] =
    "; storage tests need a MariaDB server: run them through scripts/test, or start one with "
    "`scripts/mariadb start DIR PORT` and export CRM_TEST_MYSQL_HOST, CRM_TEST_MYSQL_PORT, "
    "CRM_TEST_MYSQL_USER and CRM_TEST_MYSQL_PASSWORD_FILE (DIR/admin.password)";

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(absl::StrCat(name, " is not set", kHowToProvide));
  }
  return value;
}

std::string ReadPasswordFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error(
        absl::StrCat("cannot read CRM_TEST_MYSQL_PASSWORD_FILE ", path, kHowToProvide));
  }
  std::stringstream text;
  text << file.rdbuf();
  return std::string(absl::StripTrailingAsciiWhitespace(text.str()));
}

std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return absl::StrFormat("test_%d_%d_%08x", static_cast<int>(getpid()), counter++,
                         static_cast<unsigned>(random()));
}

absl::Status RunAdminStatement(const common::MySqlOptions& admin, const std::string& statement) {
  common::MySqlPool pool(admin);
  return ExecuteSql(pool, statement);
}

}  // namespace

TestDatabase::TestDatabase() : name_(UniqueSchemaName()) {
  admin_.host = RequiredEnv("CRM_TEST_MYSQL_HOST");
  const std::string port = RequiredEnv("CRM_TEST_MYSQL_PORT");
  if (!absl::SimpleAtoi(port, &admin_.port)) {
    throw std::runtime_error(absl::StrCat("CRM_TEST_MYSQL_PORT is not a number: ", port));
  }
  admin_.user = RequiredEnv("CRM_TEST_MYSQL_USER");
  admin_.password = ReadPasswordFile(RequiredEnv("CRM_TEST_MYSQL_PASSWORD_FILE"));
  admin_.pool_size = 2;
  admin_.checkout_timeout = absl::Seconds(10);
  admin_.connect_timeout = absl::Seconds(10);
  const absl::Status created =
      RunAdminStatement(admin_, absl::StrCat("CREATE DATABASE `", name_,
                                             "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
  if (!created.ok()) {
    throw std::runtime_error(absl::StrCat("cannot create test schema ", name_, " on ", admin_.host,
                                          ":", admin_.port, ": ", created.ToString(),
                                          kHowToProvide));
  }
}

TestDatabase::~TestDatabase() {
  const absl::Status dropped =
      RunAdminStatement(admin_, absl::StrCat("DROP DATABASE IF EXISTS `", name_, "`"));
  if (!dropped.ok()) {
    common::LogWarning("cannot drop test schema",
                       {{"schema", name_}, {"error", dropped.ToString()}});
  }
}

common::MySqlOptions TestDatabase::options() const {
  common::MySqlOptions options = admin_;
  options.database = name_;
  options.pool_size = 16;
  return options;
}

absl::Status ExecuteSql(common::MySqlPool& pool, std::string_view statement) {
  return common::RunWithConnection(pool, absl::InfiniteFuture(), [&](sql::Connection& c) {
    Execute(c, statement);
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> QueryInt(common::MySqlPool& pool, std::string_view query) {
  int64_t value = 0;
  const absl::Status status =
      common::RunWithConnection(pool, absl::InfiniteFuture(), [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> statement(c.createStatement());
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(std::string(query)));
        if (!rows->next()) {
          return absl::NotFoundError(absl::StrFormat("query returned no rows: %s", query));
        }
        value = rows->getInt64(1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return value;
}

void Execute(sql::Connection& connection, std::string_view statement) {
  std::unique_ptr<sql::Statement> executor(connection.createStatement());
  // A result left unread would put the session out of sync.
  if (executor->execute(std::string(statement))) {
    std::unique_ptr<sql::ResultSet> unread(executor->getResultSet());
  }
}

int64_t ConnectionId(sql::Connection& connection) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT CONNECTION_ID()"));
  rows->next();
  return rows->getInt64(1);
}

}  // namespace crm::test_support
