#ifndef CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/employee.pb.h"

namespace crm::customer {

// An employee as stored; the message has every field, output-only ones
// included (name, etag, times).
struct StoredEmployee {
  int64_t id = 0;
  int64_t version = 0;
  v1::Employee employee;
};

// An assignment as stored; the message has its name filled in.
struct StoredAssignment {
  int64_t id = 0;
  int64_t customer_id = 0;
  int64_t employee_id = 0;
  v1::Assignment assignment;
};

// What assigning needs to know about a customer.
struct AssignableCustomer {
  int64_t id = 0;
  bool deleted = false;
  v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  std::string account_manager;  // "employees/{id}" or ""
};

// Columns an employee filter can compare.
enum class EmployeeColumn { kRole, kTeam, kAcceptsAssignments, kDisplayName, kEmail };
using EmployeeCondition = common::Condition<EmployeeColumn>;

enum class EmployeeOrder { kDisplayName, kCreateTime };

struct EmployeeCursor {
  std::string sort_value;  // display name, or create time as MySQL DATETIME(6) text
  int64_t id = 0;
};

struct EmployeeListQuery {
  std::vector<EmployeeCondition> conditions;
  EmployeeOrder order = EmployeeOrder::kDisplayName;
  bool descending = false;
  bool show_deleted = false;
  std::optional<EmployeeCursor> after;
  int limit = 50;
};

enum class AssignmentColumn { kEmployee, kRole, kAutomatic, kEndTime };
using AssignmentCondition = common::Condition<AssignmentColumn>;

// Assignments newest first (descending id).
struct AssignmentListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<AssignmentCondition> conditions;
  bool only_ended = false;  // `end_time:*`
  std::optional<int64_t> before_id;
  int limit = 50;
};

// What an employee carries, counted from the customers table (the mirror of
// the current account manager assignments): live customers whose
// account_manager is the employee, and of those the ones in LEAD or PROSPECT.
struct WorkloadCounts {
  int64_t employee_id = 0;
  int32_t max_accounts = 0;
  int64_t account_count = 0;
  int64_t lead_count = 0;
};

// Live employees ordered by (utilization, account_count, id) ascending.
struct WorkloadCursor {
  int64_t utilization_basis_points = 0;
  int64_t account_count = 0;
  int64_t employee_id = 0;
};

struct WorkloadListQuery {
  std::vector<EmployeeCondition> conditions;
  std::optional<WorkloadCursor> after;
  int limit = 50;
};

// Who AutoAssign may pick from.
struct CandidateQuery {
  v1::EmployeeRole role = v1::EMPLOYEE_ROLE_UNSPECIFIED;
  std::string team;  // "" for every team
};

// What a change does inside one transaction. Reads lock the rows they return
// until the transaction ends. Lock order: customers before employees.
class EmployeeStore {
 public:
  virtual ~EmployeeStore() = default;

  // The employee (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredEmployee>> LockEmployee(int64_t id) = 0;
  // Id of the live employee with this e-mail address, other than `except_id`.
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveEmployeeByEmail(std::string_view email,
                                                                         int64_t except_id) = 0;
  // Inserts with version 1; returns the stored employee (new id and name).
  virtual absl::StatusOr<StoredEmployee> InsertEmployee(const v1::Employee& employee) = 0;
  // Writes every stored field (id from the name) and bumps the version from
  // `expected_version` (ABORTED when it moved).
  virtual absl::StatusOr<StoredEmployee> UpdateEmployee(const v1::Employee& employee,
                                                        int64_t expected_version) = 0;
  // Current assignments (any role) of the employee on live customers.
  virtual absl::StatusOr<int64_t> CountCurrentAssignments(int64_t employee_id) = 0;

  // The customer (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<AssignableCustomer>> LockCustomer(int64_t id) = 0;
  // Sets customers.account_manager, bumps the customer's version and update_time.
  virtual absl::Status SetAccountManager(int64_t customer_id, std::string_view account_manager,
                                         absl::Time update_time) = 0;
  // Ids of live LEAD customers without an account manager, ascending, locked.
  virtual absl::StatusOr<std::vector<int64_t>> LockUnassignedLeads() = 0;

  // The customer's current assignments, locked, oldest first.
  virtual absl::StatusOr<std::vector<StoredAssignment>> LockCurrentAssignments(
      int64_t customer_id) = 0;
  // One assignment of the customer, locked, or nullopt.
  virtual absl::StatusOr<std::optional<StoredAssignment>> LockAssignment(int64_t customer_id,
                                                                         int64_t assignment_id) = 0;
  // Inserts a current assignment; returns it with its name.
  virtual absl::StatusOr<StoredAssignment> InsertAssignment(int64_t customer_id,
                                                            int64_t employee_id,
                                                            const v1::Assignment& assignment) = 0;
  virtual absl::Status EndAssignment(int64_t assignment_id, absl::Time end_time) = 0;

  // Live employees of the role (and team) that accept assignments, with their
  // counts, locked, ascending id.
  virtual absl::StatusOr<std::vector<WorkloadCounts>> LockCandidates(
      const CandidateQuery& query) = 0;

  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of employees and assignments.
class EmployeeRepository {
 public:
  virtual ~EmployeeRepository() = default;

  // Runs `body` in one transaction (commit on OK, nothing kept otherwise; may
  // run `body` again after a deadlock).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(EmployeeStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(EmployeeStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredEmployee>> GetEmployee(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredEmployee>> ListEmployees(
      absl::Time deadline, const EmployeeListQuery& query) = 0;
  // Whether the customer exists (deleted or not).
  virtual absl::StatusOr<bool> CustomerExists(absl::Time deadline, int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredAssignment>> ListAssignments(
      absl::Time deadline, const AssignmentListQuery& query) = 0;
  // The counts of one employee (deleted or not), or nullopt when unknown.
  virtual absl::StatusOr<std::optional<WorkloadCounts>> GetWorkload(absl::Time deadline,
                                                                    int64_t employee_id) = 0;
  virtual absl::StatusOr<std::vector<WorkloadCounts>> ListWorkloads(
      absl::Time deadline, const WorkloadListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_REPOSITORY_H_
