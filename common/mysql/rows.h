#ifndef CRM_COMMON_MYSQL_ROWS_H_
#define CRM_COMMON_MYSQL_ROWS_H_

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql/pool.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::common {

// The row type a row reader yields: Read is callable as
// absl::StatusOr<Row>(sql::ResultSet&).
template <typename Read>
using RowOf = typename std::invoke_result_t<Read&, sql::ResultSet&>::value_type;

// Runs `query` on `connection` and reads every row with `read`; the first
// row `read` fails on ends it with that error. Throws sql::SQLException.
template <typename Read>
absl::StatusOr<std::vector<RowOf<Read>>> QueryRows(sql::Connection& connection,
                                                   const SqlQuery& query, Read&& read) {
  std::vector<RowOf<Read>> result;
  QueryResult rows = Query(connection, query);
  while (rows->next()) {
    absl::StatusOr<RowOf<Read>> row = read(*rows);
    if (!row.ok()) return row.status();
    result.push_back(*std::move(row));
  }
  return result;
}

// The first row of `query` on `connection` read with `read`, or nullopt when
// there is none; `read`'s error passes through. Throws sql::SQLException.
template <typename Read>
absl::StatusOr<std::optional<RowOf<Read>>> QueryOptionalRow(sql::Connection& connection,
                                                            const SqlQuery& query, Read&& read) {
  QueryResult rows = Query(connection, query);
  if (!rows->next()) return std::nullopt;
  absl::StatusOr<RowOf<Read>> row = read(*rows);
  if (!row.ok()) return row.status();
  return *std::move(row);
}

// QueryRows on a pooled connection (RunWithConnection: autocommit, errors and
// exceptions mapped to a status).
template <typename Read>
absl::StatusOr<std::vector<RowOf<Read>>> ReadRows(MySqlPool& pool, absl::Time deadline,
                                                  const SqlQuery& query, Read&& read) {
  return ReadWithConnection(
      pool, deadline, [&](sql::Connection& connection) -> absl::StatusOr<std::vector<RowOf<Read>>> {
        return QueryRows(connection, query, read);
      });
}

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_ROWS_H_
