#ifndef CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/purchase_service.pb.h"
#include "customer_svc/domain/purchase_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.PurchaseService, independent of gRPC and SQL.
// Every change is stored with its audit entry in one transaction.
//
// Decision: recording a purchase books no loyalty points by itself. The
// contract names no earning rate, and EarnLoyaltyPoints' reference
// ("customers/1/purchases/9") lets the caller book a purchase's points
// explicitly, once, with its own rate; an automatic rule here would book them
// twice. Soft-deleted purchases are never re-pointed by ReplacePurchaseSupplier.
class PurchaseService {
 public:
  PurchaseService(PurchaseRepository& repository, std::function<absl::Time()> clock);

  absl::Status GetPurchase(const common::CallContext& call, const v1::GetPurchaseRequest& request,
                           v1::GetPurchaseResponse& response);
  absl::Status ListPurchases(const common::CallContext& call,
                             const v1::ListPurchasesRequest& request,
                             v1::ListPurchasesResponse& response);
  absl::Status CreatePurchase(const common::CallContext& call,
                              const v1::CreatePurchaseRequest& request,
                              v1::CreatePurchaseResponse& response);
  absl::Status UpdatePurchase(const common::CallContext& call,
                              const v1::UpdatePurchaseRequest& request,
                              v1::UpdatePurchaseResponse& response);
  absl::Status DeletePurchase(const common::CallContext& call,
                              const v1::DeletePurchaseRequest& request,
                              v1::DeletePurchaseResponse& response);
  absl::Status UndeletePurchase(const common::CallContext& call,
                                const v1::UndeletePurchaseRequest& request,
                                v1::UndeletePurchaseResponse& response);
  absl::Status ListSupplierDependentCustomers(
      const common::CallContext& call, const v1::ListSupplierDependentCustomersRequest& request,
      v1::ListSupplierDependentCustomersResponse& response);
  absl::Status ReplacePurchaseSupplier(const common::CallContext& call,
                                       const v1::ReplacePurchaseSupplierRequest& request,
                                       v1::ReplacePurchaseSupplierResponse& response);

 private:
  absl::Time Now() const;
  // Delete (deleting = true) or Undelete.
  absl::Status SetDeleted(const common::CallContext& call, const std::string& name,
                          const std::string& etag, bool deleting, v1::Purchase& result);

  PurchaseRepository& repository_;
  std::function<absl::Time()> clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_SERVICE_H_
