#include "customer_svc/handlers/loyalty_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

LoyaltyHandler::LoyaltyHandler(common::CallRunner& runner,
                               std::shared_ptr<LoyaltyRepository> repository,
                               std::function<absl::Time()> clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* LoyaltyHandler::EarnLoyaltyPoints(
    grpc::CallbackServerContext* ctx, const v1::EarnLoyaltyPointsRequest* request,
    v1::EarnLoyaltyPointsResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.EarnLoyaltyPoints(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* LoyaltyHandler::RedeemLoyaltyPoints(
    grpc::CallbackServerContext* ctx, const v1::RedeemLoyaltyPointsRequest* request,
    v1::RedeemLoyaltyPointsResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.RedeemLoyaltyPoints(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* LoyaltyHandler::GetLoyaltyBalance(
    grpc::CallbackServerContext* ctx, const v1::GetLoyaltyBalanceRequest* request,
    v1::GetLoyaltyBalanceResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetLoyaltyBalance(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* LoyaltyHandler::ListLoyaltyTransactions(
    grpc::CallbackServerContext* ctx, const v1::ListLoyaltyTransactionsRequest* request,
    v1::ListLoyaltyTransactionsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListLoyaltyTransactions(call, *request, *response);
  });
}

}  // namespace crm::customer
