#include "supplier_svc/repository/mysql_supplier_communication_repository.h"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {
namespace {

using common::SqlQuery;
using common::SqlValue;

constexpr char kColumns[] =
    "m.id, m.supplier_id, m.channel, m.direction, m.subject, m.summary, m.contact_name, "
    "m.author, m.occur_time, m.create_time";

std::string_view CommunicationColumnSql(CommunicationColumn column) {
  switch (column) {
    case CommunicationColumn::kChannel:
      return "m.channel";
    case CommunicationColumn::kDirection:
      return "m.direction";
    case CommunicationColumn::kAuthor:
      return "m.author";
    case CommunicationColumn::kOccurTime:
      return "m.occur_time";
    case CommunicationColumn::kRelatedResource:
      break;  // see AddCommunicationConditions
  }
  return "NULL";
}

void AddCommunicationConditions(SqlQuery& query,
                                const std::vector<CommunicationCondition>& conditions) {
  std::vector<CommunicationCondition> columns;
  for (const CommunicationCondition& condition : conditions) {
    if (condition.column != CommunicationColumn::kRelatedResource) {
      columns.push_back(condition);
      continue;
    }
    const bool negated = condition.match == common::Match::kNotEqual;
    query.Add(absl::StrCat(" AND ", negated ? "NOT " : "",
                           "EXISTS (SELECT 1 FROM supplier_communication_resources r"
                           " WHERE r.communication_id = m.id AND r.resource = ?)"),
              {std::get<std::string>(condition.value)});
  }
  common::AddConditions(query, columns, &CommunicationColumnSql);
}

absl::StatusOr<StoredCommunication> ReadCommunication(const sql::ResultSet& row) {
  StoredCommunication stored;
  stored.id = row.getInt64("id");
  stored.supplier_id = row.getInt64("supplier_id");
  v1::SupplierCommunication& c = stored.communication;
  c.set_name(common::FormatNestedResourceName(
      {{"suppliers", stored.supplier_id}, {"communications", stored.id}}));
  c.set_channel(static_cast<v1::CommunicationChannel>(row.getInt("channel")));
  c.set_direction(static_cast<v1::CommunicationDirection>(row.getInt("direction")));
  c.set_subject(common::ReadString(row, "subject"));
  c.set_summary(common::ReadString(row, "summary"));
  c.set_contact_name(common::ReadString(row, "contact_name"));
  c.set_author(common::ReadString(row, "author"));
  absl::StatusOr<google::protobuf::Timestamp> occur = common::ReadTimestamp(row, "occur_time");
  if (!occur.ok()) return occur.status();
  *c.mutable_occur_time() = *occur;
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *c.mutable_create_time() = *created;
  return stored;
}

// Runs `query` and attaches every row's related resources (one more query).
absl::StatusOr<std::vector<StoredCommunication>> ReadAll(sql::Connection& connection,
                                                         const SqlQuery& query) {
  absl::StatusOr<std::vector<StoredCommunication>> result =
      common::QueryRows(connection, query, ReadCommunication);
  if (!result.ok() || result->empty()) return result;
  std::vector<StoredCommunication>& rows = *result;
  std::map<int64_t, StoredCommunication*> by_id;
  SqlQuery resources;
  resources.Add(
      "SELECT communication_id, resource FROM supplier_communication_resources"
      " WHERE communication_id IN (");
  for (size_t i = 0; i < rows.size(); ++i) {
    by_id[rows[i].id] = &rows[i];
    resources.Add(i == 0 ? "?" : ", ?", {rows[i].id});
  }
  resources.Add(") ORDER BY communication_id, position");
  common::QueryResult resource_rows = common::Query(connection, resources);
  while (resource_rows->next()) {
    auto it = by_id.find(resource_rows->getInt64("communication_id"));
    if (it == by_id.end()) continue;
    it->second->communication.add_related_resources(common::ReadString(*resource_rows, "resource"));
  }
  return result;
}

class MySqlCommunicationStore final : public CommunicationStore {
 public:
  explicit MySqlCommunicationStore(sql::Connection& connection)
      : connection_(connection), suppliers_(MakeMySqlSupplierStore(connection)) {}

  SupplierStore& suppliers() override { return *suppliers_; }

  absl::StatusOr<StoredCommunication> InsertCommunication(
      int64_t supplier_id, const v1::SupplierCommunication& c) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO supplier_communications (supplier_id, channel, direction, subject, summary,"
        " contact_name, author, occur_time, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {supplier_id, int64_t{c.channel()}, int64_t{c.direction()}, c.subject(), c.summary(),
         c.contact_name(), c.author(), common::SqlTime(c.occur_time()),
         common::SqlTime(c.create_time())});
    common::Execute(connection_, insert);
    StoredCommunication stored;
    stored.id = common::LastInsertId(connection_);
    stored.supplier_id = supplier_id;
    if (!c.related_resources().empty()) {
      SqlQuery resources;
      resources.Add(
          "INSERT INTO supplier_communication_resources (communication_id, position, resource)"
          " VALUES ");
      for (int i = 0; i < c.related_resources_size(); ++i) {
        resources.Add(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)",
                      {stored.id, int64_t{i}, c.related_resources(i)});
      }
      common::Execute(connection_, resources);
    }
    stored.communication = c;
    stored.communication.set_name(common::FormatNestedResourceName(
        {{"suppliers", supplier_id}, {"communications", stored.id}}));
    return stored;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
  std::unique_ptr<SupplierStore> suppliers_;
};

}  // namespace

MySqlSupplierCommunicationRepository::MySqlSupplierCommunicationRepository(common::MySqlPool& pool)
    : pool_(pool) {}

absl::StatusOr<std::string> MySqlSupplierCommunicationRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(CommunicationStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlCommunicationStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<bool> MySqlSupplierCommunicationRepository::SupplierExists(absl::Time deadline,
                                                                          int64_t supplier_id) {
  bool exists = false;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery query;
    query.Add("SELECT 1 FROM suppliers WHERE id = ?", {supplier_id});
    exists = common::Query(c, query)->next();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return exists;
}

absl::StatusOr<std::optional<StoredCommunication>>
MySqlSupplierCommunicationRepository::GetCommunication(absl::Time deadline, int64_t supplier_id,
                                                       int64_t id) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kColumns,
                         " FROM supplier_communications m WHERE m.id = ? AND m.supplier_id = ?"),
            {id, supplier_id});
  absl::StatusOr<std::vector<StoredCommunication>> rows;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    rows = ReadAll(c, query);
    return rows.status();
  });
  if (!status.ok()) return status;
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

absl::StatusOr<std::vector<StoredCommunication>>
MySqlSupplierCommunicationRepository::ListCommunications(absl::Time deadline,
                                                         const CommunicationListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kColumns, " FROM supplier_communications m WHERE TRUE"));
  if (list.supplier_id.has_value()) query.Add(" AND m.supplier_id = ?", {*list.supplier_id});
  AddCommunicationConditions(query, list.conditions);
  const std::string sort =
      list.order == CommunicationOrder::kCreateTime ? "m.create_time" : "m.occur_time";
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND m.id", after, "))"),
              {list.after->time, list.after->time, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", m.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<StoredCommunication>> {
        return ReadAll(c, query);
      });
}

}  // namespace crm::supplier
