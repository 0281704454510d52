#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/consolidation_service.pb.h"
#include "supplier_svc/domain/consolidation_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.ConsolidationService. Planning follows
// consolidation_rules.h and stores the plan; execution takes a stored plan's
// name, runs in one transaction that refuses (ABORTED) a plan whose suppliers
// or offerings changed since it was computed, and is idempotent per
// request_id.
class ConsolidationService {
 public:
  ConsolidationService(ConsolidationRepository& repository, Clock clock);

  absl::Status PlanConsolidation(const common::CallContext& call,
                                 const v1::PlanConsolidationRequest& request,
                                 v1::PlanConsolidationResponse& response);
  absl::Status GetConsolidationPlan(const common::CallContext& call,
                                    const v1::GetConsolidationPlanRequest& request,
                                    v1::GetConsolidationPlanResponse& response);
  absl::Status ListItemMappings(const common::CallContext& call,
                                const v1::ListItemMappingsRequest& request,
                                v1::ListItemMappingsResponse& response);
  absl::Status ExecuteConsolidation(const common::CallContext& call,
                                    const v1::ExecuteConsolidationRequest& request,
                                    v1::ExecuteConsolidationResponse& response);
  absl::Status GetConsolidation(const common::CallContext& call,
                                const v1::GetConsolidationRequest& request,
                                v1::GetConsolidationResponse& response);
  absl::Status ListConsolidations(const common::CallContext& call,
                                  const v1::ListConsolidationsRequest& request,
                                  v1::ListConsolidationsResponse& response);

 private:
  absl::Time Now() const;

  ConsolidationRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_SERVICE_H_
