#ifndef CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/employee_service.pb.h"
#include "customer_svc/domain/customer_service.h"  // Clock
#include "customer_svc/domain/employee_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.EmployeeService, independent of gRPC and SQL.
//
// Account manager rule: the assignments are the record; a customer's
// account_manager field mirrors its one current ACCOUNT_MANAGER assignment
// ("" when there is none). AssignCustomer (role ACCOUNT_MANAGER) ends the
// previous account manager's assignment and sets the field, UnassignCustomer
// of the account manager clears it, AutoAssign sets it for the leads it
// assigns; each in the same transaction as the assignment change, with audit
// entries for the assignment and for the customer (whose etag moves). Nothing
// else writes the field, so the two never disagree.
//
// Workload counts come from the customers table (live customers whose
// account_manager is the employee). Opportunities and service cases are not
// counted here: those counts are 0.
class EmployeeService {
 public:
  EmployeeService(EmployeeRepository& repository, Clock clock);

  absl::Status GetEmployee(const common::CallContext& call, const v1::GetEmployeeRequest& request,
                           v1::GetEmployeeResponse& response);
  absl::Status ListEmployees(const common::CallContext& call,
                             const v1::ListEmployeesRequest& request,
                             v1::ListEmployeesResponse& response);
  absl::Status CreateEmployee(const common::CallContext& call,
                              const v1::CreateEmployeeRequest& request,
                              v1::CreateEmployeeResponse& response);
  absl::Status UpdateEmployee(const common::CallContext& call,
                              const v1::UpdateEmployeeRequest& request,
                              v1::UpdateEmployeeResponse& response);
  absl::Status DeleteEmployee(const common::CallContext& call,
                              const v1::DeleteEmployeeRequest& request,
                              v1::DeleteEmployeeResponse& response);
  absl::Status UndeleteEmployee(const common::CallContext& call,
                                const v1::UndeleteEmployeeRequest& request,
                                v1::UndeleteEmployeeResponse& response);
  absl::Status AssignCustomer(const common::CallContext& call,
                              const v1::AssignCustomerRequest& request,
                              v1::AssignCustomerResponse& response);
  absl::Status UnassignCustomer(const common::CallContext& call,
                                const v1::UnassignCustomerRequest& request,
                                v1::UnassignCustomerResponse& response);
  absl::Status ListAssignments(const common::CallContext& call,
                               const v1::ListAssignmentsRequest& request,
                               v1::ListAssignmentsResponse& response);
  absl::Status GetWorkload(const common::CallContext& call, const v1::GetWorkloadRequest& request,
                           v1::GetWorkloadResponse& response);
  absl::Status ListWorkloads(const common::CallContext& call,
                             const v1::ListWorkloadsRequest& request,
                             v1::ListWorkloadsResponse& response);
  // Eligible: live SALES_REPRESENTATIVE employees (of `team` when given) that
  // accept assignments and are below max_accounts. Customers are taken in
  // ascending id order; see PlanAutoAssign for the choice. A dry run's
  // proposals are not saved and are named customers/{id}/assignments/-.
  absl::Status AutoAssign(const common::CallContext& call, const v1::AutoAssignRequest& request,
                          v1::AutoAssignResponse& response);

 private:
  absl::Time Now() const;

  EmployeeRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_EMPLOYEE_SERVICE_H_
