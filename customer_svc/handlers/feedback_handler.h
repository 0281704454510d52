#ifndef CRM_CUSTOMER_SVC_HANDLERS_FEEDBACK_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_FEEDBACK_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/feedback_service.grpc.pb.h"
#include "customer_svc/domain/feedback_service.h"

namespace crm::customer {

// crm.customer.v1.FeedbackService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class FeedbackHandler final : public v1::FeedbackService::CallbackService {
 public:
  FeedbackHandler(common::CallRunner& runner, std::shared_ptr<FeedbackRepository> repository,
                  std::function<absl::Time()> clock);

  grpc::ServerUnaryReactor* GetFeedback(grpc::CallbackServerContext* ctx,
                                        const v1::GetFeedbackRequest* request,
                                        v1::GetFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* ListFeedback(grpc::CallbackServerContext* ctx,
                                         const v1::ListFeedbackRequest* request,
                                         v1::ListFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* CreateFeedback(grpc::CallbackServerContext* ctx,
                                           const v1::CreateFeedbackRequest* request,
                                           v1::CreateFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* GetFeedbackSummary(grpc::CallbackServerContext* ctx,
                                               const v1::GetFeedbackSummaryRequest* request,
                                               v1::GetFeedbackSummaryResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<FeedbackRepository> repository_;
  FeedbackService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_FEEDBACK_HANDLER_H_
