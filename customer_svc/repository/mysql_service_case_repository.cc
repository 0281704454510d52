#include "customer_svc/repository/mysql_service_case_repository.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/domain/service_case_rules.h"
#include "customer_svc/repository/mysql_feedback_repository.h"
#include "customer_svc/repository/mysql_parent_customer.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr char kColumns[] =
    "s.id, s.customer_id, s.case_number, s.subject, s.description, s.priority, s.status, "
    "s.assignee, s.sla_due_time, s.resolution, s.resolve_time, s.close_time, s.csat_score, "
    "s.csat_comment, s.version, s.create_time, s.update_time, s.delete_time";

// Whether the case missed its SLA; the SQL form of IsSlaBreached, binding
// RESOLVED, CLOSED and the time it is evaluated at.
constexpr char kSlaBreachedSql[] =
    "(CASE WHEN s.status IN (?, ?) AND s.resolve_time IS NOT NULL "
    "THEN s.resolve_time > s.sla_due_time ELSE ? > s.sla_due_time END)";

std::string_view ColumnSql(ServiceCaseColumn column) {
  switch (column) {
    case ServiceCaseColumn::kStatus:
      return "s.status";
    case ServiceCaseColumn::kPriority:
      return "s.priority";
    case ServiceCaseColumn::kAssignee:
      return "s.assignee";
    case ServiceCaseColumn::kSlaDueTime:
      return "s.sla_due_time";
    case ServiceCaseColumn::kCreateTime:
      return "s.create_time";
    case ServiceCaseColumn::kSlaBreached:
      break;
  }
  return "NULL";
}

std::string_view OrderSql(ServiceCaseOrder order) {
  switch (order) {
    case ServiceCaseOrder::kSlaDueTime:
      return "s.sla_due_time";
    case ServiceCaseOrder::kPriority:
      return "s.priority";
    case ServiceCaseOrder::kCreateTime:
      break;
  }
  return "s.create_time";
}

void AddFilter(SqlQuery& query, const std::vector<ServiceCaseCondition>& conditions,
               absl::Time now) {
  for (const ServiceCaseCondition& condition : conditions) {
    if (condition.column == ServiceCaseColumn::kSlaBreached) {
      query.Add(absl::StrCat(" AND ", kSlaBreachedSql, " = ?"),
                {int64_t{v1::CASE_STATUS_RESOLVED}, int64_t{v1::CASE_STATUS_CLOSED},
                 common::FormatMysqlDatetime(now), std::get<int64_t>(condition.value)});
      continue;
    }
    common::AddCondition(query, ColumnSql(condition.column), condition.match, condition.value);
  }
}

SqlValue OptionalTime(bool has, const google::protobuf::Timestamp& time) {
  if (!has) return SqlNull{};
  return common::SqlTime(time);
}

absl::StatusOr<StoredServiceCase> ReadServiceCase(const sql::ResultSet& row) {
  StoredServiceCase stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::ServiceCase& service_case = stored.service_case;
  service_case.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"serviceCases", stored.id}}));
  if (!row.isNull("case_number"))
    service_case.set_case_number(common::ReadString(row, "case_number"));
  service_case.set_subject(common::ReadString(row, "subject"));
  service_case.set_description(common::ReadString(row, "description"));
  service_case.set_priority(static_cast<v1::CasePriority>(row.getInt("priority")));
  service_case.set_status(static_cast<v1::CaseStatus>(row.getInt("status")));
  service_case.set_assignee(common::ReadString(row, "assignee"));
  service_case.set_resolution(common::ReadString(row, "resolution"));
  service_case.set_csat_score(row.getInt("csat_score"));
  service_case.set_csat_comment(common::ReadString(row, "csat_comment"));
  service_case.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"sla_due_time", service_case.mutable_sla_due_time()},
           {"create_time", service_case.mutable_create_time()},
           {"update_time", service_case.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  for (const auto& [column, mutable_field] : std::initializer_list<
           std::pair<std::string, google::protobuf::Timestamp* (v1::ServiceCase::*)()>>{
           {"resolve_time", &v1::ServiceCase::mutable_resolve_time},
           {"close_time", &v1::ServiceCase::mutable_close_time},
           {"delete_time", &v1::ServiceCase::mutable_delete_time}}) {
    absl::StatusOr<std::optional<google::protobuf::Timestamp>> time =
        common::ReadOptionalTimestamp(row, column);
    if (!time.ok()) return time.status();
    if (time->has_value()) *(service_case.*mutable_field)() = **time;
  }
  return stored;
}

// Fills in the escalations of `cases` (oldest first).
absl::Status LoadEscalations(sql::Connection& connection, std::vector<StoredServiceCase>& cases) {
  if (cases.empty()) return absl::OkStatus();
  std::map<int64_t, size_t> index_by_id;
  SqlQuery query;
  for (size_t i = 0; i < cases.size(); ++i) {
    index_by_id[cases[i].id] = i;
    query.params.emplace_back(cases[i].id);
  }
  query.text = absl::StrCat(
      "SELECT service_case_id, level, reason, from_assignee, to_assignee, priority, actor, "
      "escalate_time FROM service_case_escalations WHERE service_case_id IN (",
      common::Placeholders(cases.size()), ") ORDER BY service_case_id, level");
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    v1::Escalation& escalation =
        *cases[index_by_id[rows->getInt64("service_case_id")]].service_case.add_escalations();
    escalation.set_level(rows->getInt("level"));
    escalation.set_reason(common::ReadString(*rows, "reason"));
    escalation.set_from_assignee(common::ReadString(*rows, "from_assignee"));
    escalation.set_to_assignee(common::ReadString(*rows, "to_assignee"));
    escalation.set_priority(static_cast<v1::CasePriority>(rows->getInt("priority")));
    escalation.set_actor(common::ReadString(*rows, "actor"));
    absl::StatusOr<google::protobuf::Timestamp> time =
        common::ReadTimestamp(*rows, "escalate_time");
    if (!time.ok()) return time.status();
    *escalation.mutable_escalate_time() = *time;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredServiceCase>> SelectServiceCase(sql::Connection& connection,
                                                                   int64_t customer_id, int64_t id,
                                                                   bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kColumns,
                         " FROM service_cases s WHERE s.id = ? AND s.customer_id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id, customer_id});
  std::vector<StoredServiceCase> cases;
  {
    common::QueryResult row = common::Query(connection, query);
    if (!row->next()) return std::nullopt;
    absl::StatusOr<StoredServiceCase> stored = ReadServiceCase(*row);
    if (!stored.ok()) return stored.status();
    cases.push_back(*std::move(stored));
  }
  if (absl::Status s = LoadEscalations(connection, cases); !s.ok()) return s;
  return std::move(cases.front());
}

// "col = ?, ..." of the columns a case writes, and their values in order.
SqlQuery WrittenColumns(const v1::ServiceCase& service_case) {
  SqlQuery query;
  query.Add(
      "subject = ?, description = ?, priority = ?, status = ?, assignee = ?, sla_due_time = ?, "
      "escalation_level = ?, resolution = ?, resolve_time = ?, close_time = ?, csat_score = ?, "
      "csat_comment = ?, create_time = ?, update_time = ?, delete_time = ?",
      {service_case.subject(), service_case.description(), int64_t{service_case.priority()},
       int64_t{service_case.status()}, service_case.assignee(),
       common::SqlTime(service_case.sla_due_time()), int64_t{service_case.escalations_size()},
       service_case.resolution(),
       OptionalTime(service_case.has_resolve_time(), service_case.resolve_time()),
       OptionalTime(service_case.has_close_time(), service_case.close_time()),
       int64_t{service_case.csat_score()}, service_case.csat_comment(),
       common::SqlTime(service_case.create_time()), common::SqlTime(service_case.update_time()),
       OptionalTime(service_case.has_delete_time(), service_case.delete_time())});
  return query;
}

class MySqlServiceCaseStore final : public ServiceCaseStore {
 public:
  explicit MySqlServiceCaseStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<ParentCustomer>> LockParentCustomer(int64_t customer_id) override {
    return SelectParentCustomer(connection_, customer_id, /*share_lock=*/true);
  }

  absl::StatusOr<std::optional<StoredServiceCase>> LockServiceCase(int64_t customer_id,
                                                                   int64_t id) override {
    return SelectServiceCase(connection_, customer_id, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredServiceCase> InsertServiceCase(
      int64_t customer_id, const v1::ServiceCase& service_case) override {
    SqlQuery insert;
    insert.Add("INSERT INTO service_cases SET ");
    SqlQuery columns = WrittenColumns(service_case);
    insert.text.append(columns.text);
    insert.params.insert(insert.params.end(), columns.params.begin(), columns.params.end());
    insert.Add(", customer_id = ?, version = 1", {customer_id});
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    SqlQuery number;
    number.Add("UPDATE service_cases SET case_number = ? WHERE id = ?", {FormatCaseNumber(id), id});
    common::Execute(connection_, number);
    return Reread(customer_id, id);
  }

  absl::StatusOr<StoredServiceCase> UpdateServiceCase(int64_t customer_id, int64_t id,
                                                      const v1::ServiceCase& service_case,
                                                      int64_t expected_version) override {
    SqlQuery update;
    update.Add("UPDATE service_cases SET ");
    SqlQuery columns = WrittenColumns(service_case);
    update.text.append(columns.text);
    update.params.insert(update.params.end(), columns.params.begin(), columns.params.end());
    update.Add(", version = version + 1 WHERE id = ? AND customer_id = ? AND version = ?",
               {id, customer_id, expected_version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(service_case.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(customer_id, id);
  }

  absl::Status InsertEscalation(int64_t id, const v1::Escalation& escalation) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO service_case_escalations (service_case_id, level, reason, from_assignee, "
        "to_assignee, priority, actor, escalate_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {id, int64_t{escalation.level()}, escalation.reason(), escalation.from_assignee(),
         escalation.to_assignee(), int64_t{escalation.priority()}, escalation.actor(),
         common::SqlTime(escalation.escalate_time())});
    common::Execute(connection_, insert);
    return absl::OkStatus();
  }

  // The row FeedbackService's repository writes for a created response.
  absl::StatusOr<std::string> InsertFeedback(int64_t customer_id,
                                             const v1::Feedback& feedback) override {
    const int64_t id = InsertFeedbackRow(connection_, customer_id, feedback);
    return common::FormatNestedResourceName({{"customers", customer_id}, {"feedback", id}});
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredServiceCase> Reread(int64_t customer_id, int64_t id) {
    absl::StatusOr<std::optional<StoredServiceCase>> stored =
        SelectServiceCase(connection_, customer_id, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("service case vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

MySqlServiceCaseRepository::MySqlServiceCaseRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlServiceCaseRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(ServiceCaseStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlServiceCaseStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlServiceCaseRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(ServiceCaseStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlServiceCaseStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<ParentCustomer>> MySqlServiceCaseRepository::GetParentCustomer(
    absl::Time deadline, int64_t customer_id) {
  return ReadParentCustomer(pool_, deadline, customer_id);
}

absl::StatusOr<std::optional<StoredServiceCase>> MySqlServiceCaseRepository::GetServiceCase(
    absl::Time deadline, int64_t customer_id, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredServiceCase>> {
        return SelectServiceCase(c, customer_id, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredServiceCase>> MySqlServiceCaseRepository::ListServiceCases(
    absl::Time deadline, const ServiceCaseListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kColumns, " FROM service_cases s WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND s.customer_id = ?", {*list.customer_id});
  if (!list.show_deleted) query.Add(" AND s.delete_time IS NULL");
  AddFilter(query, list.conditions, list.now);
  const std::string sort(OrderSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    const SqlValue value = std::holds_alternative<int64_t>(list.after->sort_value)
                               ? SqlValue(std::get<int64_t>(list.after->sort_value))
                               : SqlValue(std::get<std::string>(list.after->sort_value));
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND s.id", after, "))"),
              {value, value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", s.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});

  std::vector<StoredServiceCase> cases;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    {
      common::QueryResult rows = common::Query(c, query);
      while (rows->next()) {
        absl::StatusOr<StoredServiceCase> service_case = ReadServiceCase(*rows);
        if (!service_case.ok()) return service_case.status();
        cases.push_back(*std::move(service_case));
      }
    }
    return LoadEscalations(c, cases);
  });
  if (!status.ok()) return status;
  return cases;
}

}  // namespace crm::customer
