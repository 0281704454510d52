#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_EMPLOYEE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_EMPLOYEE_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/employee_repository.h"

namespace crm::customer {

// EmployeeRepository over the crm_customer schema (migrations/V003...):
// prepared statements only, keyset pagination only, connector errors mapped
// by common::RunInTransaction / RunWithConnection.
class MySqlEmployeeRepository final : public EmployeeRepository {
 public:
  explicit MySqlEmployeeRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(EmployeeStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(EmployeeStore&)> body) override;
  absl::StatusOr<std::optional<StoredEmployee>> GetEmployee(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredEmployee>> ListEmployees(
      absl::Time deadline, const EmployeeListQuery& query) override;
  absl::StatusOr<bool> CustomerExists(absl::Time deadline, int64_t id) override;
  absl::StatusOr<std::vector<StoredAssignment>> ListAssignments(
      absl::Time deadline, const AssignmentListQuery& query) override;
  absl::StatusOr<std::optional<WorkloadCounts>> GetWorkload(absl::Time deadline,
                                                            int64_t employee_id) override;
  absl::StatusOr<std::vector<WorkloadCounts>> ListWorkloads(
      absl::Time deadline, const WorkloadListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_EMPLOYEE_REPOSITORY_H_
