#include "supplier_svc/handlers/purchase_order_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

PurchaseOrderHandler::PurchaseOrderHandler(common::CallRunner& runner,
                                           std::shared_ptr<PurchaseOrderRepository> repository,
                                           Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* PurchaseOrderHandler::GetPurchaseOrder(
    grpc::CallbackServerContext* ctx, const v1::GetPurchaseOrderRequest* request,
    v1::GetPurchaseOrderResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetPurchaseOrder(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::ListPurchaseOrders(
    grpc::CallbackServerContext* ctx, const v1::ListPurchaseOrdersRequest* request,
    v1::ListPurchaseOrdersResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListPurchaseOrders(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::CreatePurchaseOrder(
    grpc::CallbackServerContext* ctx, const v1::CreatePurchaseOrderRequest* request,
    v1::CreatePurchaseOrderResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CreatePurchaseOrder(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::UpdatePurchaseOrder(
    grpc::CallbackServerContext* ctx, const v1::UpdatePurchaseOrderRequest* request,
    v1::UpdatePurchaseOrderResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdatePurchaseOrder(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::ConfirmPurchaseOrder(
    grpc::CallbackServerContext* ctx, const v1::ConfirmPurchaseOrderRequest* request,
    v1::ConfirmPurchaseOrderResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.ConfirmPurchaseOrder(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::RecordPurchaseOrderDelivery(
    grpc::CallbackServerContext* ctx, const v1::RecordPurchaseOrderDeliveryRequest* request,
    v1::RecordPurchaseOrderDeliveryResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.RecordPurchaseOrderDelivery(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* PurchaseOrderHandler::CancelPurchaseOrder(
    grpc::CallbackServerContext* ctx, const v1::CancelPurchaseOrderRequest* request,
    v1::CancelPurchaseOrderResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CancelPurchaseOrder(call, *request, *response);
  });
}

}  // namespace crm::supplier
