#ifndef CRM_CUSTOMER_SVC_HANDLERS_REFERRAL_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_REFERRAL_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/referral_service.grpc.pb.h"
#include "customer_svc/domain/referral_service.h"

namespace crm::customer {

// crm.customer.v1.ReferralService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class ReferralHandler final : public v1::ReferralService::CallbackService {
 public:
  ReferralHandler(common::CallRunner& runner, std::shared_ptr<ReferralRepository> repository,
                  std::function<absl::Time()> clock);

  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx,
                                        const v1::GetReferralRequest* request,
                                        v1::GetReferralResponse* response) override;
  grpc::ServerUnaryReactor* ListReferrals(grpc::CallbackServerContext* ctx,
                                          const v1::ListReferralsRequest* request,
                                          v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* CreateReferral(grpc::CallbackServerContext* ctx,
                                           const v1::CreateReferralRequest* request,
                                           v1::CreateReferralResponse* response) override;
  grpc::ServerUnaryReactor* UpdateReferral(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateReferralRequest* request,
                                           v1::UpdateReferralResponse* response) override;
  grpc::ServerUnaryReactor* RewardReferral(grpc::CallbackServerContext* ctx,
                                           const v1::RewardReferralRequest* request,
                                           v1::RewardReferralResponse* response) override;
  grpc::ServerUnaryReactor* DeclineReferral(grpc::CallbackServerContext* ctx,
                                            const v1::DeclineReferralRequest* request,
                                            v1::DeclineReferralResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<ReferralRepository> repository_;
  ReferralService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_REFERRAL_HANDLER_H_
