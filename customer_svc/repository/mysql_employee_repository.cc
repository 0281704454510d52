#include "customer_svc/repository/mysql_employee_repository.h"

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
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;

constexpr char kEmployeeColumns[] =
    "e.id, e.display_name, e.email, e.phone, e.role, e.team, e.max_accounts, "
    "e.accepts_assignments, e.version, e.create_time, e.update_time, e.delete_time";

constexpr char kAssignmentColumns[] =
    "a.id, a.customer_id, a.employee_id, a.role, a.automatic, a.start_time, a.end_time";

// The account_manager value of employee `e` as the ascii text customers stores.
constexpr char kManagerOfEmployee[] = "CONVERT(CONCAT('employees/', e.id) USING ascii)";

std::string_view EmployeeColumnSql(EmployeeColumn column) {
  switch (column) {
    case EmployeeColumn::kRole:
      return "e.role";
    case EmployeeColumn::kTeam:
      return "e.team";
    case EmployeeColumn::kAcceptsAssignments:
      return "e.accepts_assignments";
    case EmployeeColumn::kDisplayName:
      return "e.display_name";
    case EmployeeColumn::kEmail:
      return "e.email";
  }
  return "NULL";
}

std::string_view AssignmentColumnSql(AssignmentColumn column) {
  switch (column) {
    case AssignmentColumn::kEmployee:
      return "a.employee_id";
    case AssignmentColumn::kRole:
      return "a.role";
    case AssignmentColumn::kAutomatic:
      return "a.automatic";
    case AssignmentColumn::kEndTime:
      return "a.end_time";
  }
  return "NULL";
}

absl::StatusOr<StoredEmployee> ReadEmployee(const sql::ResultSet& row) {
  StoredEmployee stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::Employee& employee = stored.employee;
  employee.set_name(common::FormatResourceName("employees", stored.id));
  employee.set_display_name(common::ReadString(row, "display_name"));
  employee.set_email(common::ReadString(row, "email"));
  employee.set_phone(common::ReadString(row, "phone"));
  employee.set_role(static_cast<v1::EmployeeRole>(row.getInt("role")));
  employee.set_team(common::ReadString(row, "team"));
  employee.set_max_accounts(row.getInt("max_accounts"));
  employee.set_accepts_assignments(row.getBoolean("accepts_assignments"));
  employee.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", employee.mutable_create_time()},
           {"update_time", employee.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *employee.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<StoredAssignment> ReadAssignment(const sql::ResultSet& row) {
  StoredAssignment stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.employee_id = row.getInt64("employee_id");
  v1::Assignment& assignment = stored.assignment;
  assignment.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"assignments", stored.id}}));
  assignment.set_employee(common::FormatResourceName("employees", stored.employee_id));
  assignment.set_role(static_cast<v1::AssignmentRole>(row.getInt("role")));
  assignment.set_automatic(row.getBoolean("automatic"));
  absl::StatusOr<google::protobuf::Timestamp> start = common::ReadTimestamp(row, "start_time");
  if (!start.ok()) return start.status();
  *assignment.mutable_start_time() = *start;
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> end =
      common::ReadOptionalTimestamp(row, "end_time");
  if (!end.ok()) return end.status();
  if (end->has_value()) *assignment.mutable_end_time() = **end;
  return stored;
}

absl::StatusOr<std::optional<StoredEmployee>> SelectEmployee(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kEmployeeColumns, " FROM employees e WHERE e.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  return common::QueryOptionalRow(connection, query, ReadEmployee);
}

absl::StatusOr<std::vector<StoredAssignment>> SelectAssignments(sql::Connection& connection,
                                                                const SqlQuery& query) {
  std::vector<StoredAssignment> assignments;
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    absl::StatusOr<StoredAssignment> assignment = ReadAssignment(*rows);
    if (!assignment.ok()) return assignment.status();
    assignments.push_back(*std::move(assignment));
  }
  return assignments;
}

// The employee part of the workload query: one row per employee with its counts.
void AddWorkloadSelect(SqlQuery& query) {
  query.Add(absl::StrCat(
      "SELECT e.id, e.max_accounts, COUNT(c.id) AS account_count,"
      " COALESCE(SUM(c.lifecycle_stage IN (1, 2)), 0) AS lead_count,"
      " IF(e.max_accounts > 0, COUNT(c.id) * 10000 DIV e.max_accounts, 0) AS utilization"
      " FROM employees e LEFT JOIN customers c ON c.account_manager = ",
      kManagerOfEmployee, " AND c.delete_time IS NULL WHERE TRUE"));
}

WorkloadCounts ReadWorkload(const sql::ResultSet& row) {
  WorkloadCounts counts;
  counts.employee_id = row.getInt64("id");
  counts.max_accounts = row.getInt("max_accounts");
  counts.account_count = row.getInt64("account_count");
  counts.lead_count = row.getInt64("lead_count");
  return counts;
}

std::string TimeText(absl::Time time) { return common::FormatMysqlDatetime(time); }

// Binds the columns an employee writes, in this order.
constexpr char kWrittenColumns[] =
    "display_name = ?, email = ?, phone = ?, role = ?, team = ?, max_accounts = ?, "
    "accepts_assignments = ?, create_time = ?, update_time = ?, delete_time = ?";

void AddEmployeeValues(SqlQuery& query, const v1::Employee& employee) {
  query.params.insert(
      query.params.end(),
      {employee.display_name(), employee.email(), employee.phone(), int64_t{employee.role()},
       employee.team(), int64_t{employee.max_accounts()},
       int64_t{employee.accepts_assignments() ? 1 : 0}, common::SqlTime(employee.create_time()),
       common::SqlTime(employee.update_time()),
       employee.has_delete_time() ? common::SqlValue(common::SqlTime(employee.delete_time()))
                                  : common::SqlValue(SqlNull{})});
}

class MySqlEmployeeStore final : public EmployeeStore {
 public:
  explicit MySqlEmployeeStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<StoredEmployee>> LockEmployee(int64_t id) override {
    return SelectEmployee(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveEmployeeByEmail(std::string_view email,
                                                                 int64_t except_id) override {
    SqlQuery query;
    query.Add("SELECT id FROM employees WHERE live_email = ? AND id <> ? LIMIT 1",
              {std::string(email), except_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    return row->getInt64(1);
  }

  absl::StatusOr<StoredEmployee> InsertEmployee(const v1::Employee& employee) override {
    SqlQuery query;
    query.Add(absl::StrCat("INSERT INTO employees SET ", kWrittenColumns, ", version = 1"));
    AddEmployeeValues(query, employee);
    common::Execute(connection_, query);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredEmployee> UpdateEmployee(const v1::Employee& employee,
                                                int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("employee.name", employee.name(), "employees");
    if (!id.ok()) return id.status();
    SqlQuery query;
    query.Add(absl::StrCat("UPDATE employees SET ", kWrittenColumns,
                           ", version = version + 1 WHERE id = ? AND version = ?"));
    AddEmployeeValues(query, employee);
    query.params.insert(query.params.end(), {*id, expected_version});
    if (common::Execute(connection_, query) != 1) {
      return absl::AbortedError(
          absl::StrCat(employee.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(*id);
  }

  absl::StatusOr<int64_t> CountCurrentAssignments(int64_t employee_id) override {
    SqlQuery query;
    query.Add(
        "SELECT COUNT(*) FROM customer_assignments WHERE employee_id = ? AND end_time IS NULL",
        {employee_id});
    common::QueryResult row = common::Query(connection_, query);
    row->next();
    return row->getInt64(1);
  }

  absl::StatusOr<std::optional<AssignableCustomer>> LockCustomer(int64_t id) override {
    SqlQuery query;
    query.Add(
        "SELECT id, lifecycle_stage, account_manager, delete_time IS NOT NULL AS deleted "
        "FROM customers WHERE id = ? FOR UPDATE",
        {id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    AssignableCustomer customer;
    customer.id = row->getInt64("id");
    customer.stage = static_cast<v1::LifecycleStage>(row->getInt("lifecycle_stage"));
    customer.account_manager = common::ReadString(*row, "account_manager");
    customer.deleted = row->getBoolean("deleted");
    return customer;
  }

  absl::Status SetAccountManager(int64_t customer_id, std::string_view account_manager,
                                 absl::Time update_time) override {
    SqlQuery query;
    query.Add(
        "UPDATE customers SET account_manager = ?, update_time = ?, version = version + 1 "
        "WHERE id = ?",
        {std::string(account_manager), TimeText(update_time), customer_id});
    if (common::Execute(connection_, query) != 1) {
      return absl::InternalError("customer vanished while assigning it");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<int64_t>> LockUnassignedLeads() override {
    SqlQuery query;
    query.Add(
        "SELECT id FROM customers WHERE delete_time IS NULL AND lifecycle_stage = ? AND "
        "account_manager = '' ORDER BY id FOR UPDATE",
        {int64_t{v1::LIFECYCLE_STAGE_LEAD}});
    std::vector<int64_t> ids;
    common::QueryResult rows = common::Query(connection_, query);
    while (rows->next()) ids.push_back(rows->getInt64(1));
    return ids;
  }

  absl::StatusOr<std::vector<StoredAssignment>> LockCurrentAssignments(
      int64_t customer_id) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kAssignmentColumns,
                           " FROM customer_assignments a WHERE a.customer_id = ? AND "
                           "a.end_time IS NULL ORDER BY a.id FOR UPDATE"),
              {customer_id});
    return SelectAssignments(connection_, query);
  }

  absl::StatusOr<std::optional<StoredAssignment>> LockAssignment(int64_t customer_id,
                                                                 int64_t assignment_id) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kAssignmentColumns,
                           " FROM customer_assignments a WHERE a.id = ? AND a.customer_id = ? "
                           "FOR UPDATE"),
              {assignment_id, customer_id});
    absl::StatusOr<std::vector<StoredAssignment>> rows = SelectAssignments(connection_, query);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::nullopt;
    return std::move(rows->front());
  }

  absl::StatusOr<StoredAssignment> InsertAssignment(int64_t customer_id, int64_t employee_id,
                                                    const v1::Assignment& assignment) override {
    SqlQuery query;
    query.Add(
        "INSERT INTO customer_assignments (customer_id, employee_id, role, automatic, "
        "start_time, end_time) VALUES (?, ?, ?, ?, ?, NULL)",
        {customer_id, employee_id, int64_t{assignment.role()},
         int64_t{assignment.automatic() ? 1 : 0}, common::SqlTime(assignment.start_time())});
    common::Execute(connection_, query);
    StoredAssignment stored;
    stored.id = common::LastInsertId(connection_);
    stored.customer_id = customer_id;
    stored.employee_id = employee_id;
    stored.assignment = assignment;
    stored.assignment.set_name(
        common::FormatNestedResourceName({{"customers", customer_id}, {"assignments", stored.id}}));
    stored.assignment.set_employee(common::FormatResourceName("employees", employee_id));
    return stored;
  }

  absl::Status EndAssignment(int64_t assignment_id, absl::Time end_time) override {
    SqlQuery query;
    query.Add("UPDATE customer_assignments SET end_time = ? WHERE id = ? AND end_time IS NULL",
              {TimeText(end_time), assignment_id});
    if (common::Execute(connection_, query) != 1) {
      return absl::AbortedError("the assignment was ended concurrently; re-read and retry");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<WorkloadCounts>> LockCandidates(
      const CandidateQuery& candidates) override {
    SqlQuery query;
    query.Add(
        "SELECT e.id, e.max_accounts FROM employees e WHERE e.delete_time IS NULL AND "
        "e.accepts_assignments AND e.role = ?",
        {int64_t{candidates.role}});
    if (!candidates.team.empty()) query.Add(" AND e.team = ?", {candidates.team});
    query.Add(" ORDER BY e.id FOR UPDATE");
    std::vector<WorkloadCounts> result;
    std::map<std::string, size_t> index_by_manager;
    {
      common::QueryResult rows = common::Query(connection_, query);
      while (rows->next()) {
        WorkloadCounts& counts = result.emplace_back();
        counts.employee_id = rows->getInt64("id");
        counts.max_accounts = rows->getInt("max_accounts");
        index_by_manager[common::FormatResourceName("employees", counts.employee_id)] =
            result.size() - 1;
      }
    }
    if (result.empty()) return result;
    // Read (and share-lock) the accounts they hold, so the counts are current.
    SqlQuery accounts;
    accounts.text = absl::StrCat(
        "SELECT account_manager, COUNT(*) AS account_count, "
        "COALESCE(SUM(lifecycle_stage IN (1, 2)), 0) AS lead_count FROM customers "
        "WHERE delete_time IS NULL AND account_manager IN (",
        common::Placeholders(index_by_manager.size()),
        ") GROUP BY account_manager LOCK IN SHARE MODE");
    for (const auto& [manager, index] : index_by_manager) accounts.params.emplace_back(manager);
    common::QueryResult rows = common::Query(connection_, accounts);
    while (rows->next()) {
      auto found = index_by_manager.find(common::ReadString(*rows, "account_manager"));
      if (found == index_by_manager.end()) continue;
      result[found->second].account_count = rows->getInt64("account_count");
      result[found->second].lead_count = rows->getInt64("lead_count");
    }
    return result;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredEmployee> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredEmployee>> stored =
        SelectEmployee(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("employee vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

MySqlEmployeeRepository::MySqlEmployeeRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlEmployeeRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(EmployeeStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlEmployeeStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlEmployeeRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(EmployeeStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlEmployeeStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredEmployee>> MySqlEmployeeRepository::GetEmployee(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredEmployee>> {
        return SelectEmployee(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredEmployee>> MySqlEmployeeRepository::ListEmployees(
    absl::Time deadline, const EmployeeListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kEmployeeColumns, " FROM employees e WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND e.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &EmployeeColumnSql);
  const std::string sort =
      list.order == EmployeeOrder::kDisplayName ? "e.display_name" : "e.create_time";
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND e.id", after, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", e.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadEmployee);
}

absl::StatusOr<bool> MySqlEmployeeRepository::CustomerExists(absl::Time deadline, int64_t id) {
  bool exists = false;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery query;
    query.Add("SELECT 1 FROM customers WHERE id = ?", {id});
    exists = common::Query(c, query)->next();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return exists;
}

absl::StatusOr<std::vector<StoredAssignment>> MySqlEmployeeRepository::ListAssignments(
    absl::Time deadline, const AssignmentListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kAssignmentColumns, " FROM customer_assignments a WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND a.customer_id = ?", {*list.customer_id});
  common::AddConditions(query, list.conditions, &AssignmentColumnSql);
  if (list.only_ended) query.Add(" AND a.end_time IS NOT NULL");
  if (list.before_id.has_value()) query.Add(" AND a.id < ?", {*list.before_id});
  query.Add(" ORDER BY a.id DESC LIMIT ?", {int64_t{list.limit}});
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<StoredAssignment>> {
        return SelectAssignments(c, query);
      });
}

absl::StatusOr<std::optional<WorkloadCounts>> MySqlEmployeeRepository::GetWorkload(
    absl::Time deadline, int64_t employee_id) {
  SqlQuery query;
  AddWorkloadSelect(query);
  query.Add(" AND e.id = ? GROUP BY e.id, e.max_accounts", {employee_id});
  std::optional<WorkloadCounts> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult row = common::Query(c, query);
    if (row->next()) result = ReadWorkload(*row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<WorkloadCounts>> MySqlEmployeeRepository::ListWorkloads(
    absl::Time deadline, const WorkloadListQuery& list) {
  SqlQuery query;
  query.Add("SELECT w.* FROM (");
  AddWorkloadSelect(query);
  query.Add(" AND e.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &EmployeeColumnSql);
  query.Add(" GROUP BY e.id, e.max_accounts) w WHERE TRUE");
  if (list.after.has_value()) {
    query.Add(
        " AND (w.utilization, w.account_count, w.id) > (?, ?, ?)",
        {list.after->utilization_basis_points, list.after->account_count, list.after->employee_id});
  }
  query.Add(" ORDER BY w.utilization, w.account_count, w.id LIMIT ?", {int64_t{list.limit}});
  std::vector<WorkloadCounts> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) result.push_back(ReadWorkload(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace crm::customer
