#include "supplier_svc/handlers/supplier_communication_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

SupplierCommunicationHandler::SupplierCommunicationHandler(
    common::CallRunner& runner, std::shared_ptr<SupplierCommunicationRepository> repository,
    Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* SupplierCommunicationHandler::GetSupplierCommunication(
    grpc::CallbackServerContext* ctx, const v1::GetSupplierCommunicationRequest* request,
    v1::GetSupplierCommunicationResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetSupplierCommunication(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierCommunicationHandler::ListSupplierCommunications(
    grpc::CallbackServerContext* ctx, const v1::ListSupplierCommunicationsRequest* request,
    v1::ListSupplierCommunicationsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListSupplierCommunications(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierCommunicationHandler::CreateSupplierCommunication(
    grpc::CallbackServerContext* ctx, const v1::CreateSupplierCommunicationRequest* request,
    v1::CreateSupplierCommunicationResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateSupplierCommunication(call, *request, *response);
  });
}

}  // namespace crm::supplier
