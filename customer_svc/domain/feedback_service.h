#ifndef CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/feedback_service.pb.h"
#include "customer_svc/domain/feedback_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.FeedbackService: immutable NPS/CSAT responses
// and their summary figures (see ComputeFeedbackSummary).
class FeedbackService {
 public:
  FeedbackService(FeedbackRepository& repository, std::function<absl::Time()> clock);

  absl::Status GetFeedback(const common::CallContext& call, const v1::GetFeedbackRequest& request,
                           v1::GetFeedbackResponse& response);
  absl::Status ListFeedback(const common::CallContext& call, const v1::ListFeedbackRequest& request,
                            v1::ListFeedbackResponse& response);
  absl::Status CreateFeedback(const common::CallContext& call,
                              const v1::CreateFeedbackRequest& request,
                              v1::CreateFeedbackResponse& response);
  absl::Status GetFeedbackSummary(const common::CallContext& call,
                                  const v1::GetFeedbackSummaryRequest& request,
                                  v1::GetFeedbackSummaryResponse& response);

 private:
  absl::Time Now() const;

  FeedbackRepository& repository_;
  std::function<absl::Time()> clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_SERVICE_H_
