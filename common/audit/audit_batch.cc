// Bulk writes of audit entries: one multi-row INSERT ... RETURNING id per
// batch of entries and one multi-row INSERT per batch of their field changes.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "common/audit/audit_log.h"
#include "common/mysql/sql_query.h"

namespace crm::common {
namespace {

using crm::common::v1::AuditEntry;
using crm::common::v1::FieldChange;

// Rows per statement: well below the 65,535 placeholders a statement may have.
constexpr size_t kEntriesPerStatement = 1000;
constexpr size_t kChangesPerStatement = 2000;

void InsertChanges(sql::Connection& connection,
                   const std::vector<std::pair<int64_t, const AuditEntry*>>& entries) {
  SqlQuery changes;
  size_t rows = 0;
  auto flush = [&] {
    if (rows == 0) return;
    Execute(connection, changes);
    changes = SqlQuery();
    rows = 0;
  };
  for (const auto& [entry_id, entry] : entries) {
    for (int i = 0; i < entry->field_changes_size(); ++i) {
      const FieldChange& change = entry->field_changes(i);
      if (rows == 0) {
        changes.Add(
            "INSERT INTO audit_field_changes (audit_entry_id, position, field_path, "
            "old_value_json, new_value_json) VALUES (?, ?, ?, ?, ?)",
            {entry_id, int64_t{i}, change.field_path(), change.old_value_json(),
             change.new_value_json()});
      } else {
        changes.Add(", (?, ?, ?, ?, ?)", {entry_id, int64_t{i}, change.field_path(),
                                          change.old_value_json(), change.new_value_json()});
      }
      if (++rows == kChangesPerStatement) flush();
    }
  }
  flush();
}

}  // namespace

void InsertAuditEntries(sql::Connection& connection, const std::vector<AuditEntry>& entries) {
  for (size_t begin = 0; begin < entries.size(); begin += kEntriesPerStatement) {
    const size_t end = std::min(entries.size(), begin + kEntriesPerStatement);
    SqlQuery insert;
    insert.Add("INSERT INTO audit_entries (resource, action, actor, request_id, reason, create_time) "
               "VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const AuditEntry& entry = entries[i];
      insert.Add(i == begin ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)",
                 {entry.resource(), int64_t{entry.action()}, entry.actor(), entry.request_id(),
                  entry.reason(), SqlTime(entry.create_time())});
    }
    // MariaDB returns the generated ids in insertion order.
    insert.Add(" RETURNING id");
    std::vector<std::pair<int64_t, const AuditEntry*>> inserted;
    inserted.reserve(end - begin);
    {
      std::unique_ptr<sql::PreparedStatement> statement = Prepare(connection, insert);
      std::unique_ptr<sql::ResultSet> ids(statement->executeQuery());
      for (size_t i = begin; i < end && ids->next(); ++i) {
        inserted.emplace_back(ids->getInt64(1), &entries[i]);
      }
    }
    InsertChanges(connection, inserted);
  }
}

}  // namespace crm::common
