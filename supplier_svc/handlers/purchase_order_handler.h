#ifndef CRM_SUPPLIER_SVC_HANDLERS_PURCHASE_ORDER_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_PURCHASE_ORDER_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/purchase_order_service.grpc.pb.h"
#include "supplier_svc/domain/purchase_order_service.h"

namespace crm::supplier {

// crm.supplier.v1.PurchaseOrderService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool).
class PurchaseOrderHandler final : public v1::PurchaseOrderService::CallbackService {
 public:
  PurchaseOrderHandler(common::CallRunner& runner,
                       std::shared_ptr<PurchaseOrderRepository> repository, Clock clock);

  grpc::ServerUnaryReactor* GetPurchaseOrder(grpc::CallbackServerContext* ctx,
                                             const v1::GetPurchaseOrderRequest* request,
                                             v1::GetPurchaseOrderResponse* response) override;
  grpc::ServerUnaryReactor* ListPurchaseOrders(grpc::CallbackServerContext* ctx,
                                               const v1::ListPurchaseOrdersRequest* request,
                                               v1::ListPurchaseOrdersResponse* response) override;
  grpc::ServerUnaryReactor* CreatePurchaseOrder(grpc::CallbackServerContext* ctx,
                                                const v1::CreatePurchaseOrderRequest* request,
                                                v1::CreatePurchaseOrderResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePurchaseOrder(grpc::CallbackServerContext* ctx,
                                                const v1::UpdatePurchaseOrderRequest* request,
                                                v1::UpdatePurchaseOrderResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmPurchaseOrder(
      grpc::CallbackServerContext* ctx, const v1::ConfirmPurchaseOrderRequest* request,
      v1::ConfirmPurchaseOrderResponse* response) override;
  grpc::ServerUnaryReactor* RecordPurchaseOrderDelivery(
      grpc::CallbackServerContext* ctx, const v1::RecordPurchaseOrderDeliveryRequest* request,
      v1::RecordPurchaseOrderDeliveryResponse* response) override;
  grpc::ServerUnaryReactor* CancelPurchaseOrder(grpc::CallbackServerContext* ctx,
                                                const v1::CancelPurchaseOrderRequest* request,
                                                v1::CancelPurchaseOrderResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<PurchaseOrderRepository> repository_;
  PurchaseOrderService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_PURCHASE_ORDER_HANDLER_H_
