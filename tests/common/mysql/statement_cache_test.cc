#include "common/mysql/statement_cache.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::ExecuteSql;
using ::crm::test_support::IsOk;
using ::crm::test_support::TestDatabase;

constexpr char kSelectName[] = "SELECT name FROM items WHERE id = ?";

class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(
        ExecuteSql(pool_, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)"),
        IsOk());
    ASSERT_THAT(ExecuteSql(pool_, "INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')"),
                IsOk());
  }

  // Runs `body` on one pooled connection (a StatementCachingConnection).
  void OnConnection(const std::function<void(StatementCachingConnection&)>& body) {
    absl::Status status =
        RunWithConnection(pool_, absl::Now() + absl::Seconds(30), [&](sql::Connection& c) {
          auto* caching = dynamic_cast<StatementCachingConnection*>(&c);
          EXPECT_NE(caching, nullptr) << "pooled connections cache statements";
          if (caching != nullptr) body(*caching);
          return absl::OkStatus();
        });
    ASSERT_THAT(status, IsOk());
  }

  static std::string NameOf(sql::Connection& connection, int64_t id) {
    QueryResult rows = Query(connection, SqlQuery{kSelectName, {id}});
    return rows->next() ? std::string(rows->getString(1)) : "(none)";
  }

  TestDatabase db_;
  MySqlPool pool_{[this] {
    MySqlOptions options = db_.options();
    options.pool_size = 1;
    options.statement_cache_size = 2;
    return options;
  }()};
};

TEST_F(StatementCacheTest, ReusesTheStatementPreparedForTheSameText) {
  OnConnection([](StatementCachingConnection& connection) {
    sql::PreparedStatement* first = nullptr;
    {
      CachedStatement statement = PrepareCached(connection, kSelectName);
      first = &*statement;
    }
    EXPECT_EQ(connection.cached_statements(), 1u);
    CachedStatement again = PrepareCached(connection, kSelectName);
    EXPECT_EQ(&*again, first);
    EXPECT_EQ(connection.cached_statements(), 0u) << "checked out, not idle";
  });
}

TEST_F(StatementCacheTest, AReusedStatementReadsWithItsNewValues) {
  OnConnection([](StatementCachingConnection& connection) {
    EXPECT_EQ(NameOf(connection, 1), "one");
    EXPECT_EQ(NameOf(connection, 2), "two");
    EXPECT_EQ(NameOf(connection, 4), "(none)");
    EXPECT_EQ(NameOf(connection, 3), "three");
  });
}

TEST_F(StatementCacheTest, OpenRowsKeepTheirStatementSoTheSameQueryCanRunInside) {
  OnConnection([](StatementCachingConnection& connection) {
    QueryResult outer = Query(connection, SqlQuery{"SELECT id FROM items ORDER BY id"});
    std::string seen;
    while (outer->next()) {
      const int64_t id = outer->getInt64(1);
      // Same text as the outer query's inner lookups, one after another and
      // while `outer` is still being read.
      absl::StrAppend(&seen, id, "=", NameOf(connection, id), " ");
      QueryResult again = Query(connection, SqlQuery{"SELECT id FROM items ORDER BY id"});
      EXPECT_TRUE(again->next());
    }
    EXPECT_EQ(seen, "1=one 2=two 3=three ");
  });
}

TEST_F(StatementCacheTest, KeepsAtMostCapacityIdleStatements) {
  OnConnection([](StatementCachingConnection& connection) {
    for (int i = 0; i < 5; ++i) {
      QueryResult rows = Query(connection, SqlQuery{absl::StrCat("SELECT ", i)});
      ASSERT_TRUE(rows->next());
      EXPECT_EQ(rows->getInt(1), i);
    }
    EXPECT_EQ(connection.cached_statements(), 2u);
    // The most recently used ones stay and still work.
    QueryResult rows = Query(connection, SqlQuery{"SELECT 4"});
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->getInt(1), 4);
  });
}

TEST_F(StatementCacheTest, AStatementThatFailedWorksOnItsNextUse) {
  OnConnection([](StatementCachingConnection& connection) {
    const SqlQuery duplicate{"INSERT INTO items VALUES (?, ?)", {int64_t{1}, std::string("uno")}};
    EXPECT_THROW(Execute(connection, duplicate), sql::SQLException);
    EXPECT_EQ(Execute(connection, SqlQuery{"INSERT INTO items VALUES (?, ?)",
                                           {int64_t{4}, std::string("four")}}),
              1);
    EXPECT_EQ(NameOf(connection, 4), "four");
  });
}

TEST_F(StatementCacheTest, CachedStatementsSurviveReturnToThePool) {
  OnConnection([](StatementCachingConnection& connection) { NameOf(connection, 1); });
  OnConnection([](StatementCachingConnection& connection) {
    EXPECT_EQ(connection.cached_statements(), 1u) << "the same connection, its cache kept";
    EXPECT_EQ(NameOf(connection, 2), "two");
  });
}

TEST_F(StatementCacheTest, ASchemaChangeDoesNotBreakACachedStatement) {
  OnConnection(
      [](StatementCachingConnection& connection) { EXPECT_EQ(NameOf(connection, 1), "one"); });
  ASSERT_THAT(ExecuteSql(pool_, "ALTER TABLE items MODIFY name VARCHAR(40) NOT NULL"), IsOk());
  OnConnection(
      [](StatementCachingConnection& connection) { EXPECT_EQ(NameOf(connection, 1), "one"); });
}

}  // namespace
}  // namespace crm::common
