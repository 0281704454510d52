#include "customer_svc/handlers/insight_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

InsightHandler::InsightHandler(common::CallRunner& runner,
                               std::shared_ptr<InsightRepository> repository, Clock clock,
                               InsightService::OfferQuoter quoter)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock), std::move(quoter)) {}

grpc::ServerUnaryReactor* InsightHandler::GetRfmScores(grpc::CallbackServerContext* ctx,
                                                       const v1::GetRfmScoresRequest* request,
                                                       v1::GetRfmScoresResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetRfmScores(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::ListRfmScores(grpc::CallbackServerContext* ctx,
                                                        const v1::ListRfmScoresRequest* request,
                                                        v1::ListRfmScoresResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListRfmScores(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::ListSegments(grpc::CallbackServerContext* ctx,
                                                       const v1::ListSegmentsRequest* request,
                                                       v1::ListSegmentsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListSegments(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::GetHealthScore(grpc::CallbackServerContext* ctx,
                                                         const v1::GetHealthScoreRequest* request,
                                                         v1::GetHealthScoreResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetHealthScore(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::RefreshLifecycle(
    grpc::CallbackServerContext* ctx, const v1::RefreshLifecycleRequest* request,
    v1::RefreshLifecycleResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.RefreshLifecycle(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::RecommendProducts(
    grpc::CallbackServerContext* ctx, const v1::RecommendProductsRequest* request,
    v1::RecommendProductsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.RecommendProducts(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InsightHandler::GetSalesPlan(grpc::CallbackServerContext* ctx,
                                                       const v1::GetSalesPlanRequest* request,
                                                       v1::GetSalesPlanResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetSalesPlan(call, *request, *response);
  });
}

}  // namespace crm::customer
