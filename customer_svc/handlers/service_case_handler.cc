#include "customer_svc/handlers/service_case_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

ServiceCaseHandler::ServiceCaseHandler(common::CallRunner& runner,
                                       std::shared_ptr<ServiceCaseRepository> repository,
                                       Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* ServiceCaseHandler::GetServiceCase(
    grpc::CallbackServerContext* ctx, const v1::GetServiceCaseRequest* request,
    v1::GetServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::ListServiceCases(
    grpc::CallbackServerContext* ctx, const v1::ListServiceCasesRequest* request,
    v1::ListServiceCasesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListServiceCases(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::CreateServiceCase(
    grpc::CallbackServerContext* ctx, const v1::CreateServiceCaseRequest* request,
    v1::CreateServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::UpdateServiceCase(
    grpc::CallbackServerContext* ctx, const v1::UpdateServiceCaseRequest* request,
    v1::UpdateServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::DeleteServiceCase(
    grpc::CallbackServerContext* ctx, const v1::DeleteServiceCaseRequest* request,
    v1::DeleteServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::UndeleteServiceCase(
    grpc::CallbackServerContext* ctx, const v1::UndeleteServiceCaseRequest* request,
    v1::UndeleteServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::EscalateServiceCase(
    grpc::CallbackServerContext* ctx, const v1::EscalateServiceCaseRequest* request,
    v1::EscalateServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.EscalateServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::SetServiceCasePending(
    grpc::CallbackServerContext* ctx, const v1::SetServiceCasePendingRequest* request,
    v1::SetServiceCasePendingResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.SetServiceCasePending(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::ReopenServiceCase(
    grpc::CallbackServerContext* ctx, const v1::ReopenServiceCaseRequest* request,
    v1::ReopenServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.ReopenServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::ResolveServiceCase(
    grpc::CallbackServerContext* ctx, const v1::ResolveServiceCaseRequest* request,
    v1::ResolveServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.ResolveServiceCase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ServiceCaseHandler::CloseServiceCase(
    grpc::CallbackServerContext* ctx, const v1::CloseServiceCaseRequest* request,
    v1::CloseServiceCaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CloseServiceCase(call, *request, *response);
  });
}

}  // namespace crm::customer
