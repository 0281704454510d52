#include "customer_svc/handlers/feedback_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

FeedbackHandler::FeedbackHandler(common::CallRunner& runner,
                                 std::shared_ptr<FeedbackRepository> repository,
                                 std::function<absl::Time()> clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* FeedbackHandler::GetFeedback(grpc::CallbackServerContext* ctx,
                                                       const v1::GetFeedbackRequest* request,
                                                       v1::GetFeedbackResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetFeedback(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* FeedbackHandler::ListFeedback(grpc::CallbackServerContext* ctx,
                                                        const v1::ListFeedbackRequest* request,
                                                        v1::ListFeedbackResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListFeedback(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* FeedbackHandler::CreateFeedback(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateFeedbackRequest* request,
                                                          v1::CreateFeedbackResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateFeedback(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* FeedbackHandler::GetFeedbackSummary(
    grpc::CallbackServerContext* ctx, const v1::GetFeedbackSummaryRequest* request,
    v1::GetFeedbackSummaryResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetFeedbackSummary(call, *request, *response);
  });
}

}  // namespace crm::customer
