// Bulk writes of audit entries: multi-row INSERT ... RETURNING id for the
// entries, multi-row INSERTs for their field changes (common/mysql/batch_insert.h).
#include <cppconn/resultset.h>

#include <cstdint>
#include <vector>

#include "common/audit/audit_log.h"
#include "common/mysql/batch_insert.h"
#include "common/mysql/sql_query.h"

namespace crm::common {
namespace {

using crm::common::v1::AuditEntry;
using crm::common::v1::FieldChange;

// Rows per statement: well below the 65,535 placeholders a statement may have.
constexpr size_t kEntriesPerStatement = 4000;  // 24,000 placeholders
constexpr size_t kChangesPerStatement = 5000;  // 25,000

}  // namespace

void InsertAuditEntries(sql::Connection& connection, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return;
  std::vector<SqlValue> values;
  values.reserve(entries.size() * 6);
  for (const AuditEntry& entry : entries) {
    values.insert(values.end(), {entry.resource(), int64_t{entry.action()}, entry.actor(),
                                 entry.request_id(), entry.reason(), SqlTime(entry.create_time())});
  }
  std::vector<int64_t> ids;
  ids.reserve(entries.size());
  // MariaDB returns the generated ids in insertion order.
  QueryBatched(connection,
               "INSERT INTO audit_entries (resource, action, actor, request_id, reason, "
               "create_time) VALUES ",
               "(?, ?, ?, ?, ?, ?)", " RETURNING id", 6, values, kEntriesPerStatement,
               [&](sql::ResultSet& rows) {
                 while (rows.next()) ids.push_back(rows.getInt64(1));
               });
  values.clear();
  for (size_t i = 0; i < entries.size() && i < ids.size(); ++i) {
    for (int position = 0; position < entries[i].field_changes_size(); ++position) {
      const FieldChange& change = entries[i].field_changes(position);
      values.insert(values.end(), {ids[i], int64_t{position}, change.field_path(),
                                   change.old_value_json(), change.new_value_json()});
    }
  }
  // Every audit_entry_id was just returned by the INSERT above, in this
  // transaction (which holds its row lock), so the foreign key cannot fail:
  // the statement skips checking it once per row (SET STATEMENT restores the
  // setting when the statement ends, also on error).
  ExecuteBatched(connection,
                 "SET STATEMENT foreign_key_checks = 0 FOR "
                 "INSERT INTO audit_field_changes (audit_entry_id, position, field_path, "
                 "old_value_json, new_value_json) VALUES ",
                 "(?, ?, ?, ?, ?)", "", 5, values, kChangesPerStatement);
}

}  // namespace crm::common
