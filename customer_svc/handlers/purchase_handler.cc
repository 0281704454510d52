#include "customer_svc/handlers/purchase_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

PurchaseHandler::PurchaseHandler(common::CallRunner& runner,
                                 std::shared_ptr<PurchaseRepository> repository,
                                 std::function<absl::Time()> clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* PurchaseHandler::GetPurchase(grpc::CallbackServerContext* ctx,
                                                       const v1::GetPurchaseRequest* request,
                                                       v1::GetPurchaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetPurchase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::ListPurchases(grpc::CallbackServerContext* ctx,
                                                         const v1::ListPurchasesRequest* request,
                                                         v1::ListPurchasesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListPurchases(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::CreatePurchase(grpc::CallbackServerContext* ctx,
                                                          const v1::CreatePurchaseRequest* request,
                                                          v1::CreatePurchaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreatePurchase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::UpdatePurchase(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdatePurchaseRequest* request,
                                                          v1::UpdatePurchaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdatePurchase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::DeletePurchase(grpc::CallbackServerContext* ctx,
                                                          const v1::DeletePurchaseRequest* request,
                                                          v1::DeletePurchaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeletePurchase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::UndeletePurchase(
    grpc::CallbackServerContext* ctx, const v1::UndeletePurchaseRequest* request,
    v1::UndeletePurchaseResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeletePurchase(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::ListSupplierDependentCustomers(
    grpc::CallbackServerContext* ctx, const v1::ListSupplierDependentCustomersRequest* request,
    v1::ListSupplierDependentCustomersResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListSupplierDependentCustomers(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseHandler::ReplacePurchaseSupplier(
    grpc::CallbackServerContext* ctx, const v1::ReplacePurchaseSupplierRequest* request,
    v1::ReplacePurchaseSupplierResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.ReplacePurchaseSupplier(call, *request, *response);
  });
}

}  // namespace crm::customer
