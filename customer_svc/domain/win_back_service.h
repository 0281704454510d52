#ifndef CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/win_back_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/win_back_repository.h"

namespace crm::customer {

// The attempt moves UpdateWinBackAttempt allows: forward through PENDING →
// CONTACTED → RESPONDED, and from any of them to WON_BACK or DECLINED.
// WON_BACK, DECLINED and NO_RESPONSE are final; NO_RESPONSE is set only by
// CompleteWinBackCampaign. Staying in the same state is allowed.
bool IsLegalAttemptMove(v1::WinBackAttemptState from, v1::WinBackAttemptState to);

// The rules of crm.customer.v1.WinBackService. Campaigns: DRAFT → ACTIVE
// (Launch) → COMPLETED (Complete), DRAFT/ACTIVE → CANCELLED (Cancel). Launch
// creates one PENDING attempt per live customer in the target stages (CHURNED
// and AT_RISK by default) matching target_filter, assigned to the customer's
// account manager. An attempt set to WON_BACK moves its customer CHURNED →
// WON_BACK or AT_RISK → ACTIVE (a customer already back in ACTIVE or WON_BACK
// stays), with a lifecycle transition, in the same transaction.
class WinBackService {
 public:
  WinBackService(WinBackRepository& repository, Clock clock);

  absl::Status GetWinBackCampaign(const common::CallContext& call,
                                  const v1::GetWinBackCampaignRequest& request,
                                  v1::GetWinBackCampaignResponse& response);
  absl::Status ListWinBackCampaigns(const common::CallContext& call,
                                    const v1::ListWinBackCampaignsRequest& request,
                                    v1::ListWinBackCampaignsResponse& response);
  absl::Status CreateWinBackCampaign(const common::CallContext& call,
                                     const v1::CreateWinBackCampaignRequest& request,
                                     v1::CreateWinBackCampaignResponse& response);
  absl::Status UpdateWinBackCampaign(const common::CallContext& call,
                                     const v1::UpdateWinBackCampaignRequest& request,
                                     v1::UpdateWinBackCampaignResponse& response);
  absl::Status DeleteWinBackCampaign(const common::CallContext& call,
                                     const v1::DeleteWinBackCampaignRequest& request,
                                     v1::DeleteWinBackCampaignResponse& response);
  absl::Status UndeleteWinBackCampaign(const common::CallContext& call,
                                       const v1::UndeleteWinBackCampaignRequest& request,
                                       v1::UndeleteWinBackCampaignResponse& response);
  absl::Status LaunchWinBackCampaign(const common::CallContext& call,
                                     const v1::LaunchWinBackCampaignRequest& request,
                                     v1::LaunchWinBackCampaignResponse& response);
  absl::Status CompleteWinBackCampaign(const common::CallContext& call,
                                       const v1::CompleteWinBackCampaignRequest& request,
                                       v1::CompleteWinBackCampaignResponse& response);
  absl::Status CancelWinBackCampaign(const common::CallContext& call,
                                     const v1::CancelWinBackCampaignRequest& request,
                                     v1::CancelWinBackCampaignResponse& response);
  absl::Status GetWinBackAttempt(const common::CallContext& call,
                                 const v1::GetWinBackAttemptRequest& request,
                                 v1::GetWinBackAttemptResponse& response);
  absl::Status ListWinBackAttempts(const common::CallContext& call,
                                   const v1::ListWinBackAttemptsRequest& request,
                                   v1::ListWinBackAttemptsResponse& response);
  absl::Status UpdateWinBackAttempt(const common::CallContext& call,
                                    const v1::UpdateWinBackAttemptRequest& request,
                                    v1::UpdateWinBackAttemptResponse& response);

 private:
  absl::Time Now() const;

  WinBackRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_SERVICE_H_
