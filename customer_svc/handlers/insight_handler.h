#ifndef CRM_CUSTOMER_SVC_HANDLERS_INSIGHT_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_INSIGHT_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/insight_service.grpc.pb.h"
#include "customer_svc/domain/insight_service.h"

namespace crm::customer {

// crm.customer.v1.InsightService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool).
class InsightHandler final : public v1::InsightService::CallbackService {
 public:
  // `quoter` prices the sales plan's product offers (see InsightService).
  InsightHandler(common::CallRunner& runner, std::shared_ptr<InsightRepository> repository,
                 Clock clock, InsightService::OfferQuoter quoter = nullptr);

  grpc::ServerUnaryReactor* GetRfmScores(grpc::CallbackServerContext* ctx,
                                         const v1::GetRfmScoresRequest* request,
                                         v1::GetRfmScoresResponse* response) override;
  grpc::ServerUnaryReactor* ListRfmScores(grpc::CallbackServerContext* ctx,
                                          const v1::ListRfmScoresRequest* request,
                                          v1::ListRfmScoresResponse* response) override;
  grpc::ServerUnaryReactor* ListSegments(grpc::CallbackServerContext* ctx,
                                         const v1::ListSegmentsRequest* request,
                                         v1::ListSegmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetHealthScore(grpc::CallbackServerContext* ctx,
                                           const v1::GetHealthScoreRequest* request,
                                           v1::GetHealthScoreResponse* response) override;
  grpc::ServerUnaryReactor* RefreshLifecycle(grpc::CallbackServerContext* ctx,
                                             const v1::RefreshLifecycleRequest* request,
                                             v1::RefreshLifecycleResponse* response) override;
  grpc::ServerUnaryReactor* RecommendProducts(grpc::CallbackServerContext* ctx,
                                              const v1::RecommendProductsRequest* request,
                                              v1::RecommendProductsResponse* response) override;
  grpc::ServerUnaryReactor* GetSalesPlan(grpc::CallbackServerContext* ctx,
                                         const v1::GetSalesPlanRequest* request,
                                         v1::GetSalesPlanResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<InsightRepository> repository_;
  InsightService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_INSIGHT_HANDLER_H_
