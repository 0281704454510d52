#include "customer_svc/handlers/referral_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

ReferralHandler::ReferralHandler(common::CallRunner& runner,
                                 std::shared_ptr<ReferralRepository> repository,
                                 std::function<absl::Time()> clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* ReferralHandler::GetReferral(grpc::CallbackServerContext* ctx,
                                                       const v1::GetReferralRequest* request,
                                                       v1::GetReferralResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetReferral(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ReferralHandler::ListReferrals(grpc::CallbackServerContext* ctx,
                                                         const v1::ListReferralsRequest* request,
                                                         v1::ListReferralsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListReferrals(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ReferralHandler::CreateReferral(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateReferralRequest* request,
                                                          v1::CreateReferralResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateReferral(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ReferralHandler::UpdateReferral(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateReferralRequest* request,
                                                          v1::UpdateReferralResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateReferral(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ReferralHandler::RewardReferral(grpc::CallbackServerContext* ctx,
                                                          const v1::RewardReferralRequest* request,
                                                          v1::RewardReferralResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.RewardReferral(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ReferralHandler::DeclineReferral(
    grpc::CallbackServerContext* ctx, const v1::DeclineReferralRequest* request,
    v1::DeclineReferralResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeclineReferral(call, *request, *response);
  });
}

}  // namespace crm::customer
