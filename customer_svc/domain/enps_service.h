#ifndef CRM_CUSTOMER_SVC_DOMAIN_ENPS_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_ENPS_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/enps_service.pb.h"
#include "customer_svc/domain/customer_service.h"  // Clock
#include "customer_svc/domain/enps_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.EnpsService.
//
// Anonymity: SubmitEnpsAnswer stores no identity with an answer. The
// respondent is the authenticated principal of the call (CallContext's
// caller); only a SHA-256 of (survey, principal) is kept, in a participation
// table without time, to refuse a second answer (ALREADY_EXISTS). The answer
// itself only increments a (survey, team, score) counter, and no audit entry
// is written for it, so nothing links an answer to a person or even to a
// moment. Reports follow BuildEnpsReport (no group below min_group_size).
class EnpsService {
 public:
  EnpsService(EnpsRepository& repository, Clock clock);

  absl::Status GetEnpsSurvey(const common::CallContext& call,
                             const v1::GetEnpsSurveyRequest& request,
                             v1::GetEnpsSurveyResponse& response);
  absl::Status ListEnpsSurveys(const common::CallContext& call,
                               const v1::ListEnpsSurveysRequest& request,
                               v1::ListEnpsSurveysResponse& response);
  absl::Status CreateEnpsSurvey(const common::CallContext& call,
                                const v1::CreateEnpsSurveyRequest& request,
                                v1::CreateEnpsSurveyResponse& response);
  absl::Status UpdateEnpsSurvey(const common::CallContext& call,
                                const v1::UpdateEnpsSurveyRequest& request,
                                v1::UpdateEnpsSurveyResponse& response);
  absl::Status CloseEnpsSurvey(const common::CallContext& call,
                               const v1::CloseEnpsSurveyRequest& request,
                               v1::CloseEnpsSurveyResponse& response);
  absl::Status SubmitEnpsAnswer(const common::CallContext& call,
                                const v1::SubmitEnpsAnswerRequest& request,
                                v1::SubmitEnpsAnswerResponse& response);
  absl::Status GetEnpsReport(const common::CallContext& call,
                             const v1::GetEnpsReportRequest& request,
                             v1::GetEnpsReportResponse& response);

 private:
  absl::Time Now() const;

  EnpsRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_ENPS_SERVICE_H_
