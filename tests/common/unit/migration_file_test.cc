#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "common/mysql/migrations.h"

namespace crm::common {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(MigrationFromFileTest, ParsesVersionNameAndKeepsText) {
  absl::StatusOr<Migration> migration =
      MigrationFromFile("V001__create_customers.sql", "CREATE TABLE c (id INT);\n");
  ASSERT_TRUE(migration.ok()) << migration.status();
  EXPECT_EQ(migration->version, 1);
  EXPECT_EQ(migration->name, "create_customers");
  EXPECT_EQ(migration->sql, "CREATE TABLE c (id INT);\n");
}

TEST(MigrationFromFileTest, AcceptsUnpaddedVersionsAndIgnoresDirectory) {
  absl::StatusOr<Migration> migration =
      MigrationFromFile("customer_svc/migrations/V12__Add_Index_2.sql", "");
  ASSERT_TRUE(migration.ok()) << migration.status();
  EXPECT_EQ(migration->version, 12);
  EXPECT_EQ(migration->name, "Add_Index_2");
}

TEST(MigrationFromFileTest, RejectsMalformedNamesNamingTheFile) {
  for (const char* bad : {"001__x.sql", "v001__x.sql", "V001_x.sql", "V001__x.txt", "V001__x",
                          "Vabc__x.sql", "V__x.sql", "V000__x.sql", "V001__.sql",
                          "V001__bad-name.sql", "V-1__x.sql", "V99999999999__x.sql", ""}) {
    absl::StatusOr<Migration> migration = MigrationFromFile(bad, "SELECT 1");
    ASSERT_FALSE(migration.ok()) << bad;
    EXPECT_EQ(migration.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    const std::string message(migration.status().message());
    EXPECT_THAT(message, HasSubstr(absl::StrCat("\"", bad, "\""))) << bad;
    EXPECT_THAT(message, HasSubstr("V<version>__<name>.sql")) << bad;
  }
}

TEST(MigrationFileNameTest, PadsVersionToThreeDigits) {
  EXPECT_EQ(MigrationFileName(Migration{7, "create_x", ""}), "V007__create_x.sql");
  EXPECT_EQ(MigrationFileName(Migration{1234, "y", ""}), "V1234__y.sql");
}

TEST(SplitSqlStatementsTest, SplitsOnSemicolonAtEndOfLine) {
  EXPECT_THAT(SplitSqlStatements("CREATE TABLE a (\n  id INT\n);\nCREATE TABLE b (id INT);\n"),
              ElementsAre("CREATE TABLE a (\n  id INT\n)", "CREATE TABLE b (id INT)"));
}

TEST(SplitSqlStatementsTest, DropsCommentLinesAndBlankLines) {
  EXPECT_THAT(SplitSqlStatements("-- header comment\n\n  -- indented comment\n"
                                 "INSERT INTO a VALUES (1);\n\n-- trailing\n"),
              ElementsAre("INSERT INTO a VALUES (1)"));
}

TEST(SplitSqlStatementsTest, SemicolonInsideALineDoesNotSplit) {
  EXPECT_THAT(SplitSqlStatements("INSERT INTO a VALUES ('x;y'), ('z');\n"),
              ElementsAre("INSERT INTO a VALUES ('x;y'), ('z')"));
}

TEST(SplitSqlStatementsTest, KeepsLastStatementWithoutSemicolon) {
  EXPECT_THAT(SplitSqlStatements("SELECT 1;\nSELECT 2"), ElementsAre("SELECT 1", "SELECT 2"));
}

TEST(SplitSqlStatementsTest, HandlesWindowsLineEndingsAndTrailingSpaces) {
  EXPECT_THAT(SplitSqlStatements("SELECT 1;  \r\nSELECT\r\n  2 ;\r\n"),
              ElementsAre("SELECT 1", "SELECT\n  2"));
}

TEST(SplitSqlStatementsTest, OnlyCommentsGiveNoStatements) {
  EXPECT_THAT(SplitSqlStatements("-- nothing to do\n\n"), IsEmpty());
  EXPECT_THAT(SplitSqlStatements(";\n"), IsEmpty());
}

TEST(CommonMigrationsTest, EmbedsTheIdempotencyTableFromTheSqlFile) {
  const std::vector<Migration>& migrations = CommonMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations[0].version, 1);
  EXPECT_EQ(migrations[0].name, "idempotency_records");
  EXPECT_THAT(SplitSqlStatements(migrations[0].sql),
              ElementsAre(HasSubstr("CREATE TABLE idempotency_records")));
  std::set<int> versions;
  for (const Migration& migration : migrations) {
    EXPECT_GT(migration.version, 0);
    EXPECT_TRUE(versions.insert(migration.version).second) << "duplicate " << migration.version;
  }
}

}  // namespace
}  // namespace crm::common
