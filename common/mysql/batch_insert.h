#ifndef CRM_COMMON_MYSQL_BATCH_INSERT_H_
#define CRM_COMMON_MYSQL_BATCH_INSERT_H_

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/mysql/sql_query.h"

namespace crm::common {

// One multi-row statement run over many rows: `head` + `row` repeated with
// ", " between + `tail`, e.g.
//   head "INSERT INTO t (a, b) VALUES ", row "(?, ?)", tail "" (or " RETURNING id").
// `values` holds every row's placeholder values one row after the other
// (values_per_row each). Rows go `rows_per_statement` at a time (keep
// rows_per_statement * values_per_row well below MySQL's 65,535 placeholders;
// a chunk whose values pass 4 MB is cut shorter, so long strings never exceed
// max_allowed_packet);
// the statement for a full chunk is prepared once and executed again for each
// full chunk, so the server parses it once instead of once per chunk. Throws
// sql::SQLException like any statement.
void ExecuteBatched(sql::Connection& connection, std::string_view head, std::string_view row,
                    std::string_view tail, size_t values_per_row,
                    const std::vector<SqlValue>& values, size_t rows_per_statement);

// The same for a statement with a result (INSERT ... RETURNING): `on_result`
// gets each chunk's result set, chunks in order.
void QueryBatched(sql::Connection& connection, std::string_view head, std::string_view row,
                  std::string_view tail, size_t values_per_row,
                  const std::vector<SqlValue>& values, size_t rows_per_statement,
                  absl::FunctionRef<void(sql::ResultSet&)> on_result);

// Binds `values` to placeholders 1..n of an already prepared statement.
void BindValues(sql::PreparedStatement& statement, const SqlValue* values, size_t count);

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_BATCH_INSERT_H_
