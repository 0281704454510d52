#include "common/mysql/batch_insert.h"

#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/mysql/statement_cache.h"

namespace crm::common {
namespace {

std::string StatementText(std::string_view head, std::string_view row, std::string_view tail,
                          size_t rows) {
  std::string text(head);
  text.reserve(head.size() + rows * (row.size() + 2) + tail.size());
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) text.append(", ");
    text.append(row);
  }
  text.append(tail);
  return text;
}

// The values of one statement stay well below max_allowed_packet (16 MB by
// default), however long the rows' strings are.
constexpr size_t kMaxStatementBytes = size_t{4} << 20;

size_t RowBytes(const SqlValue* values, size_t count) {
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string* text = std::get_if<std::string>(&values[i]);
    bytes += text != nullptr ? text->size() + 4 : 9;
  }
  return bytes;
}

void RunBatched(sql::Connection& connection, std::string_view head, std::string_view row,
                std::string_view tail, size_t values_per_row, const std::vector<SqlValue>& values,
                size_t rows_per_statement, sql::ResultSet* (*run)(sql::PreparedStatement&),
                absl::FunctionRef<void(sql::ResultSet&)> on_result) {
  if (values_per_row == 0 || values.empty()) return;
  const size_t rows = values.size() / values_per_row;
  rows_per_statement = std::max<size_t>(1, rows_per_statement);
  std::optional<CachedStatement> full;
  for (size_t begin = 0, count = 0; begin < rows; begin += count) {
    // Up to rows_per_statement rows, fewer when their values would pass
    // kMaxStatementBytes (always at least one row).
    size_t bytes = 0;
    for (count = 0; count < rows_per_statement && begin + count < rows; ++count) {
      const size_t row_bytes =
          RowBytes(values.data() + (begin + count) * values_per_row, values_per_row);
      if (count > 0 && bytes + row_bytes > kMaxStatementBytes) break;
      bytes += row_bytes;
    }
    std::optional<CachedStatement> partial;
    sql::PreparedStatement* statement = nullptr;
    if (count == rows_per_statement) {
      if (!full.has_value())
        full = PrepareCached(connection, StatementText(head, row, tail, count));
      statement = &**full;
    } else {
      partial = PrepareCached(connection, StatementText(head, row, tail, count));
      statement = &**partial;
    }
    BindValues(*statement, values.data() + begin * values_per_row, count * values_per_row);
    std::unique_ptr<sql::ResultSet> result(run(*statement));
    if (result != nullptr) on_result(*result);
  }
}

}  // namespace

void BindValues(sql::PreparedStatement& statement, const SqlValue* values, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const unsigned int index = static_cast<unsigned int>(i + 1);
    if (const int64_t* number = std::get_if<int64_t>(&values[i])) {
      statement.setInt64(index, *number);
    } else if (const std::string* text = std::get_if<std::string>(&values[i])) {
      statement.setString(index, *text);
    } else {
      statement.setNull(index, sql::DataType::VARCHAR);
    }
  }
}

void ExecuteBatched(sql::Connection& connection, std::string_view head, std::string_view row,
                    std::string_view tail, size_t values_per_row,
                    const std::vector<SqlValue>& values, size_t rows_per_statement) {
  RunBatched(
      connection, head, row, tail, values_per_row, values, rows_per_statement,
      [](sql::PreparedStatement& statement) -> sql::ResultSet* {
        statement.executeUpdate();
        return nullptr;
      },
      [](sql::ResultSet&) {});
}

void QueryBatched(sql::Connection& connection, std::string_view head, std::string_view row,
                  std::string_view tail, size_t values_per_row, const std::vector<SqlValue>& values,
                  size_t rows_per_statement, absl::FunctionRef<void(sql::ResultSet&)> on_result) {
  RunBatched(
      connection, head, row, tail, values_per_row, values, rows_per_statement,
      [](sql::PreparedStatement& statement) { return statement.executeQuery(); }, on_result);
}

}  // namespace crm::common
