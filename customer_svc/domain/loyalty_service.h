#ifndef CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/loyalty_service.pb.h"
#include "customer_svc/domain/loyalty_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.LoyaltyService: an append-only points ledger
// whose balance never goes below zero (a redeem checks the balance under the
// customer's row lock). Points are booked explicitly only; see
// PurchaseService for why purchases earn nothing by themselves.
class LoyaltyService {
 public:
  LoyaltyService(LoyaltyRepository& repository, std::function<absl::Time()> clock);

  absl::Status EarnLoyaltyPoints(const common::CallContext& call,
                                 const v1::EarnLoyaltyPointsRequest& request,
                                 v1::EarnLoyaltyPointsResponse& response);
  absl::Status RedeemLoyaltyPoints(const common::CallContext& call,
                                   const v1::RedeemLoyaltyPointsRequest& request,
                                   v1::RedeemLoyaltyPointsResponse& response);
  absl::Status GetLoyaltyBalance(const common::CallContext& call,
                                 const v1::GetLoyaltyBalanceRequest& request,
                                 v1::GetLoyaltyBalanceResponse& response);
  absl::Status ListLoyaltyTransactions(const common::CallContext& call,
                                       const v1::ListLoyaltyTransactionsRequest& request,
                                       v1::ListLoyaltyTransactionsResponse& response);

 private:
  template <typename Request, typename Response>
  absl::Status Book(const common::CallContext& call, const Request& request,
                    v1::LoyaltyTransactionKind kind, std::string_view method, Response& response);

  LoyaltyRepository& repository_;
  std::function<absl::Time()> clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_SERVICE_H_
