#include "supplier_svc/handlers/supplier_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

SupplierHandler::SupplierHandler(common::CallRunner& runner,
                                 std::shared_ptr<SupplierRepository> repository, Clock clock)
    : runner_(runner), repository_(std::move(repository)), service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* SupplierHandler::GetSupplier(grpc::CallbackServerContext* ctx,
    const v1::GetSupplierRequest* request, v1::GetSupplierResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetSupplier(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::ListSuppliers(grpc::CallbackServerContext* ctx,
    const v1::ListSuppliersRequest* request, v1::ListSuppliersResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListSuppliers(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::GetSupplierSummary(grpc::CallbackServerContext* ctx,
    const v1::GetSupplierSummaryRequest* request, v1::GetSupplierSummaryResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetSupplierSummary(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::CreateSupplier(grpc::CallbackServerContext* ctx,
    const v1::CreateSupplierRequest* request, v1::CreateSupplierResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateSupplier(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::UpdateSupplier(grpc::CallbackServerContext* ctx,
    const v1::UpdateSupplierRequest* request, v1::UpdateSupplierResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateSupplier(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::DeleteSupplier(grpc::CallbackServerContext* ctx,
    const v1::DeleteSupplierRequest* request, v1::DeleteSupplierResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteSupplier(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::UndeleteSupplier(grpc::CallbackServerContext* ctx,
    const v1::UndeleteSupplierRequest* request, v1::UndeleteSupplierResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteSupplier(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::ChangeSupplierStatus(grpc::CallbackServerContext* ctx,
    const v1::ChangeSupplierStatusRequest* request, v1::ChangeSupplierStatusResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.ChangeSupplierStatus(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* SupplierHandler::ListSupplierStatusChanges(grpc::CallbackServerContext* ctx,
    const v1::ListSupplierStatusChangesRequest* request, v1::ListSupplierStatusChangesResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListSupplierStatusChanges(call, *request, *response);
  });
}

}  // namespace crm::supplier
