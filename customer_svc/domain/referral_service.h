#ifndef CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/referral_service.pb.h"
#include "customer_svc/domain/referral_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.ReferralService. A referral qualifies
// (PENDING → QUALIFIED) once its referred customer has become ACTIVE: checked
// whenever the referral is created, re-linked or rewarded (and by
// QualifyReferralsOf in the repository, for the lifecycle code to call when a
// customer becomes ACTIVE). RewardReferral books the points on the referrer's
// loyalty ledger in the same transaction.
class ReferralService {
 public:
  ReferralService(ReferralRepository& repository, std::function<absl::Time()> clock);

  absl::Status GetReferral(const common::CallContext& call, const v1::GetReferralRequest& request,
                           v1::GetReferralResponse& response);
  absl::Status ListReferrals(const common::CallContext& call,
                             const v1::ListReferralsRequest& request,
                             v1::ListReferralsResponse& response);
  absl::Status CreateReferral(const common::CallContext& call,
                              const v1::CreateReferralRequest& request,
                              v1::CreateReferralResponse& response);
  absl::Status UpdateReferral(const common::CallContext& call,
                              const v1::UpdateReferralRequest& request,
                              v1::UpdateReferralResponse& response);
  absl::Status RewardReferral(const common::CallContext& call,
                              const v1::RewardReferralRequest& request,
                              v1::RewardReferralResponse& response);
  absl::Status DeclineReferral(const common::CallContext& call,
                               const v1::DeclineReferralRequest& request,
                               v1::DeclineReferralResponse& response);

 private:
  absl::Time Now() const;

  ReferralRepository& repository_;
  std::function<absl::Time()> clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_SERVICE_H_
