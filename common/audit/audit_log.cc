#include "common/audit/audit_log.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/split.h"
#include "common/api/time_util.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::common {
namespace {

using crm::common::v1::AuditEntry;
using crm::common::v1::FieldChange;

std::string_view AuditColumnSql(AuditColumn column) {
  switch (column) {
    case AuditColumn::kAction: return "a.action";
    case AuditColumn::kActor: return "a.actor";
    case AuditColumn::kRequestId: return "a.request_id";
    case AuditColumn::kCreateTime: return "a.create_time";
  }
  return "NULL";
}

const std::vector<FilterField<AuditColumn>>& AuditFields() {
  static const auto* const fields = new std::vector<FilterField<AuditColumn>>{
      {"action", AuditColumn::kAction, FilterValueKind::kEnum,
       crm::common::v1::AuditAction_descriptor()},
      {"actor", AuditColumn::kActor, FilterValueKind::kExact},
      {"request_id", AuditColumn::kRequestId, FilterValueKind::kExact},
      {"create_time", AuditColumn::kCreateTime, FilterValueKind::kTime},
  };
  return *fields;
}

// "customers/42" or a resource below it ("customers/42/interactions/7"),
// whose top-level collection is one of `collections`.
absl::Status ValidateAuditResource(std::string_view resource,
                                   const std::vector<std::string_view>& collections) {
  const std::vector<std::string_view> segments = SplitOn(resource, '/');
  bool valid = segments.size() % 2 == 0;
  if (valid) {
    valid = false;
    for (std::string_view collection : collections) valid = valid || segments[0] == collection;
  }
  for (size_t i = 0; valid && i < segments.size(); i += 2) {
    valid = !segments[i].empty() &&
            ParseResourceId("resource",
                            absl::StrCat(std::string(segments[i]), "/", std::string(segments[i + 1])),
                            segments[i])
                .ok();
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "resource: %s is not a resource name such as %s/42", QuoteValue(resource),
      collections.empty() ? "things" : std::string(collections.front())));
}

}  // namespace

AuditEntry MakeAuditEntry(const CallContext& call, std::string_view resource,
                          crm::common::v1::AuditAction action, std::vector<FieldChange> changes,
                          std::string_view reason, absl::Time time) {
  AuditEntry entry;
  entry.set_resource(std::string(resource));
  entry.set_action(action);
  for (FieldChange& change : changes) *entry.add_field_changes() = std::move(change);
  entry.set_actor(call.caller.team);
  entry.set_request_id(call.request_id);
  *entry.mutable_create_time() = ToProtoTimestamp(time);
  entry.set_reason(std::string(reason));
  return entry;
}

void InsertAuditEntry(sql::Connection& connection, const AuditEntry& entry) {
  SqlQuery insert;
  insert.Add(
      "INSERT INTO audit_entries (resource, action, actor, request_id, reason, create_time) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {entry.resource(), int64_t{entry.action()}, entry.actor(), entry.request_id(),
       entry.reason(), SqlTime(entry.create_time())});
  Execute(connection, insert);
  if (entry.field_changes().empty()) return;
  const int64_t entry_id = LastInsertId(connection);
  SqlQuery changes;
  changes.Add(
      "INSERT INTO audit_field_changes (audit_entry_id, position, field_path, old_value_json, "
      "new_value_json) VALUES ");
  for (int i = 0; i < entry.field_changes_size(); ++i) {
    const FieldChange& change = entry.field_changes(i);
    changes.Add(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)",
                {entry_id, int64_t{i}, change.field_path(), change.old_value_json(),
                 change.new_value_json()});
  }
  Execute(connection, changes);
}

absl::StatusOr<std::vector<StoredAuditEntry>> SelectAuditEntries(MySqlPool& pool,
                                                                 absl::Time deadline,
                                                                 const AuditListQuery& list) {
  SqlQuery query;
  query.Add(
      "SELECT a.id, a.resource, a.action, a.actor, a.request_id, a.reason, a.create_time "
      "FROM audit_entries a WHERE TRUE");
  if (!list.resource.empty()) {
    query.Add(" AND (a.resource = ? OR a.resource LIKE ? ESCAPE '!')",
              {list.resource, absl::StrCat(EscapeLike(list.resource), "/%")});
  }
  AddConditions(query, list.conditions, &AuditColumnSql);
  if (list.before_id.has_value()) query.Add(" AND a.id < ?", {*list.before_id});
  query.Add(" ORDER BY a.id DESC LIMIT ?", {int64_t{list.limit}});

  std::vector<StoredAuditEntry> entries;
  absl::Status status = RunWithConnection(pool, deadline, [&](sql::Connection& c) {
    std::map<int64_t, size_t> index_by_id;
    {
      QueryResult rows = Query(c, query);
      while (rows->next()) {
        StoredAuditEntry& stored = entries.emplace_back();
        stored.id = rows->getInt64("id");
        AuditEntry& entry = stored.entry;
        entry.set_name(FormatResourceName("auditEntries", stored.id));
        entry.set_resource(ReadString(*rows, "resource"));
        entry.set_action(static_cast<crm::common::v1::AuditAction>(rows->getInt("action")));
        entry.set_actor(ReadString(*rows, "actor"));
        entry.set_request_id(ReadString(*rows, "request_id"));
        entry.set_reason(ReadString(*rows, "reason"));
        absl::StatusOr<google::protobuf::Timestamp> time = ReadTimestamp(*rows, "create_time");
        if (!time.ok()) return time.status();
        *entry.mutable_create_time() = *time;
        index_by_id[stored.id] = entries.size() - 1;
      }
    }
    if (entries.empty()) return absl::OkStatus();
    SqlQuery changes;
    for (const auto& [id, index] : index_by_id) changes.params.emplace_back(id);
    changes.text = absl::StrCat(
        "SELECT audit_entry_id, field_path, old_value_json, new_value_json "
        "FROM audit_field_changes WHERE audit_entry_id IN (",
        Placeholders(index_by_id.size()), ") ORDER BY audit_entry_id, position");
    QueryResult rows = Query(c, changes);
    while (rows->next()) {
      FieldChange& change =
          *entries[index_by_id[rows->getInt64("audit_entry_id")]].entry.add_field_changes();
      change.set_field_path(ReadString(*rows, "field_path"));
      change.set_old_value_json(ReadString(*rows, "old_value_json"));
      change.set_new_value_json(ReadString(*rows, "new_value_json"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return entries;
}

absl::StatusOr<AuditListing> ListAuditEntryPage(MySqlPool& pool, const CallContext& call,
                                                std::string_view resource, int32_t page_size,
                                                std::string_view page_token,
                                                std::string_view filter,
                                                const std::vector<std::string_view>& collections) {
  AuditListQuery query;
  if (!resource.empty()) {
    if (absl::Status valid = ValidateAuditResource(resource, collections); !valid.ok()) {
      return valid;
    }
    query.resource = std::string(resource);
  }
  absl::StatusOr<int> size = NormalizePageSize(page_size);
  if (!size.ok()) return size.status();
  absl::StatusOr<std::vector<Condition<AuditColumn>>> conditions =
      ResolveFilter<AuditColumn>(filter, AuditFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *size + 1;

  const std::string fingerprint = PageQueryFingerprint({"ListAuditEntries", resource, filter});
  absl::StatusOr<std::optional<int64_t>> before = DecodeIdPageToken(page_token, fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;

  absl::StatusOr<std::vector<StoredAuditEntry>> rows =
      SelectAuditEntries(pool, call.deadline, query);
  if (!rows.ok()) return rows.status();
  AuditListing listing;
  const bool more = static_cast<int>(rows->size()) > *size;
  if (more) rows->resize(*size);
  for (StoredAuditEntry& row : *rows) listing.entries.push_back(std::move(row.entry));
  if (more) listing.next_page_token = EncodeIdPageToken(rows->back().id, fingerprint);
  return listing;
}

}  // namespace crm::common
