#ifndef CRM_CUSTOMER_SVC_HANDLERS_EMPLOYEE_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_EMPLOYEE_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/employee_service.grpc.pb.h"
#include "customer_svc/domain/employee_service.h"

namespace crm::customer {

// crm.customer.v1.EmployeeService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool). Every RPC is implemented.
class EmployeeHandler final : public v1::EmployeeService::CallbackService {
 public:
  EmployeeHandler(common::CallRunner& runner, std::shared_ptr<EmployeeRepository> repository,
                  Clock clock);

  grpc::ServerUnaryReactor* GetEmployee(grpc::CallbackServerContext* ctx,
                                        const v1::GetEmployeeRequest* request,
                                        v1::GetEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* ListEmployees(grpc::CallbackServerContext* ctx,
                                          const v1::ListEmployeesRequest* request,
                                          v1::ListEmployeesResponse* response) override;
  grpc::ServerUnaryReactor* CreateEmployee(grpc::CallbackServerContext* ctx,
                                           const v1::CreateEmployeeRequest* request,
                                           v1::CreateEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEmployee(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateEmployeeRequest* request,
                                           v1::UpdateEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* DeleteEmployee(grpc::CallbackServerContext* ctx,
                                           const v1::DeleteEmployeeRequest* request,
                                           v1::DeleteEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteEmployee(grpc::CallbackServerContext* ctx,
                                             const v1::UndeleteEmployeeRequest* request,
                                             v1::UndeleteEmployeeResponse* response) override;
  grpc::ServerUnaryReactor* AssignCustomer(grpc::CallbackServerContext* ctx,
                                           const v1::AssignCustomerRequest* request,
                                           v1::AssignCustomerResponse* response) override;
  grpc::ServerUnaryReactor* UnassignCustomer(grpc::CallbackServerContext* ctx,
                                             const v1::UnassignCustomerRequest* request,
                                             v1::UnassignCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListAssignments(grpc::CallbackServerContext* ctx,
                                            const v1::ListAssignmentsRequest* request,
                                            v1::ListAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetWorkload(grpc::CallbackServerContext* ctx,
                                        const v1::GetWorkloadRequest* request,
                                        v1::GetWorkloadResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkloads(grpc::CallbackServerContext* ctx,
                                          const v1::ListWorkloadsRequest* request,
                                          v1::ListWorkloadsResponse* response) override;
  grpc::ServerUnaryReactor* AutoAssign(grpc::CallbackServerContext* ctx,
                                       const v1::AutoAssignRequest* request,
                                       v1::AutoAssignResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<EmployeeRepository> repository_;
  EmployeeService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_EMPLOYEE_HANDLER_H_
