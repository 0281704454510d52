#ifndef CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_SERVICE_H_

#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/purchase_order_service.pb.h"
#include "supplier_svc/domain/purchase_order_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.PurchaseOrderService, independent of gRPC and
// SQL. An order placed under a contract draws the contract lines' remaining
// volume down in the same transaction (under the contract's row lock, never
// below zero); cancelling it gives the volume back. Locks are taken in one
// order everywhere: supplier, contracts by id, purchase order.
class PurchaseOrderService {
 public:
  PurchaseOrderService(PurchaseOrderRepository& repository, Clock clock);

  absl::Status GetPurchaseOrder(const common::CallContext& call,
                                const v1::GetPurchaseOrderRequest& request,
                                v1::GetPurchaseOrderResponse& response);
  absl::Status ListPurchaseOrders(const common::CallContext& call,
                                  const v1::ListPurchaseOrdersRequest& request,
                                  v1::ListPurchaseOrdersResponse& response);
  absl::Status CreatePurchaseOrder(const common::CallContext& call,
                                   const v1::CreatePurchaseOrderRequest& request,
                                   v1::CreatePurchaseOrderResponse& response);
  absl::Status UpdatePurchaseOrder(const common::CallContext& call,
                                   const v1::UpdatePurchaseOrderRequest& request,
                                   v1::UpdatePurchaseOrderResponse& response);
  absl::Status ConfirmPurchaseOrder(const common::CallContext& call,
                                    const v1::ConfirmPurchaseOrderRequest& request,
                                    v1::ConfirmPurchaseOrderResponse& response);
  absl::Status RecordPurchaseOrderDelivery(const common::CallContext& call,
                                           const v1::RecordPurchaseOrderDeliveryRequest& request,
                                           v1::RecordPurchaseOrderDeliveryResponse& response);
  absl::Status CancelPurchaseOrder(const common::CallContext& call,
                                   const v1::CancelPurchaseOrderRequest& request,
                                   v1::CancelPurchaseOrderResponse& response);

 private:
  absl::Time Now() const;
  // Prices every line of `order` (contract price, the named offering's price
  // or the supplier's best valid offering) and computes the amounts.
  // `contracts` holds the locked contracts by id.
  absl::Status PriceOrder(PurchaseOrderStore& store, int64_t supplier_id,
                          const common::CalendarDate& order_date,
                          const std::map<int64_t, StoredContract>& contracts,
                          v1::PurchaseOrder& order);

  PurchaseOrderRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_SERVICE_H_
