#ifndef CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_SERVICE_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/opportunity_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/opportunity_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.OpportunityService, independent of gRPC and
// SQL: pipeline stages (ordered, with a default probability and an
// OPEN/WON/LOST outcome), opportunities of customers moving through them, and
// the weighted forecast. Every change is one transaction of `repository`
// together with its audit entry.
class OpportunityService {
 public:
  OpportunityService(OpportunityRepository& repository, Clock clock);

  absl::Status GetPipelineStage(const common::CallContext& call,
                                const v1::GetPipelineStageRequest& request,
                                v1::GetPipelineStageResponse& response);
  absl::Status ListPipelineStages(const common::CallContext& call,
                                  const v1::ListPipelineStagesRequest& request,
                                  v1::ListPipelineStagesResponse& response);
  absl::Status CreatePipelineStage(const common::CallContext& call,
                                   const v1::CreatePipelineStageRequest& request,
                                   v1::CreatePipelineStageResponse& response);
  absl::Status UpdatePipelineStage(const common::CallContext& call,
                                   const v1::UpdatePipelineStageRequest& request,
                                   v1::UpdatePipelineStageResponse& response);
  absl::Status DeletePipelineStage(const common::CallContext& call,
                                   const v1::DeletePipelineStageRequest& request,
                                   v1::DeletePipelineStageResponse& response);
  absl::Status UndeletePipelineStage(const common::CallContext& call,
                                     const v1::UndeletePipelineStageRequest& request,
                                     v1::UndeletePipelineStageResponse& response);
  absl::Status GetOpportunity(const common::CallContext& call,
                              const v1::GetOpportunityRequest& request,
                              v1::GetOpportunityResponse& response);
  absl::Status ListOpportunities(const common::CallContext& call,
                                 const v1::ListOpportunitiesRequest& request,
                                 v1::ListOpportunitiesResponse& response);
  absl::Status CreateOpportunity(const common::CallContext& call,
                                 const v1::CreateOpportunityRequest& request,
                                 v1::CreateOpportunityResponse& response);
  absl::Status UpdateOpportunity(const common::CallContext& call,
                                 const v1::UpdateOpportunityRequest& request,
                                 v1::UpdateOpportunityResponse& response);
  absl::Status DeleteOpportunity(const common::CallContext& call,
                                 const v1::DeleteOpportunityRequest& request,
                                 v1::DeleteOpportunityResponse& response);
  absl::Status UndeleteOpportunity(const common::CallContext& call,
                                   const v1::UndeleteOpportunityRequest& request,
                                   v1::UndeleteOpportunityResponse& response);
  absl::Status MoveOpportunityStage(const common::CallContext& call,
                                    const v1::MoveOpportunityStageRequest& request,
                                    v1::MoveOpportunityStageResponse& response);
  absl::Status GetForecast(const common::CallContext& call, const v1::GetForecastRequest& request,
                           v1::GetForecastResponse& response);

 private:
  absl::Time Now() const;

  OpportunityRepository& repository_;
  Clock clock_;
};

// Creating an opportunity, shared by CreateOpportunity and
// CustomerService.ConvertLead. First, before any transaction: clears the
// output-only fields and checks the caller's fields (paths under `prefix`,
// e.g. "opportunity."); pipeline_stage must name a stage and lost_reason be empty.
absl::Status PrepareNewOpportunity(v1::Opportunity& opportunity, std::string_view prefix);

// Then, inside the caller's transaction: checks that the customer is live and
// the stage a live OPEN one, defaults probability_percent 0 to the stage's
// probability, inserts the opportunity under `customer_id` and writes its
// CREATE audit entry (with `request_id` when set, else the call's).
absl::StatusOr<v1::Opportunity> InsertNewOpportunity(OpportunityStore& store,
                                                     const common::CallContext& call,
                                                     int64_t customer_id,
                                                     v1::Opportunity opportunity,
                                                     std::string_view prefix,
                                                     std::string_view request_id, absl::Time now);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_SERVICE_H_
