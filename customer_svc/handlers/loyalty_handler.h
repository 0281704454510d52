#ifndef CRM_CUSTOMER_SVC_HANDLERS_LOYALTY_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_LOYALTY_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/loyalty_service.grpc.pb.h"
#include "customer_svc/domain/loyalty_service.h"

namespace crm::customer {

// crm.customer.v1.LoyaltyService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class LoyaltyHandler final : public v1::LoyaltyService::CallbackService {
 public:
  LoyaltyHandler(common::CallRunner& runner, std::shared_ptr<LoyaltyRepository> repository,
                 std::function<absl::Time()> clock);

  grpc::ServerUnaryReactor* EarnLoyaltyPoints(grpc::CallbackServerContext* ctx,
                                              const v1::EarnLoyaltyPointsRequest* request,
                                              v1::EarnLoyaltyPointsResponse* response) override;
  grpc::ServerUnaryReactor* RedeemLoyaltyPoints(grpc::CallbackServerContext* ctx,
                                                const v1::RedeemLoyaltyPointsRequest* request,
                                                v1::RedeemLoyaltyPointsResponse* response) override;
  grpc::ServerUnaryReactor* GetLoyaltyBalance(grpc::CallbackServerContext* ctx,
                                              const v1::GetLoyaltyBalanceRequest* request,
                                              v1::GetLoyaltyBalanceResponse* response) override;
  grpc::ServerUnaryReactor* ListLoyaltyTransactions(
      grpc::CallbackServerContext* ctx, const v1::ListLoyaltyTransactionsRequest* request,
      v1::ListLoyaltyTransactionsResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<LoyaltyRepository> repository_;
  LoyaltyService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_LOYALTY_HANDLER_H_
