#include "customer_svc/handlers/interaction_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

InteractionHandler::InteractionHandler(common::CallRunner& runner,
                                       std::shared_ptr<InteractionRepository> repository,
                                       Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* InteractionHandler::GetInteraction(
    grpc::CallbackServerContext* ctx, const v1::GetInteractionRequest* request,
    v1::GetInteractionResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetInteraction(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InteractionHandler::ListInteractions(
    grpc::CallbackServerContext* ctx, const v1::ListInteractionsRequest* request,
    v1::ListInteractionsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListInteractions(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InteractionHandler::CreateInteraction(
    grpc::CallbackServerContext* ctx, const v1::CreateInteractionRequest* request,
    v1::CreateInteractionResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateInteraction(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InteractionHandler::UpdateInteraction(
    grpc::CallbackServerContext* ctx, const v1::UpdateInteractionRequest* request,
    v1::UpdateInteractionResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateInteraction(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InteractionHandler::DeleteInteraction(
    grpc::CallbackServerContext* ctx, const v1::DeleteInteractionRequest* request,
    v1::DeleteInteractionResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteInteraction(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* InteractionHandler::UndeleteInteraction(
    grpc::CallbackServerContext* ctx, const v1::UndeleteInteractionRequest* request,
    v1::UndeleteInteractionResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteInteraction(call, *request, *response);
  });
}

}  // namespace crm::customer
