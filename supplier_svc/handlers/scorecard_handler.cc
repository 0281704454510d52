#include "supplier_svc/handlers/scorecard_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

ScorecardHandler::ScorecardHandler(common::CallRunner& runner,
    std::shared_ptr<ScorecardRepository> repository, Clock clock)
    : runner_(runner), repository_(std::move(repository)), service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* ScorecardHandler::GetScorecardWeights(grpc::CallbackServerContext* ctx,
    const v1::GetScorecardWeightsRequest* request, v1::GetScorecardWeightsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetScorecardWeights(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ScorecardHandler::UpdateScorecardWeights(grpc::CallbackServerContext* ctx,
    const v1::UpdateScorecardWeightsRequest* request, v1::UpdateScorecardWeightsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateScorecardWeights(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ScorecardHandler::GetScorecard(grpc::CallbackServerContext* ctx,
    const v1::GetScorecardRequest* request, v1::GetScorecardResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetScorecard(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ScorecardHandler::ListScorecards(grpc::CallbackServerContext* ctx,
    const v1::ListScorecardsRequest* request, v1::ListScorecardsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListScorecards(call, *request, *response);
  });
}

}  // namespace crm::supplier
