#ifndef CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/customer/v1/employee.pb.h"
#include "customer_svc/domain/employee_repository.h"

namespace crm::customer {

inline constexpr size_t kMaxEmployeeNameChars = 200;
inline constexpr size_t kMaxTeamChars = 200;
inline constexpr int32_t kMaxAccountsLimit = 100000;
inline constexpr int kMaxAutoAssignCustomers = 1000;

// Checks every caller-settable field of `employee` (reported under
// "employee.") and brings it into its stored form: e-mail lower-case, phone in
// E.164, team trimmed of surrounding spaces. INVALID_ARGUMENT naming the field.
absl::Status NormalizeEmployee(v1::Employee& employee);

// Clears what a caller cannot set on create (name, etag, times).
void ClearEmployeeOutputOnlyFields(v1::Employee& employee);

// The Employee paths UpdateEmployee may change.
const absl::flat_hash_set<std::string>& EmployeeUpdatablePaths();

// ListEmployees filter (role, team, accepts_assignments, display_name, email)
// and order ("display_name" or "create_time", optional " desc").
absl::StatusOr<std::vector<EmployeeCondition>> ParseEmployeeFilter(std::string_view filter);
absl::Status ParseEmployeeOrder(std::string_view order_by, EmployeeOrder& order, bool& descending);
// ListWorkloads filter (role, team, accepts_assignments).
absl::StatusOr<std::vector<EmployeeCondition>> ParseWorkloadFilter(std::string_view filter);
// ListAssignments filter (employee, role, automatic, end_time); `end_time:*`
// selects ended assignments and sets `only_ended`.
absl::StatusOr<std::vector<AssignmentCondition>> ParseAssignmentFilter(std::string_view filter,
                                                                       bool& only_ended);

// UNSPECIFIED means ACCOUNT_MANAGER; anything else must be a defined role.
absl::StatusOr<v1::AssignmentRole> ResolveAssignmentRole(v1::AssignmentRole role);

// account_count / max_accounts in basis points (floor); 0 when there is no limit.
int32_t UtilizationBasisPoints(int64_t account_count, int32_t max_accounts);

// The Workload message of the counts.
v1::Workload MakeWorkload(const WorkloadCounts& counts);

// Whether an employee with these counts may take one more account.
bool HasCapacity(const WorkloadCounts& counts);

// Balanced auto-assignment: customers in the given order, each to the
// candidate with capacity that has the lowest utilization, ties broken by
// fewest accounts, then lowest id; every pick counts towards the next one.
// Customers no candidate has room for are left unassigned.
struct AutoAssignPlan {
  std::vector<std::pair<int64_t, int64_t>> assignments;  // (customer id, employee id)
  std::vector<int64_t> unassigned;                       // customer ids
};
AutoAssignPlan PlanAutoAssign(const std::vector<int64_t>& customer_ids,
                              std::vector<WorkloadCounts> candidates);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_RULES_H_
