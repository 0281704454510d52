// EmployeeService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations: roster, assignments (mirrored in
// customers.account_manager), workload and balanced auto-assignment.
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/employee_service.h"
#include "customer_svc/repository/mysql_employee_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class EmployeeServiceMySqlTest : public CustomerDbTest {
 protected:
  EmployeeServiceMySqlTest()
      : CustomerDbTest("sales-ops"),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {}

  v1::Employee NewEmployee(const std::string& display_name, v1::EmployeeRole role,
                           int32_t max_accounts = 0, const std::string& team = "EMEA",
                           bool accepts = true) {
    v1::Employee employee;
    employee.set_display_name(display_name);
    employee.set_email(absl::StrCat("e", ++email_counter_, "@crm.example"));
    employee.set_role(role);
    employee.set_team(team);
    employee.set_max_accounts(max_accounts);
    employee.set_accepts_assignments(accepts);
    return employee;
  }

  absl::StatusOr<v1::Employee> TryCreate(const v1::Employee& employee,
                                         const std::string& request_id = "") {
    v1::CreateEmployeeRequest request;
    *request.mutable_employee() = employee;
    request.set_request_id(request_id);
    v1::CreateEmployeeResponse response;
    absl::Status status = service_.CreateEmployee(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.employee();
  }

  v1::Employee Create(const std::string& display_name,
                      v1::EmployeeRole role = v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE,
                      int32_t max_accounts = 0, const std::string& team = "EMEA",
                      bool accepts = true) {
    absl::StatusOr<v1::Employee> created =
        TryCreate(NewEmployee(display_name, role, max_accounts, team, accepts));
    EXPECT_THAT(created, IsOk());
    return created.ok() ? *created : v1::Employee();
  }

  // A new customer; the clock moves on a second.
  v1::Customer CreateCustomer(const std::string& display_name) {
    v1::Customer customer = CustomerDbTest::CreateCustomer(display_name);
    now_ += absl::Seconds(1);
    return customer;
  }

  v1::Customer GetCustomer(const std::string& name) {
    v1::GetCustomerRequest request;
    request.set_name(name);
    v1::GetCustomerResponse response;
    EXPECT_THAT(customers_.GetCustomer(call_, request, response), IsOk());
    return response.customer();
  }

  v1::Employee GetEmployee(const std::string& name) {
    v1::GetEmployeeRequest request;
    request.set_name(name);
    v1::GetEmployeeResponse response;
    EXPECT_THAT(service_.GetEmployee(call_, request, response), IsOk());
    return response.employee();
  }

  absl::StatusOr<v1::Assignment> Assign(const std::string& customer, const std::string& employee,
                                        v1::AssignmentRole role = v1::ASSIGNMENT_ROLE_UNSPECIFIED,
                                        const std::string& request_id = "") {
    v1::AssignCustomerRequest request;
    request.set_parent(customer);
    request.set_employee(employee);
    request.set_role(role);
    request.set_request_id(request_id);
    v1::AssignCustomerResponse response;
    absl::Status status = service_.AssignCustomer(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.assignment();
  }

  absl::StatusOr<v1::Assignment> Unassign(const std::string& name) {
    v1::UnassignCustomerRequest request;
    request.set_name(name);
    v1::UnassignCustomerResponse response;
    absl::Status status = service_.UnassignCustomer(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.assignment();
  }

  v1::Workload Workload(const std::string& employee) {
    v1::GetWorkloadRequest request;
    request.set_employee(employee);
    v1::GetWorkloadResponse response;
    EXPECT_THAT(service_.GetWorkload(call_, request, response), IsOk());
    return response.workload();
  }

  absl::StatusOr<v1::AutoAssignResponse> AutoAssign(const std::vector<std::string>& customers,
                                                    const std::string& team = "",
                                                    bool dry_run = false,
                                                    const std::string& request_id = "") {
    v1::AutoAssignRequest request;
    for (const std::string& customer : customers) request.add_customers(customer);
    request.set_team(team);
    request.set_dry_run(dry_run);
    request.set_request_id(request_id);
    v1::AutoAssignResponse response;
    absl::Status status = service_.AutoAssign(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response;
  }

  std::vector<std::string> ListAllEmployees(const std::string& order_by, const std::string& filter,
                                            bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListEmployeesRequest request;
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListEmployeesResponse response;
      absl::Status status = service_.ListEmployees(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.employees_size(), 2);
      for (const auto& employee : response.employees()) names.push_back(employee.display_name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  MySqlEmployeeRepository repository_;
  EmployeeService service_;
  int email_counter_ = 0;
};

TEST_F(EmployeeServiceMySqlTest, CreateThenGetStoresStringsVerbatim) {
  v1::Employee employee = NewEmployee("Zoë \"Bobby'); DROP TABLE employees; --\" 山田",
                                      v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER, 25, "Équipe 東京");
  employee.set_email("Zoe.Yamada@CRM.example");
  employee.set_phone("+81 3-1234-5678");
  employee.set_name("employees/999");  // output only: ignored
  absl::StatusOr<v1::Employee> created = TryCreate(employee);
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), ::testing::StartsWith("employees/"));
  EXPECT_NE(created->name(), "employees/999");
  EXPECT_EQ(created->display_name(), employee.display_name());
  EXPECT_EQ(created->team(), "Équipe 東京");
  EXPECT_EQ(created->email(), "zoe.yamada@crm.example");
  EXPECT_EQ(created->phone(), "+81312345678");
  EXPECT_FALSE(created->etag().empty());
  EXPECT_TRUE(created->has_create_time());
  EXPECT_EQ(GetEmployee(created->name()).SerializeAsString(), created->SerializeAsString());

  v1::GetEmployeeRequest get;
  get.set_name("employees/424242");
  v1::GetEmployeeResponse got;
  absl::Status missing = service_.GetEmployee(call_, get, got);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("employees/424242"));
  get.set_name("customers/1");
  EXPECT_EQ(service_.GetEmployee(call_, get, got).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EmployeeServiceMySqlTest, CreateRejectsBadInputNamingTheField) {
  v1::Employee huge = NewEmployee(std::string(10 * 1024, 'x'), v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  absl::StatusOr<v1::Employee> created = TryCreate(huge);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("employee.display_name"));

  v1::Employee no_role = NewEmployee("Ada", v1::EMPLOYEE_ROLE_UNSPECIFIED);
  created = TryCreate(no_role);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("employee.role"));

  v1::Employee bad_utf8 = NewEmployee("Ada", v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  bad_utf8.set_team("\xC3\x28");
  created = TryCreate(bad_utf8);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("employee.team"));

  v1::CreateEmployeeRequest request;
  *request.mutable_employee() = NewEmployee("Ada", v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  request.set_request_id("bad id with spaces");
  v1::CreateEmployeeResponse response;
  absl::Status status = service_.CreateEmployee(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("request_id"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM employees"), 0);
}

TEST_F(EmployeeServiceMySqlTest, CreateReplayReturnsTheFirstResultAndEmailIsUniqueAmongLive) {
  v1::Employee ada = NewEmployee("Ada", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE);
  absl::StatusOr<v1::Employee> first = TryCreate(ada, "create-ada");
  absl::StatusOr<v1::Employee> replay = TryCreate(ada, "create-ada");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(first->SerializeAsString(), replay->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM employees"), 1);

  v1::Employee other = ada;
  other.set_display_name("Someone else");
  EXPECT_EQ(TryCreate(other, "create-ada").status().code(), absl::StatusCode::kAlreadyExists);

  v1::Employee same_email = NewEmployee("Ada Twin", v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  same_email.set_email(absl::AsciiStrToUpper(ada.email()));
  absl::StatusOr<v1::Employee> duplicate = TryCreate(same_email);
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(duplicate.status().message()), HasSubstr(first->name()));

  // Once Ada has left (soft-deleted), her address is free again; undeleting her then fails.
  v1::DeleteEmployeeRequest remove;
  remove.set_name(first->name());
  v1::DeleteEmployeeResponse removed;
  ASSERT_THAT(service_.DeleteEmployee(call_, remove, removed), IsOk());
  ASSERT_THAT(TryCreate(same_email), IsOk());
  v1::UndeleteEmployeeRequest restore;
  restore.set_name(first->name());
  v1::UndeleteEmployeeResponse restored;
  EXPECT_EQ(service_.UndeleteEmployee(call_, restore, restored).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(EmployeeServiceMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  v1::Employee ada = Create("Ada", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10);
  v1::UpdateEmployeeRequest update;
  *update.mutable_employee() = ada;
  update.mutable_employee()->set_team("APAC");
  update.mutable_employee()->set_max_accounts(99);  // outside the mask
  update.mutable_update_mask()->add_paths("team");
  v1::UpdateEmployeeResponse updated;
  ASSERT_THAT(service_.UpdateEmployee(call_, update, updated), IsOk());
  EXPECT_EQ(updated.employee().team(), "APAC");
  EXPECT_EQ(updated.employee().max_accounts(), 10);
  EXPECT_NE(updated.employee().etag(), ada.etag());

  // Stale etag: ABORTED, nothing changes.
  update.mutable_employee()->set_team("Americas");
  absl::Status stale = service_.UpdateEmployee(call_, update, updated);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetEmployee(ada.name()).team(), "APAC");

  // Unknown and output-only paths are rejected.
  update.mutable_employee()->set_etag("");
  update.mutable_update_mask()->set_paths(0, "nickname");
  absl::Status unknown = service_.UpdateEmployee(call_, update, updated);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("nickname"));
  update.mutable_update_mask()->set_paths(0, "create_time");
  EXPECT_EQ(service_.UpdateEmployee(call_, update, updated).code(),
            absl::StatusCode::kInvalidArgument);

  // Validation applies to the result.
  update.mutable_update_mask()->set_paths(0, "email");
  update.mutable_employee()->set_email("nope");
  absl::Status invalid = service_.UpdateEmployee(call_, update, updated);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(invalid.message()), HasSubstr("employee.email"));

  update.mutable_employee()->set_name("employees/777777");
  update.mutable_employee()->set_email("fine@crm.example");
  EXPECT_EQ(service_.UpdateEmployee(call_, update, updated).code(), absl::StatusCode::kNotFound);

  // The change is audited.
  common::AuditListQuery audit;
  audit.resource = ada.name();
  absl::StatusOr<std::vector<common::StoredAuditEntry>> entries =
      common::SelectAuditEntries(pool_, call_.deadline, audit);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);  // create + the one update
  EXPECT_EQ((*entries)[0].entry.action(), crm::common::v1::AUDIT_ACTION_UPDATE);
  ASSERT_EQ((*entries)[0].entry.field_changes_size(), 1);
  EXPECT_EQ((*entries)[0].entry.field_changes(0).field_path(), "team");
}

TEST_F(EmployeeServiceMySqlTest, DeleteIsSoftListHidesItAndUndeleteRestores) {
  v1::Employee ada = Create("Ada");
  Create("Bob");
  v1::DeleteEmployeeRequest remove;
  remove.set_name(ada.name());
  remove.set_etag("zz");
  v1::DeleteEmployeeResponse removed;
  EXPECT_EQ(service_.DeleteEmployee(call_, remove, removed).code(), absl::StatusCode::kAborted);
  remove.set_etag(ada.etag());
  ASSERT_THAT(service_.DeleteEmployee(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.employee().has_delete_time());
  EXPECT_THAT(ListAllEmployees("", ""), ElementsAre("Bob"));
  EXPECT_THAT(ListAllEmployees("", "", /*show_deleted=*/true), ElementsAre("Ada", "Bob"));
  EXPECT_TRUE(GetEmployee(ada.name()).has_delete_time());

  // Deleting twice, or changing a deleted employee, is a failed precondition.
  remove.set_etag("");
  EXPECT_EQ(service_.DeleteEmployee(call_, remove, removed).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteEmployeeRequest restore;
  restore.set_name(ada.name());
  restore.set_etag(ada.etag());  // stale: the delete moved it
  v1::UndeleteEmployeeResponse restored;
  EXPECT_EQ(service_.UndeleteEmployee(call_, restore, restored).code(), absl::StatusCode::kAborted);
  restore.set_etag(removed.employee().etag());
  ASSERT_THAT(service_.UndeleteEmployee(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.employee().has_delete_time());
  EXPECT_THAT(ListAllEmployees("", ""), ElementsAre("Ada", "Bob"));
  restore.set_etag("");
  EXPECT_EQ(service_.UndeleteEmployee(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
  restore.set_name("employees/55555");
  EXPECT_EQ(service_.UndeleteEmployee(call_, restore, restored).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EmployeeServiceMySqlTest, DeleteFailsWhileTheEmployeeOwnsCustomers) {
  v1::Employee ada = Create("Ada");
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Assignment> assignment = Assign(acme.name(), ada.name());
  ASSERT_THAT(assignment, IsOk());
  v1::DeleteEmployeeRequest remove;
  remove.set_name(ada.name());
  v1::DeleteEmployeeResponse removed;
  absl::Status status = service_.DeleteEmployee(call_, remove, removed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("1 current customer assignment"));
  ASSERT_THAT(Unassign(assignment->name()), IsOk());
  EXPECT_THAT(service_.DeleteEmployee(call_, remove, removed), IsOk());
}

TEST_F(EmployeeServiceMySqlTest, ListPagesInEveryOrderWithFilters) {
  Create("Carol", v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  Create("alice", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE);
  Create("Eve", v1::EMPLOYEE_ROLE_SERVICE_AGENT, 0, "APAC");
  Create("Bob", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 0, "EMEA", /*accepts=*/false);
  Create("Dave", v1::EMPLOYEE_ROLE_SERVICE_AGENT);
  EXPECT_THAT(ListAllEmployees("", ""), ElementsAre("alice", "Bob", "Carol", "Dave", "Eve"));
  EXPECT_THAT(ListAllEmployees("display_name desc", ""),
              ElementsAre("Eve", "Dave", "Carol", "Bob", "alice"));
  EXPECT_THAT(ListAllEmployees("create_time", ""),
              ElementsAre("Carol", "alice", "Eve", "Bob", "Dave"));
  EXPECT_THAT(ListAllEmployees("create_time desc", ""),
              ElementsAre("Dave", "Bob", "Eve", "alice", "Carol"));
  EXPECT_THAT(ListAllEmployees("", "role = SERVICE_AGENT"), ElementsAre("Carol", "Dave", "Eve"));
  EXPECT_THAT(ListAllEmployees("", "role = SERVICE_AGENT AND team = EMEA"),
              ElementsAre("Carol", "Dave"));
  EXPECT_THAT(ListAllEmployees("", "accepts_assignments = false"), ElementsAre("Bob"));
  EXPECT_THAT(ListAllEmployees("", "display_name : \"a\""), ElementsAre("alice", "Carol", "Dave"));

  v1::ListEmployeesRequest request;
  request.set_filter("salary > 3");
  v1::ListEmployeesResponse response;
  absl::Status unknown = service_.ListEmployees(call_, request, response);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("salary"));
  request.set_filter("");
  request.set_order_by("email");
  EXPECT_EQ(service_.ListEmployees(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_order_by("");
  request.set_page_size(1);
  ASSERT_THAT(service_.ListEmployees(call_, request, response), IsOk());
  // A token belongs to its query.
  request.set_page_token(response.next_page_token());
  request.set_order_by("create_time");
  absl::Status foreign = service_.ListEmployees(call_, request, response);
  EXPECT_EQ(foreign.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(foreign.message()), HasSubstr("page_token"));
  request.set_page_token("garbage");
  EXPECT_EQ(service_.ListEmployees(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_token("");
  request.set_page_size(-1);
  EXPECT_EQ(service_.ListEmployees(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EmployeeServiceMySqlTest, AccountManagerAssignmentIsMirroredOnTheCustomer) {
  v1::Employee ada = Create("Ada");
  v1::Employee bob = Create("Bob", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER);
  v1::Customer acme = CreateCustomer("Acme");

  absl::StatusOr<v1::Assignment> first = Assign(acme.name(), ada.name());
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->name(), ::testing::StartsWith(acme.name() + "/assignments/"));
  EXPECT_EQ(first->employee(), ada.name());
  EXPECT_EQ(first->role(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
  EXPECT_FALSE(first->automatic());
  EXPECT_FALSE(first->has_end_time());
  v1::Customer after_first = GetCustomer(acme.name());
  EXPECT_EQ(after_first.account_manager(), ada.name());
  EXPECT_NE(after_first.etag(), acme.etag());  // the customer changed

  // A new account manager ends the previous one's assignment.
  absl::StatusOr<v1::Assignment> second =
      Assign(acme.name(), bob.name(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(GetCustomer(acme.name()).account_manager(), bob.name());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments WHERE end_time IS NULL"), 1);
  EXPECT_EQ(Workload(ada.name()).account_count(), 0);
  EXPECT_EQ(Workload(bob.name()).account_count(), 1);

  // A SALES contact does not touch the account manager.
  absl::StatusOr<v1::Assignment> sales = Assign(acme.name(), ada.name(), v1::ASSIGNMENT_ROLE_SALES);
  ASSERT_THAT(sales, IsOk());
  EXPECT_EQ(GetCustomer(acme.name()).account_manager(), bob.name());
  // The same employee in the same role twice is rejected.
  absl::StatusOr<v1::Assignment> again = Assign(acme.name(), ada.name(), v1::ASSIGNMENT_ROLE_SALES);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr(sales->name()));

  // Ending the account manager clears the mirror; ending it again is illegal.
  absl::StatusOr<v1::Assignment> ended = Unassign(second->name());
  ASSERT_THAT(ended, IsOk());
  EXPECT_TRUE(ended->has_end_time());
  EXPECT_EQ(GetCustomer(acme.name()).account_manager(), "");
  absl::StatusOr<v1::Assignment> twice = Unassign(second->name());
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Unassign(acme.name() + "/assignments/99999").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Unassign("customers/99999/assignments/1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Unassign("assignments/1").status().code(), absl::StatusCode::kInvalidArgument);

  // Every change of the customer's account manager is in its audit log.
  common::AuditListQuery audit;
  audit.resource = acme.name();
  absl::StatusOr<std::vector<common::StoredAuditEntry>> entries =
      common::SelectAuditEntries(pool_, call_.deadline, audit);
  ASSERT_THAT(entries, IsOk());
  std::vector<std::string> manager_changes;
  for (const auto& stored : *entries) {
    if (stored.entry.resource() != acme.name()) continue;
    for (const auto& change : stored.entry.field_changes()) {
      if (change.field_path() == "account_manager") {
        manager_changes.push_back(change.new_value_json());
      }
    }
  }
  EXPECT_THAT(manager_changes, ElementsAre("", absl::StrCat("\"", bob.name(), "\""),
                                           absl::StrCat("\"", ada.name(), "\"")));
}

TEST_F(EmployeeServiceMySqlTest, AssignRejectsWhatCannotBeAssigned) {
  v1::Employee away = Create("Away", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 0, "EMEA",
                             /*accepts=*/false);
  v1::Employee ada = Create("Ada");
  v1::Customer acme = CreateCustomer("Acme");

  absl::StatusOr<v1::Assignment> refused = Assign(acme.name(), away.name());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("does not accept assignments"));
  absl::StatusOr<v1::Assignment> no_customer = Assign("customers/98765", ada.name());
  EXPECT_EQ(no_customer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(no_customer.status().message()), HasSubstr("customers/98765"));
  absl::StatusOr<v1::Assignment> no_employee = Assign(acme.name(), "employees/98765");
  EXPECT_EQ(no_employee.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(no_employee.status().message()), HasSubstr("employees/98765"));
  absl::StatusOr<v1::Assignment> bad_role =
      Assign(acme.name(), ada.name(), static_cast<v1::AssignmentRole>(17));
  EXPECT_EQ(bad_role.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_role.status().message()), HasSubstr("role"));
  absl::StatusOr<v1::Assignment> bad_parent = Assign("acme", ada.name());
  EXPECT_EQ(bad_parent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_parent.status().message()), HasSubstr("parent"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments"), 0);
  EXPECT_EQ(GetCustomer(acme.name()).account_manager(), "");
}

TEST_F(EmployeeServiceMySqlTest, AssignReplayReturnsTheFirstAssignment) {
  v1::Employee ada = Create("Ada");
  v1::Employee bob = Create("Bob");
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Assignment> first = Assign(acme.name(), ada.name(), {}, "assign-1");
  absl::StatusOr<v1::Assignment> replay = Assign(acme.name(), ada.name(), {}, "assign-1");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(first->SerializeAsString(), replay->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments"), 1);
  EXPECT_EQ(Assign(acme.name(), bob.name(), {}, "assign-1").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(GetCustomer(acme.name()).account_manager(), ada.name());

  // The audit entries of the assignment and of the customer carry the request's id.
  common::AuditListQuery audit;
  audit.resource = acme.name();
  absl::StatusOr<std::vector<common::StoredAuditEntry>> entries =
      common::SelectAuditEntries(pool_, call_.deadline, audit);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 3u);  // customer create, assignment create, account_manager change
  EXPECT_EQ((*entries)[0].entry.request_id(), "assign-1");
  EXPECT_EQ((*entries)[1].entry.request_id(), "assign-1");
  EXPECT_EQ((*entries)[1].entry.resource(), first->name());
}

TEST_F(EmployeeServiceMySqlTest, ConcurrentAutoAssignsGiveEveryLeadExactlyOneManager) {
  std::vector<std::string> reps;
  for (int i = 0; i < 3; ++i) reps.push_back(Create(absl::StrCat("Rep ", i)).name());
  for (int i = 0; i < 12; ++i) CreateCustomer(absl::StrCat("Lead ", i));
  std::vector<absl::Status> statuses(4);
  std::vector<int> assigned(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      v1::AutoAssignRequest request;
      v1::AutoAssignResponse response;
      statuses[t] = service_.AutoAssign(call_, request, response);
      assigned[t] = response.assignments_size();
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (int t = 0; t < 4; ++t) {
    EXPECT_THAT(statuses[t], IsOk());
    total += assigned[t];
  }
  EXPECT_EQ(total, 12);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments WHERE end_time IS NULL"), 12);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE account_manager = ''"), 0);
  for (const std::string& rep : reps) EXPECT_EQ(Workload(rep).account_count(), 4) << rep;
}

TEST_F(EmployeeServiceMySqlTest, ListAssignmentsNewestFirstWithFiltersAndPages) {
  v1::Employee ada = Create("Ada");
  v1::Employee bob = Create("Bob");
  v1::Customer acme = CreateCustomer("Acme");
  v1::Customer globex = CreateCustomer("Globex");
  std::vector<std::string> made;
  for (const auto& [customer, employee, role] :
       std::vector<std::tuple<std::string, std::string, v1::AssignmentRole>>{
           {acme.name(), ada.name(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER},
           {acme.name(), bob.name(), v1::ASSIGNMENT_ROLE_SERVICE},
           {globex.name(), bob.name(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER},
           {acme.name(), bob.name(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER},  // ends Ada's
           {globex.name(), ada.name(), v1::ASSIGNMENT_ROLE_SALES}}) {
    absl::StatusOr<v1::Assignment> assignment = Assign(customer, employee, role);
    ASSERT_THAT(assignment, IsOk());
    made.push_back(assignment->name());
  }
  auto list_all = [&](const std::string& parent, const std::string& filter) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListAssignmentsRequest request;
      request.set_parent(parent);
      request.set_filter(filter);
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListAssignmentsResponse response;
      absl::Status status = service_.ListAssignments(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const auto& assignment : response.assignments()) names.push_back(assignment.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  };
  EXPECT_THAT(list_all("customers/-", ""),
              ElementsAre(made[4], made[3], made[2], made[1], made[0]));
  EXPECT_THAT(list_all(acme.name(), ""), ElementsAre(made[3], made[1], made[0]));
  EXPECT_THAT(list_all("customers/-", "end_time:*"), ElementsAre(made[0]));
  EXPECT_THAT(list_all("customers/-", absl::StrCat("employee = ", bob.name())),
              ElementsAre(made[3], made[2], made[1]));
  EXPECT_THAT(list_all("customers/-", "role = ACCOUNT_MANAGER AND automatic = false"),
              ElementsAre(made[3], made[2], made[0]));

  v1::ListAssignmentsRequest request;
  request.set_parent("customers/31337");
  v1::ListAssignmentsResponse response;
  EXPECT_EQ(service_.ListAssignments(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_parent("employees/1");
  absl::Status bad = service_.ListAssignments(call_, request, response);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("parent"));
  request.set_parent("customers/-");
  request.set_filter("start_time > 3");
  EXPECT_EQ(service_.ListAssignments(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EmployeeServiceMySqlTest, WorkloadCountsLiveAccountsAndLeads) {
  v1::Employee ada = Create("Ada", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 4);
  v1::Customer lead = CreateCustomer("Lead Co");
  v1::Customer prospect = CreateCustomer("Prospect Co");
  v1::Customer active = CreateCustomer("Active Co");
  v1::Customer gone = CreateCustomer("Gone Co");
  for (const v1::Customer& customer : {lead, prospect, active, gone}) {
    ASSERT_THAT(Assign(customer.name(), ada.name()), IsOk());
  }
  auto transition = [&](const std::string& name, v1::LifecycleStage to) {
    v1::TransitionLifecycleStageRequest request;
    request.set_name(name);
    request.set_to_stage(to);
    request.set_reason("qualified");
    v1::TransitionLifecycleStageResponse response;
    ASSERT_THAT(customers_.TransitionLifecycleStage(call_, request, response), IsOk());
  };
  transition(prospect.name(), v1::LIFECYCLE_STAGE_PROSPECT);
  transition(active.name(), v1::LIFECYCLE_STAGE_PROSPECT);
  transition(active.name(), v1::LIFECYCLE_STAGE_ACTIVE);
  v1::DeleteCustomerRequest remove;
  remove.set_name(gone.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());

  v1::Workload workload = Workload(ada.name());
  EXPECT_EQ(workload.employee(), ada.name());
  EXPECT_EQ(workload.account_count(), 3);  // the deleted customer does not count
  EXPECT_EQ(workload.lead_count(), 2);     // LEAD and PROSPECT
  EXPECT_EQ(workload.max_accounts(), 4);
  EXPECT_EQ(workload.utilization_basis_points(), 7500);
  EXPECT_EQ(workload.open_opportunity_count(), 0);
  EXPECT_EQ(workload.open_service_case_count(), 0);

  v1::GetWorkloadRequest request;
  request.set_employee("employees/8888");
  v1::GetWorkloadResponse response;
  EXPECT_EQ(service_.GetWorkload(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_employee("8888");
  EXPECT_EQ(service_.GetWorkload(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EmployeeServiceMySqlTest, ListWorkloadsLowestUtilizationFirstAcrossPages) {
  v1::Employee busy = Create("Busy", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 2);
  v1::Employee half = Create("Half", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 4);
  v1::Employee idle = Create("Idle", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 4);
  v1::Employee agent = Create("Agent", v1::EMPLOYEE_ROLE_SERVICE_AGENT, 10);
  v1::Employee left = Create("Left", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 4);
  for (const auto& [employee, count] : std::vector<std::pair<std::string, int>>{
           {busy.name(), 2}, {half.name(), 2}, {agent.name(), 1}}) {
    for (int i = 0; i < count; ++i) {
      ASSERT_THAT(Assign(CreateCustomer(absl::StrCat(employee, " customer ", i)).name(), employee),
                  IsOk());
    }
  }
  v1::DeleteEmployeeRequest remove;
  remove.set_name(left.name());
  v1::DeleteEmployeeResponse removed;
  ASSERT_THAT(service_.DeleteEmployee(call_, remove, removed), IsOk());

  auto list_all = [&](const std::string& filter) {
    std::vector<std::pair<std::string, int>> rows;
    std::string token;
    do {
      v1::ListWorkloadsRequest request;
      request.set_filter(filter);
      request.set_page_size(1);
      request.set_page_token(token);
      v1::ListWorkloadsResponse response;
      absl::Status status = service_.ListWorkloads(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.workloads_size(), 1);
      for (const auto& w : response.workloads()) {
        rows.emplace_back(w.employee(), w.utilization_basis_points());
      }
      token = response.next_page_token();
    } while (!token.empty());
    return rows;
  };
  using P = std::pair<std::string, int>;
  EXPECT_THAT(list_all(""), ElementsAre(P(idle.name(), 0), P(agent.name(), 1000),
                                        P(half.name(), 5000), P(busy.name(), 10000)));
  EXPECT_THAT(list_all("role = SALES_REPRESENTATIVE"),
              ElementsAre(P(idle.name(), 0), P(half.name(), 5000), P(busy.name(), 10000)));
  v1::ListWorkloadsRequest request;
  request.set_filter("display_name = Busy");  // not a workload filter field
  v1::ListWorkloadsResponse response;
  EXPECT_EQ(service_.ListWorkloads(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EmployeeServiceMySqlTest, AutoAssignBalancesLeadsOverEligibleSalesRepresentatives) {
  v1::Employee ada = Create("Ada", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10);
  v1::Employee bob = Create("Bob", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10);
  v1::Employee cyd = Create("Cyd", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10);
  // Never eligible: wrong roles, not accepting, deleted.
  v1::Employee manager = Create("Manager", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER, 10);
  v1::Employee agent = Create("Agent", v1::EMPLOYEE_ROLE_SERVICE_AGENT, 10);
  v1::Employee away = Create("Away", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10, "EMEA", false);
  v1::Employee left = Create("Left", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 10);
  v1::DeleteEmployeeRequest remove;
  remove.set_name(left.name());
  v1::DeleteEmployeeResponse removed;
  ASSERT_THAT(service_.DeleteEmployee(call_, remove, removed), IsOk());

  // Ada already carries two accounts.
  for (int i = 0; i < 2; ++i) {
    ASSERT_THAT(Assign(CreateCustomer(absl::StrCat("Ada's ", i)).name(), ada.name()), IsOk());
  }
  // An active (non-lead) customer without manager is not picked up by default.
  v1::Customer active = CreateCustomer("Active Co");
  v1::TransitionLifecycleStageRequest to_prospect;
  to_prospect.set_name(active.name());
  to_prospect.set_to_stage(v1::LIFECYCLE_STAGE_PROSPECT);
  to_prospect.set_reason("call");
  v1::TransitionLifecycleStageResponse transitioned;
  ASSERT_THAT(customers_.TransitionLifecycleStage(call_, to_prospect, transitioned), IsOk());

  std::vector<std::string> leads;
  for (int i = 0; i < 7; ++i) leads.push_back(CreateCustomer(absl::StrCat("Lead ", i)).name());

  // A dry run proposes, saves nothing.
  absl::StatusOr<v1::AutoAssignResponse> proposed = AutoAssign({}, "", /*dry_run=*/true);
  ASSERT_THAT(proposed, IsOk());
  EXPECT_EQ(proposed->assignments_size(), 7);
  EXPECT_EQ(proposed->assignments(0).name(), leads[0] + "/assignments/-");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments"), 2);
  EXPECT_EQ(GetCustomer(leads[0]).account_manager(), "");

  absl::StatusOr<v1::AutoAssignResponse> result = AutoAssign({}, "", false, "auto-1");
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(result->assignments_size(), 7);
  EXPECT_THAT(result->unassigned_customers(), IsEmpty());
  std::map<std::string, int> per_employee;
  for (int i = 0; i < result->assignments_size(); ++i) {
    const v1::Assignment& assignment = result->assignments(i);
    EXPECT_THAT(assignment.name(), ::testing::StartsWith(leads[i] + "/assignments/"));
    EXPECT_TRUE(assignment.automatic());
    EXPECT_EQ(assignment.role(), v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
    EXPECT_EQ(GetCustomer(leads[i]).account_manager(), assignment.employee());
    EXPECT_EQ(proposed->assignments(i).employee(), assignment.employee());  // dry run was exact
    ++per_employee[assignment.employee()];
  }
  // 2 + 7 = 9 accounts over three: 3 each, so Ada gets 1, Bob and Cyd 3.
  EXPECT_EQ(per_employee[ada.name()], 1);
  EXPECT_EQ(per_employee[bob.name()], 3);
  EXPECT_EQ(per_employee[cyd.name()], 3);
  for (const v1::Employee& never : {manager, agent, away, left}) {
    EXPECT_EQ(per_employee.count(never.name()), 0u) << never.display_name();
    EXPECT_EQ(Workload(never.name()).account_count(), 0) << never.display_name();
  }
  // Order of picks: Bob, Cyd (tie on 0 by id), Bob, Cyd, then Ada/Bob/Cyd at 2 → by id.
  EXPECT_EQ(result->assignments(0).employee(), bob.name());
  EXPECT_EQ(result->assignments(1).employee(), cyd.name());
  EXPECT_EQ(result->assignments(4).employee(), ada.name());
  EXPECT_EQ(GetCustomer(active.name()).account_manager(), "");

  // Replay returns the first result and assigns nothing again.
  absl::StatusOr<v1::AutoAssignResponse> replay = AutoAssign({}, "", false, "auto-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), result->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_assignments"), 9);
  // Nothing left to assign.
  absl::StatusOr<v1::AutoAssignResponse> nothing = AutoAssign({});
  ASSERT_THAT(nothing, IsOk());
  EXPECT_EQ(nothing->assignments_size(), 0);
}

TEST_F(EmployeeServiceMySqlTest, AutoAssignRespectsCapacityTeamAndTheListedCustomers) {
  v1::Employee emea = Create("Emea", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 1, "EMEA");
  v1::Employee apac = Create("Apac", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, 5, "APAC");
  v1::Customer a = CreateCustomer("A");
  v1::Customer b = CreateCustomer("B");
  v1::Customer c = CreateCustomer("C");

  absl::StatusOr<v1::AutoAssignResponse> result = AutoAssign({c.name(), a.name()}, "EMEA");
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(result->assignments_size(), 1);  // Emea has room for one: the lower id, A
  EXPECT_EQ(result->assignments(0).employee(), emea.name());
  EXPECT_THAT(result->assignments(0).name(), ::testing::StartsWith(a.name() + "/"));
  EXPECT_THAT(result->unassigned_customers(), ElementsAre(c.name()));
  EXPECT_EQ(GetCustomer(c.name()).account_manager(), "");

  // A listed customer that already has a manager fails the whole call.
  absl::StatusOr<v1::AutoAssignResponse> refused = AutoAssign({b.name(), a.name()});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr(a.name()));
  EXPECT_EQ(GetCustomer(b.name()).account_manager(), "");  // nothing half-written

  EXPECT_EQ(AutoAssign({b.name(), b.name()}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::AutoAssignResponse> bad = AutoAssign({"customers/x"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("customers[0]"));
  EXPECT_EQ(AutoAssign({"customers/77777"}).status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<v1::AutoAssignResponse> rest = AutoAssign({});
  ASSERT_THAT(rest, IsOk());
  ASSERT_EQ(rest->assignments_size(), 2);
  EXPECT_EQ(rest->assignments(0).employee(), apac.name());
  EXPECT_EQ(rest->assignments(1).employee(), apac.name());
  EXPECT_EQ(Workload(emea.name()).account_count(), 1);
  EXPECT_EQ(Workload(apac.name()).account_count(), 2);
}

}  // namespace
}  // namespace crm::customer
