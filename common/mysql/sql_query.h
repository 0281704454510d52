#ifndef CRM_COMMON_MYSQL_SQL_QUERY_H_
#define CRM_COMMON_MYSQL_SQL_QUERY_H_

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "common/mysql/statement_cache.h"

namespace crm::common {

// A placeholder value: NULL, an integer or a string (text or bytes).
struct SqlNull {
  friend bool operator==(const SqlNull&, const SqlNull&) = default;
};
using SqlValue = std::variant<int64_t, std::string, SqlNull>;

// A statement under construction and the values of its placeholders, in order.
// Only placeholders carry values: no value is ever spliced into `text`.
struct SqlQuery {
  std::string text;
  std::vector<SqlValue> params;

  void Add(std::string_view sql, std::initializer_list<SqlValue> values = {}) {
    text.append(sql);
    params.insert(params.end(), values.begin(), values.end());
  }
};

// The rows of a query. Keeps its statement checked out until destroyed.
class QueryResult {
 public:
  QueryResult(CachedStatement statement, std::unique_ptr<sql::ResultSet> rows)
      : statement_(std::move(statement)), rows_(std::move(rows)) {}

  sql::ResultSet& operator*() const { return *rows_; }
  sql::ResultSet* operator->() const { return rows_.get(); }

 private:
  CachedStatement statement_;
  std::unique_ptr<sql::ResultSet> rows_;  // destroyed before its statement
};

// Prepares `query` on `connection` (reusing a cached statement with the same
// text, see statement_cache.h) and binds its values.
CachedStatement Prepare(sql::Connection& connection, const SqlQuery& query);

// Runs a statement with no result set; returns the affected row count.
int64_t Execute(sql::Connection& connection, const SqlQuery& query);

// Runs a query and returns its result set.
QueryResult Query(sql::Connection& connection, const SqlQuery& query);

// LAST_INSERT_ID() of `connection`.
int64_t LastInsertId(sql::Connection& connection);

// Escapes LIKE wildcards with '!' (use with ESCAPE '!').
std::string EscapeLike(std::string_view text);

// "?, ?, ?" for `count` placeholders.
std::string Placeholders(size_t count);

// Appends " AND <column> <op> ?" for each condition; `column_sql` maps a
// column to its SQL expression (from a fixed list, never from input).
template <typename Column>
void AddConditions(SqlQuery& query, const std::vector<Condition<Column>>& conditions,
                   std::string_view (*column_sql)(Column));

// `statement` prefixed with "SET STATEMENT max_heap_table_size = ...,
// tmp_table_size = ... FOR ", so that its internal temporary tables stay in
// memory up to kLargeTempTableBytes. For bulk statements only: past MariaDB's
// default 16 MB the grouped rows of a GROUP BY, or the rows a multi-table
// UPDATE collects for its later tables (VARCHARs at full width), spill to
// disk, where each costs several times as much.
inline constexpr int64_t kLargeTempTableBytes = int64_t{512} << 20;
std::string WithLargeTempTables(std::string_view statement);

// MySQL DATETIME(6) text for a proto timestamp, and back. An unreadable
// stored value is INTERNAL naming the column.
std::string SqlTime(const google::protobuf::Timestamp& timestamp);
absl::StatusOr<google::protobuf::Timestamp> ReadTimestamp(const sql::ResultSet& row,
                                                          const std::string& column);
// nullopt for SQL NULL.
absl::StatusOr<std::optional<google::protobuf::Timestamp>> ReadOptionalTimestamp(
    const sql::ResultSet& row, const std::string& column);
// A string column as std::string.
std::string ReadString(const sql::ResultSet& row, const std::string& column);

// Implementation details below.
void AddCondition(SqlQuery& query, std::string_view column, Match match,
                  const std::variant<int64_t, std::string>& value);

template <typename Column>
void AddConditions(SqlQuery& query, const std::vector<Condition<Column>>& conditions,
                   std::string_view (*column_sql)(Column)) {
  for (const Condition<Column>& condition : conditions) {
    AddCondition(query, column_sql(condition.column), condition.match, condition.value);
  }
}

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_SQL_QUERY_H_
