#ifndef CRM_CUSTOMER_SVC_HANDLERS_PURCHASE_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_PURCHASE_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/purchase_service.grpc.pb.h"
#include "customer_svc/domain/purchase_service.h"

namespace crm::customer {

// crm.customer.v1.PurchaseService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class PurchaseHandler final : public v1::PurchaseService::CallbackService {
 public:
  PurchaseHandler(common::CallRunner& runner, std::shared_ptr<PurchaseRepository> repository,
                  std::function<absl::Time()> clock);

  grpc::ServerUnaryReactor* GetPurchase(grpc::CallbackServerContext* ctx,
                                        const v1::GetPurchaseRequest* request,
                                        v1::GetPurchaseResponse* response) override;
  grpc::ServerUnaryReactor* ListPurchases(grpc::CallbackServerContext* ctx,
                                          const v1::ListPurchasesRequest* request,
                                          v1::ListPurchasesResponse* response) override;
  grpc::ServerUnaryReactor* CreatePurchase(grpc::CallbackServerContext* ctx,
                                           const v1::CreatePurchaseRequest* request,
                                           v1::CreatePurchaseResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePurchase(grpc::CallbackServerContext* ctx,
                                           const v1::UpdatePurchaseRequest* request,
                                           v1::UpdatePurchaseResponse* response) override;
  grpc::ServerUnaryReactor* DeletePurchase(grpc::CallbackServerContext* ctx,
                                           const v1::DeletePurchaseRequest* request,
                                           v1::DeletePurchaseResponse* response) override;
  grpc::ServerUnaryReactor* UndeletePurchase(grpc::CallbackServerContext* ctx,
                                             const v1::UndeletePurchaseRequest* request,
                                             v1::UndeletePurchaseResponse* response) override;
  grpc::ServerUnaryReactor* ListSupplierDependentCustomers(
      grpc::CallbackServerContext* ctx, const v1::ListSupplierDependentCustomersRequest* request,
      v1::ListSupplierDependentCustomersResponse* response) override;
  grpc::ServerUnaryReactor* ReplacePurchaseSupplier(
      grpc::CallbackServerContext* ctx, const v1::ReplacePurchaseSupplierRequest* request,
      v1::ReplacePurchaseSupplierResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<PurchaseRepository> repository_;
  PurchaseService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_PURCHASE_HANDLER_H_
