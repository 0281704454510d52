#include "supplier_svc/handlers/consolidation_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

ConsolidationHandler::ConsolidationHandler(common::CallRunner& runner,
    std::shared_ptr<ConsolidationRepository> repository, Clock clock)
    : runner_(runner), repository_(std::move(repository)), service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* ConsolidationHandler::PlanConsolidation(grpc::CallbackServerContext* ctx,
    const v1::PlanConsolidationRequest* request, v1::PlanConsolidationResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.PlanConsolidation(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ConsolidationHandler::GetConsolidationPlan(
    grpc::CallbackServerContext* ctx, const v1::GetConsolidationPlanRequest* request,
    v1::GetConsolidationPlanResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetConsolidationPlan(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ConsolidationHandler::ListItemMappings(
    grpc::CallbackServerContext* ctx, const v1::ListItemMappingsRequest* request,
    v1::ListItemMappingsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListItemMappings(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ConsolidationHandler::ExecuteConsolidation(grpc::CallbackServerContext* ctx,
    const v1::ExecuteConsolidationRequest* request, v1::ExecuteConsolidationResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.ExecuteConsolidation(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ConsolidationHandler::GetConsolidation(grpc::CallbackServerContext* ctx,
    const v1::GetConsolidationRequest* request, v1::GetConsolidationResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetConsolidation(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* ConsolidationHandler::ListConsolidations(grpc::CallbackServerContext* ctx,
    const v1::ListConsolidationsRequest* request, v1::ListConsolidationsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListConsolidations(call, *request, *response);
  });
}

}  // namespace crm::supplier
