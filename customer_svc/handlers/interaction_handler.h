#ifndef CRM_CUSTOMER_SVC_HANDLERS_INTERACTION_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_INTERACTION_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/interaction_service.grpc.pb.h"
#include "customer_svc/domain/interaction_service.h"

namespace crm::customer {

// crm.customer.v1.InteractionService over gRPC: each RPC runs the domain
// method through the CallRunner (auth, scope, worker pool).
class InteractionHandler final : public v1::InteractionService::CallbackService {
 public:
  InteractionHandler(common::CallRunner& runner, std::shared_ptr<InteractionRepository> repository,
                     Clock clock);

  grpc::ServerUnaryReactor* GetInteraction(grpc::CallbackServerContext* ctx,
                                           const v1::GetInteractionRequest* request,
                                           v1::GetInteractionResponse* response) override;
  grpc::ServerUnaryReactor* ListInteractions(grpc::CallbackServerContext* ctx,
                                             const v1::ListInteractionsRequest* request,
                                             v1::ListInteractionsResponse* response) override;
  grpc::ServerUnaryReactor* CreateInteraction(grpc::CallbackServerContext* ctx,
                                              const v1::CreateInteractionRequest* request,
                                              v1::CreateInteractionResponse* response) override;
  grpc::ServerUnaryReactor* UpdateInteraction(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateInteractionRequest* request,
                                              v1::UpdateInteractionResponse* response) override;
  grpc::ServerUnaryReactor* DeleteInteraction(grpc::CallbackServerContext* ctx,
                                              const v1::DeleteInteractionRequest* request,
                                              v1::DeleteInteractionResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteInteraction(grpc::CallbackServerContext* ctx,
                                                const v1::UndeleteInteractionRequest* request,
                                                v1::UndeleteInteractionResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<InteractionRepository> repository_;
  InteractionService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_INTERACTION_HANDLER_H_
