#ifndef CRM_SUPPLIER_SVC_HANDLERS_SCORECARD_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_SCORECARD_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/scorecard_service.grpc.pb.h"
#include "supplier_svc/domain/scorecard_service.h"

namespace crm::supplier {

// crm.supplier.v1.ScorecardService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class ScorecardHandler final : public v1::ScorecardService::CallbackService {
 public:
  ScorecardHandler(common::CallRunner& runner, std::shared_ptr<ScorecardRepository> repository,
                Clock clock);

  grpc::ServerUnaryReactor* GetScorecardWeights(grpc::CallbackServerContext* ctx,
      const v1::GetScorecardWeightsRequest* request, v1::GetScorecardWeightsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateScorecardWeights(grpc::CallbackServerContext* ctx,
      const v1::UpdateScorecardWeightsRequest* request, v1::UpdateScorecardWeightsResponse* response) override;
  grpc::ServerUnaryReactor* GetScorecard(grpc::CallbackServerContext* ctx,
      const v1::GetScorecardRequest* request, v1::GetScorecardResponse* response) override;
  grpc::ServerUnaryReactor* ListScorecards(grpc::CallbackServerContext* ctx,
      const v1::ListScorecardsRequest* request, v1::ListScorecardsResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<ScorecardRepository> repository_;
  ScorecardService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_SCORECARD_HANDLER_H_
