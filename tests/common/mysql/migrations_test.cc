#include "common/mysql/migrations.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/transaction.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::IsOk;
using ::crm::test_support::QueryInt;
using ::crm::test_support::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct AppliedRow {
  int version;
  std::string name;
  std::string checksum;
  bool operator==(const AppliedRow&) const = default;
};

class MigrationsTest : public ::testing::Test {
 protected:
  std::vector<AppliedRow> Applied(const std::string& track) {
    std::vector<AppliedRow> rows;
    const absl::Status status =
        RunWithConnection(pool_, absl::InfiniteFuture(), [&](sql::Connection& c) {
          std::unique_ptr<sql::Statement> statement(c.createStatement());
          std::unique_ptr<sql::ResultSet> result(statement->executeQuery(
              absl::StrCat("SELECT version, name, checksum FROM schema_migrations WHERE track = '",
                           track, "' ORDER BY version")));
          while (result->next()) {
            rows.push_back({result->getInt(1), result->getString(2), result->getString(3)});
          }
          return absl::OkStatus();
        });
    if (!status.ok()) throw std::runtime_error(status.ToString());
    return rows;
  }

  bool TableExists(const std::string& table) {
    absl::StatusOr<int64_t> count = QueryInt(
        pool_, absl::StrCat("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '",
                            db_.name(), "' AND table_name = '", table, "'"));
    if (!count.ok()) throw std::runtime_error(count.status().ToString());
    return *count == 1;
  }

  TestDatabase db_;
  MySqlPool pool_{db_.options()};
};

Migration CreateWidgets() {
  return {1, "create_widgets",
          "-- widgets we sell\n"
          "CREATE TABLE widgets (\n"
          "  id INT PRIMARY KEY\n"
          ") ENGINE=InnoDB;\n"};
}
Migration AddWidgetName() {
  return {2, "add_widget_name",
          "ALTER TABLE widgets ADD COLUMN name VARCHAR(50) NOT NULL;\n"
          "INSERT INTO widgets (id, name) VALUES (1, 'first; still one');\n"};
}
Migration CreateGadgets() {
  return {3, "create_gadgets",
          "CREATE TABLE gadgets (id INT PRIMARY KEY);\n"
          "SELECT COUNT(*) FROM widgets;\n"  // rows a migration returns are ignored
          "INSERT INTO gadgets VALUES (1);\n"};
}

TEST_F(MigrationsTest, AppliesInVersionOrderAndRecordsEach) {
  // Given out of order: version 2 needs the table version 1 creates.
  const absl::Status status =
      ApplyMigrations(pool_, "widgets", {AddWidgetName(), CreateGadgets(), CreateWidgets()});
  ASSERT_TRUE(status.ok()) << status;

  EXPECT_THAT(Applied("widgets"),
              ElementsAre(AppliedRow{1, "create_widgets", Sha256Hex(CreateWidgets().sql)},
                          AppliedRow{2, "add_widget_name", Sha256Hex(AddWidgetName().sql)},
                          AppliedRow{3, "create_gadgets", Sha256Hex(CreateGadgets().sql)}));
  EXPECT_EQ(*QueryInt(pool_, "SELECT COUNT(*) FROM widgets WHERE name = 'first; still one'"), 1);
  EXPECT_EQ(*QueryInt(pool_, "SELECT COUNT(*) FROM gadgets"), 1);
}

TEST_F(MigrationsTest, ApplyingAgainIsANoOp) {
  ASSERT_THAT(ApplyMigrations(pool_, "widgets", {CreateWidgets(), AddWidgetName()}), IsOk());
  const absl::StatusOr<int64_t> applied_at_before =
      QueryInt(pool_, "SELECT SUM(UNIX_TIMESTAMP(applied_at) * 1000000) FROM schema_migrations");

  const absl::Status again = ApplyMigrations(pool_, "widgets", {CreateWidgets(), AddWidgetName()});

  ASSERT_TRUE(again.ok()) << again;
  EXPECT_EQ(Applied("widgets").size(), 2u);
  EXPECT_EQ(*QueryInt(pool_, "SELECT COUNT(*) FROM widgets"), 1) << "the insert ran once";
  EXPECT_EQ(
      *QueryInt(pool_, "SELECT SUM(UNIX_TIMESTAMP(applied_at) * 1000000) FROM schema_migrations"),
      *applied_at_before);
}

TEST_F(MigrationsTest, NewMigrationsAreAppliedOnTopOfOldOnes) {
  ASSERT_THAT(ApplyMigrations(pool_, "widgets", {CreateWidgets()}), IsOk());
  ASSERT_THAT(ApplyMigrations(pool_, "widgets", {CreateWidgets(), AddWidgetName()}), IsOk());
  EXPECT_EQ(Applied("widgets").size(), 2u);
}

TEST_F(MigrationsTest, ConcurrentProcessesApplyEachMigrationExactlyOnce) {
  // Both migrations fail if run twice: CREATE TABLE without IF NOT EXISTS and
  // an INSERT into a primary key.
  const std::vector<Migration> migrations = {
      {1, "create_runs", "CREATE TABLE runs (id INT PRIMARY KEY);"},
      {2, "insert_run", "INSERT INTO runs VALUES (2);"},
  };
  constexpr int kProcesses = 6;
  std::vector<absl::Status> results(kProcesses);
  std::vector<std::thread> processes;
  for (int i = 0; i < kProcesses; ++i) {
    processes.emplace_back([&, i] {
      MySqlPool own_pool(db_.options());  // as a separate replica would have
      results[i] = ApplyMigrations(own_pool, "runs", migrations);
    });
  }
  for (std::thread& process : processes) process.join();

  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(Applied("runs").size(), 2u);
  EXPECT_EQ(*QueryInt(pool_, "SELECT COUNT(*) FROM runs"), 1);
}

TEST_F(MigrationsTest, EditedAppliedMigrationIsFailedPreconditionAndStopsEverything) {
  ASSERT_THAT(ApplyMigrations(pool_, "widgets", {CreateWidgets()}), IsOk());
  Migration edited = CreateWidgets();
  edited.sql += "-- sneaky edit\n";

  const absl::Status status = ApplyMigrations(pool_, "widgets", {edited, CreateGadgets()});

  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("widgets"));
  EXPECT_THAT(message, HasSubstr("version 1"));
  EXPECT_THAT(message, HasSubstr("V001__create_widgets.sql"));
  EXPECT_THAT(message, HasSubstr(Sha256Hex(CreateWidgets().sql)));
  EXPECT_THAT(message, HasSubstr(Sha256Hex(edited.sql)));
  EXPECT_FALSE(TableExists("gadgets")) << "nothing further is applied";
  EXPECT_EQ(Applied("widgets").size(), 1u);
}

TEST_F(MigrationsTest, FailedMigrationIsNotRecordedAndLaterOnesWait) {
  const Migration broken{2, "broken", "ALTER TABLE widgets ADD COLUMN oops NOT_A_TYPE;"};

  const absl::Status status =
      ApplyMigrations(pool_, "widgets", {CreateWidgets(), broken, CreateGadgets()});

  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("V002__broken.sql"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("NOT_A_TYPE")));
  EXPECT_THAT(Applied("widgets"),
              ElementsAre(AppliedRow{1, "create_widgets", Sha256Hex(CreateWidgets().sql)}));
  EXPECT_FALSE(TableExists("gadgets"));

  // Once the file is fixed, the run picks up where it stopped.
  const Migration fixed{2, "broken", "ALTER TABLE widgets ADD COLUMN oops INT;"};
  const absl::Status retry =
      ApplyMigrations(pool_, "widgets", {CreateWidgets(), fixed, CreateGadgets()});
  ASSERT_TRUE(retry.ok()) << retry;
  EXPECT_EQ(Applied("widgets").size(), 3u);
  EXPECT_TRUE(TableExists("gadgets"));
}

TEST_F(MigrationsTest, RejectsNonPositiveAndDuplicateVersionsBeforeTouchingTheDatabase) {
  const absl::Status zero =
      ApplyMigrations(pool_, "widgets", {Migration{0, "zero", "CREATE TABLE z (id INT);"}});
  EXPECT_EQ(zero.code(), absl::StatusCode::kInvalidArgument) << zero;
  EXPECT_THAT(std::string(zero.message()), HasSubstr("positive"));

  const absl::Status duplicate = ApplyMigrations(
      pool_, "widgets", {CreateWidgets(), Migration{1, "other", "CREATE TABLE o (id INT);"}});
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kInvalidArgument) << duplicate;
  EXPECT_THAT(std::string(duplicate.message()), HasSubstr("V001__create_widgets.sql"));
  EXPECT_THAT(std::string(duplicate.message()), HasSubstr("V001__other.sql"));

  EXPECT_FALSE(TableExists("schema_migrations"));
  EXPECT_FALSE(TableExists("widgets"));
}

TEST_F(MigrationsTest, TracksAreIndependent) {
  ASSERT_THAT(ApplyMigrations(pool_, "widgets", {CreateWidgets()}), IsOk());
  const absl::Status other =
      ApplyMigrations(pool_, "gadgets", {Migration{1, "create_gadgets", CreateGadgets().sql}});
  ASSERT_TRUE(other.ok()) << other;
  EXPECT_EQ(Applied("widgets").size(), 1u);
  EXPECT_EQ(Applied("gadgets").size(), 1u);
}

TEST_F(MigrationsTest, RequiresAPoolWithADatabase) {
  MySqlPool admin(db_.admin_options());
  const absl::Status status = ApplyMigrations(admin, "widgets", {CreateWidgets()});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("database"));
}

TEST_F(MigrationsTest, CommonMigrationsApply) {
  const absl::Status status = ApplyMigrations(pool_, kCommonMigrationTrack, CommonMigrations());
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(TableExists("idempotency_records"));
  EXPECT_EQ(Applied("common").size(), CommonMigrations().size());
  EXPECT_THAT(ApplyMigrations(pool_, kCommonMigrationTrack, CommonMigrations()), IsOk());
}

}  // namespace
}  // namespace crm::common
