#ifndef CRM_COMMON_MYSQL_VERSIONED_UPDATE_H_
#define CRM_COMMON_MYSQL_VERSIONED_UPDATE_H_

#include <cppconn/connection.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mysql/sql_query.h"

namespace crm::common {

// The optimistic-concurrency UPDATE of one row: sets `assignments` (the
// "col = ?, ..." list, bound to `values`) and bumps `version`, on the row
// `id` of `table` still at `expected_version`; ABORTED "<name> was modified
// concurrently; re-read and retry" when no row matched. Throws
// sql::SQLException.
inline absl::Status UpdateAtVersion(sql::Connection& connection, std::string_view table,
                                    std::string_view assignments, std::vector<SqlValue> values,
                                    int64_t id, int64_t expected_version, std::string_view name) {
  SqlQuery update;
  update.text = absl::StrCat("UPDATE ", std::string(table), " SET ", std::string(assignments),
                             ", version = version + 1 WHERE id = ? AND version = ?");
  update.params = std::move(values);
  update.params.emplace_back(id);
  update.params.emplace_back(expected_version);
  if (Execute(connection, update) != 1) {
    return absl::AbortedError(
        absl::StrCat(std::string(name), " was modified concurrently; re-read and retry"));
  }
  return absl::OkStatus();
}

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_VERSIONED_UPDATE_H_
