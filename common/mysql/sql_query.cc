#include "common/mysql/sql_query.h"

#include "absl/strings/str_cat.h"
#include "common/api/time_util.h"

namespace crm::common {

CachedStatement Prepare(sql::Connection& connection, const SqlQuery& query) {
  CachedStatement statement = PrepareCached(connection, query.text);
  for (size_t i = 0; i < query.params.size(); ++i) {
    const unsigned int index = static_cast<unsigned int>(i + 1);
    if (const int64_t* number = std::get_if<int64_t>(&query.params[i])) {
      statement->setInt64(index, *number);
    } else if (const std::string* text = std::get_if<std::string>(&query.params[i])) {
      statement->setString(index, *text);
    } else {
      statement->setNull(index, sql::DataType::VARCHAR);
    }
  }
  return statement;
}

int64_t Execute(sql::Connection& connection, const SqlQuery& query) {
  CachedStatement statement = Prepare(connection, query);
  return statement->executeUpdate();
}

QueryResult Query(sql::Connection& connection, const SqlQuery& query) {
  CachedStatement statement = Prepare(connection, query);
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  return QueryResult(std::move(statement), std::move(rows));
}

int64_t LastInsertId(sql::Connection& connection) {
  CachedStatement statement = PrepareCached(connection, "SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> row(statement->executeQuery());
  row->next();
  return row->getInt64(1);
}

std::string EscapeLike(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '!' || c == '%' || c == '_') escaped.push_back('!');
    escaped.push_back(c);
  }
  return escaped;
}

std::string Placeholders(size_t count) {
  std::string marks;
  for (size_t i = 0; i < count; ++i) marks.append(i == 0 ? "?" : ", ?");
  return marks;
}

void AddCondition(SqlQuery& query, std::string_view column, Match match,
                  const std::variant<int64_t, std::string>& value) {
  const std::string col(column);
  const SqlValue bound = std::holds_alternative<int64_t>(value)
                             ? SqlValue(std::get<int64_t>(value))
                             : SqlValue(std::get<std::string>(value));
  switch (match) {
    case Match::kEqual:
      query.Add(absl::StrCat(" AND ", col, " = ?"), {bound});
      return;
    case Match::kNotEqual:
      query.Add(absl::StrCat(" AND NOT (", col, " <=> ?)"), {bound});
      return;
    case Match::kLess:
      query.Add(absl::StrCat(" AND ", col, " < ?"), {bound});
      return;
    case Match::kLessOrEqual:
      query.Add(absl::StrCat(" AND ", col, " <= ?"), {bound});
      return;
    case Match::kGreater:
      query.Add(absl::StrCat(" AND ", col, " > ?"), {bound});
      return;
    case Match::kGreaterOrEqual:
      query.Add(absl::StrCat(" AND ", col, " >= ?"), {bound});
      return;
    case Match::kContains:
      query.Add(absl::StrCat(" AND ", col, " LIKE ? ESCAPE '!'"),
                {absl::StrCat("%", EscapeLike(std::get<std::string>(value)), "%")});
      return;
    case Match::kPrefix:
      query.Add(absl::StrCat(" AND ", col, " LIKE ? ESCAPE '!'"),
                {absl::StrCat(EscapeLike(std::get<std::string>(value)), "%")});
      return;
  }
}

std::string SqlTime(const google::protobuf::Timestamp& timestamp) {
  return FormatMysqlDatetime(FromProtoTimestamp(timestamp));
}

absl::StatusOr<google::protobuf::Timestamp> ReadTimestamp(const sql::ResultSet& row,
                                                          const std::string& column) {
  absl::StatusOr<absl::Time> time = ParseMysqlDatetime(std::string(row.getString(column)));
  if (!time.ok()) return absl::InternalError(absl::StrCat("stored ", column, " is unreadable"));
  return ToProtoTimestamp(*time);
}

absl::StatusOr<std::optional<google::protobuf::Timestamp>> ReadOptionalTimestamp(
    const sql::ResultSet& row, const std::string& column) {
  if (row.isNull(column)) return std::nullopt;
  absl::StatusOr<google::protobuf::Timestamp> time = ReadTimestamp(row, column);
  if (!time.ok()) return time.status();
  return *time;
}

std::string ReadString(const sql::ResultSet& row, const std::string& column) {
  return std::string(row.getString(column));
}

std::string WithLargeTempTables(std::string_view statement) {
  return absl::StrCat("SET STATEMENT max_heap_table_size = ", kLargeTempTableBytes,
                      ", tmp_table_size = ", kLargeTempTableBytes, " FOR ",
                      absl::string_view(statement.data(), statement.size()));
}

}  // namespace crm::common
