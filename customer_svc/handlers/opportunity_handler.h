#ifndef CRM_CUSTOMER_SVC_HANDLERS_OPPORTUNITY_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_OPPORTUNITY_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/opportunity_service.grpc.pb.h"
#include "customer_svc/domain/opportunity_service.h"

namespace crm::customer {

// crm.customer.v1.OpportunityService over gRPC: each RPC runs the domain
// method through the CallRunner (auth, scope, worker pool).
class OpportunityHandler final : public v1::OpportunityService::CallbackService {
 public:
  OpportunityHandler(common::CallRunner& runner, std::shared_ptr<OpportunityRepository> repository,
                     Clock clock);

  grpc::ServerUnaryReactor* GetPipelineStage(grpc::CallbackServerContext* ctx,
                                             const v1::GetPipelineStageRequest* request,
                                             v1::GetPipelineStageResponse* response) override;
  grpc::ServerUnaryReactor* ListPipelineStages(grpc::CallbackServerContext* ctx,
                                               const v1::ListPipelineStagesRequest* request,
                                               v1::ListPipelineStagesResponse* response) override;
  grpc::ServerUnaryReactor* CreatePipelineStage(grpc::CallbackServerContext* ctx,
                                                const v1::CreatePipelineStageRequest* request,
                                                v1::CreatePipelineStageResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePipelineStage(grpc::CallbackServerContext* ctx,
                                                const v1::UpdatePipelineStageRequest* request,
                                                v1::UpdatePipelineStageResponse* response) override;
  grpc::ServerUnaryReactor* DeletePipelineStage(grpc::CallbackServerContext* ctx,
                                                const v1::DeletePipelineStageRequest* request,
                                                v1::DeletePipelineStageResponse* response) override;
  grpc::ServerUnaryReactor* UndeletePipelineStage(
      grpc::CallbackServerContext* ctx, const v1::UndeletePipelineStageRequest* request,
      v1::UndeletePipelineStageResponse* response) override;
  grpc::ServerUnaryReactor* GetOpportunity(grpc::CallbackServerContext* ctx,
                                           const v1::GetOpportunityRequest* request,
                                           v1::GetOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* ListOpportunities(grpc::CallbackServerContext* ctx,
                                              const v1::ListOpportunitiesRequest* request,
                                              v1::ListOpportunitiesResponse* response) override;
  grpc::ServerUnaryReactor* CreateOpportunity(grpc::CallbackServerContext* ctx,
                                              const v1::CreateOpportunityRequest* request,
                                              v1::CreateOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOpportunity(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateOpportunityRequest* request,
                                              v1::UpdateOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* DeleteOpportunity(grpc::CallbackServerContext* ctx,
                                              const v1::DeleteOpportunityRequest* request,
                                              v1::DeleteOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteOpportunity(grpc::CallbackServerContext* ctx,
                                                const v1::UndeleteOpportunityRequest* request,
                                                v1::UndeleteOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* MoveOpportunityStage(
      grpc::CallbackServerContext* ctx, const v1::MoveOpportunityStageRequest* request,
      v1::MoveOpportunityStageResponse* response) override;
  grpc::ServerUnaryReactor* GetForecast(grpc::CallbackServerContext* ctx,
                                        const v1::GetForecastRequest* request,
                                        v1::GetForecastResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<OpportunityRepository> repository_;
  OpportunityService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_OPPORTUNITY_HANDLER_H_
