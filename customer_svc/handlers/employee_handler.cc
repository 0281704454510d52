#include "customer_svc/handlers/employee_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

EmployeeHandler::EmployeeHandler(common::CallRunner& runner,
                                 std::shared_ptr<EmployeeRepository> repository, Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* EmployeeHandler::GetEmployee(grpc::CallbackServerContext* ctx,
                                                       const v1::GetEmployeeRequest* request,
                                                       v1::GetEmployeeResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetEmployee(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::ListEmployees(grpc::CallbackServerContext* ctx,
                                                         const v1::ListEmployeesRequest* request,
                                                         v1::ListEmployeesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListEmployees(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::CreateEmployee(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateEmployeeRequest* request,
                                                          v1::CreateEmployeeResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateEmployee(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::UpdateEmployee(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateEmployeeRequest* request,
                                                          v1::UpdateEmployeeResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateEmployee(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::DeleteEmployee(grpc::CallbackServerContext* ctx,
                                                          const v1::DeleteEmployeeRequest* request,
                                                          v1::DeleteEmployeeResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteEmployee(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::UndeleteEmployee(
    grpc::CallbackServerContext* ctx, const v1::UndeleteEmployeeRequest* request,
    v1::UndeleteEmployeeResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteEmployee(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::AssignCustomer(grpc::CallbackServerContext* ctx,
                                                          const v1::AssignCustomerRequest* request,
                                                          v1::AssignCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.AssignCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::UnassignCustomer(
    grpc::CallbackServerContext* ctx, const v1::UnassignCustomerRequest* request,
    v1::UnassignCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UnassignCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::ListAssignments(
    grpc::CallbackServerContext* ctx, const v1::ListAssignmentsRequest* request,
    v1::ListAssignmentsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListAssignments(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::GetWorkload(grpc::CallbackServerContext* ctx,
                                                       const v1::GetWorkloadRequest* request,
                                                       v1::GetWorkloadResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetWorkload(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::ListWorkloads(grpc::CallbackServerContext* ctx,
                                                         const v1::ListWorkloadsRequest* request,
                                                         v1::ListWorkloadsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListWorkloads(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EmployeeHandler::AutoAssign(grpc::CallbackServerContext* ctx,
                                                      const v1::AutoAssignRequest* request,
                                                      v1::AutoAssignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.AutoAssign(call, *request, *response);
  });
}

}  // namespace crm::customer
