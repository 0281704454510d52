#ifndef CRM_SUPPLIER_SVC_HANDLERS_CONSOLIDATION_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_CONSOLIDATION_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/consolidation_service.grpc.pb.h"
#include "supplier_svc/domain/consolidation_service.h"

namespace crm::supplier {

// crm.supplier.v1.ConsolidationService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class ConsolidationHandler final : public v1::ConsolidationService::CallbackService {
 public:
  ConsolidationHandler(common::CallRunner& runner, std::shared_ptr<ConsolidationRepository> repository,
                Clock clock);

  grpc::ServerUnaryReactor* PlanConsolidation(grpc::CallbackServerContext* ctx,
      const v1::PlanConsolidationRequest* request, v1::PlanConsolidationResponse* response) override;
  grpc::ServerUnaryReactor* GetConsolidationPlan(
      grpc::CallbackServerContext* ctx, const v1::GetConsolidationPlanRequest* request,
      v1::GetConsolidationPlanResponse* response) override;
  grpc::ServerUnaryReactor* ListItemMappings(grpc::CallbackServerContext* ctx,
                                             const v1::ListItemMappingsRequest* request,
                                             v1::ListItemMappingsResponse* response) override;
  grpc::ServerUnaryReactor* ExecuteConsolidation(grpc::CallbackServerContext* ctx,
      const v1::ExecuteConsolidationRequest* request, v1::ExecuteConsolidationResponse* response) override;
  grpc::ServerUnaryReactor* GetConsolidation(grpc::CallbackServerContext* ctx,
      const v1::GetConsolidationRequest* request, v1::GetConsolidationResponse* response) override;
  grpc::ServerUnaryReactor* ListConsolidations(grpc::CallbackServerContext* ctx,
      const v1::ListConsolidationsRequest* request, v1::ListConsolidationsResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<ConsolidationRepository> repository_;
  ConsolidationService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_CONSOLIDATION_HANDLER_H_
