#ifndef CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/scorecard_service.pb.h"
#include "supplier_svc/domain/scorecard_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.ScorecardService: weights kept as data
// (Get/Update with etag and audit), scorecards computed from stored orders by
// the formula in scorecard_rules.h.
class ScorecardService {
 public:
  ScorecardService(ScorecardRepository& repository, Clock clock);

  absl::Status GetScorecardWeights(const common::CallContext& call,
                                   const v1::GetScorecardWeightsRequest& request,
                                   v1::GetScorecardWeightsResponse& response);
  absl::Status UpdateScorecardWeights(const common::CallContext& call,
                                      const v1::UpdateScorecardWeightsRequest& request,
                                      v1::UpdateScorecardWeightsResponse& response);
  absl::Status GetScorecard(const common::CallContext& call, const v1::GetScorecardRequest& request,
                            v1::GetScorecardResponse& response);
  // Scores every matching supplier (a fixed number of queries), sorts, then
  // returns the page after the token's (sort value, id).
  absl::Status ListScorecards(const common::CallContext& call,
                              const v1::ListScorecardsRequest& request,
                              v1::ListScorecardsResponse& response);

 private:
  absl::Time Now() const;

  ScorecardRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_SERVICE_H_
