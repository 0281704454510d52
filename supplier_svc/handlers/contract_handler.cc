#include "supplier_svc/handlers/contract_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

ContractHandler::ContractHandler(common::CallRunner& runner,
                                 std::shared_ptr<ContractRepository> repository, Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* ContractHandler::GetContract(grpc::CallbackServerContext* ctx,
                                                       const v1::GetContractRequest* request,
                                                       v1::GetContractResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetContract(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ContractHandler::ListContracts(grpc::CallbackServerContext* ctx,
                                                         const v1::ListContractsRequest* request,
                                                         v1::ListContractsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListContracts(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ContractHandler::CreateContract(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateContractRequest* request,
                                                          v1::CreateContractResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateContract(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ContractHandler::UpdateContract(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateContractRequest* request,
                                                          v1::UpdateContractResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateContract(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ContractHandler::ActivateContract(
    grpc::CallbackServerContext* ctx, const v1::ActivateContractRequest* request,
    v1::ActivateContractResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.ActivateContract(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ContractHandler::TerminateContract(
    grpc::CallbackServerContext* ctx, const v1::TerminateContractRequest* request,
    v1::TerminateContractResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.TerminateContract(call, *request, *response);
  });
}

}  // namespace crm::supplier
