#include "customer_svc/handlers/opportunity_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

OpportunityHandler::OpportunityHandler(common::CallRunner& runner,
                                       std::shared_ptr<OpportunityRepository> repository,
                                       Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* OpportunityHandler::GetPipelineStage(
    grpc::CallbackServerContext* ctx, const v1::GetPipelineStageRequest* request,
    v1::GetPipelineStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetPipelineStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::ListPipelineStages(
    grpc::CallbackServerContext* ctx, const v1::ListPipelineStagesRequest* request,
    v1::ListPipelineStagesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListPipelineStages(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::CreatePipelineStage(
    grpc::CallbackServerContext* ctx, const v1::CreatePipelineStageRequest* request,
    v1::CreatePipelineStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreatePipelineStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::UpdatePipelineStage(
    grpc::CallbackServerContext* ctx, const v1::UpdatePipelineStageRequest* request,
    v1::UpdatePipelineStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdatePipelineStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::DeletePipelineStage(
    grpc::CallbackServerContext* ctx, const v1::DeletePipelineStageRequest* request,
    v1::DeletePipelineStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeletePipelineStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::UndeletePipelineStage(
    grpc::CallbackServerContext* ctx, const v1::UndeletePipelineStageRequest* request,
    v1::UndeletePipelineStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeletePipelineStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::GetOpportunity(
    grpc::CallbackServerContext* ctx, const v1::GetOpportunityRequest* request,
    v1::GetOpportunityResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetOpportunity(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::ListOpportunities(
    grpc::CallbackServerContext* ctx, const v1::ListOpportunitiesRequest* request,
    v1::ListOpportunitiesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListOpportunities(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::CreateOpportunity(
    grpc::CallbackServerContext* ctx, const v1::CreateOpportunityRequest* request,
    v1::CreateOpportunityResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateOpportunity(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::UpdateOpportunity(
    grpc::CallbackServerContext* ctx, const v1::UpdateOpportunityRequest* request,
    v1::UpdateOpportunityResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateOpportunity(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::DeleteOpportunity(
    grpc::CallbackServerContext* ctx, const v1::DeleteOpportunityRequest* request,
    v1::DeleteOpportunityResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteOpportunity(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::UndeleteOpportunity(
    grpc::CallbackServerContext* ctx, const v1::UndeleteOpportunityRequest* request,
    v1::UndeleteOpportunityResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteOpportunity(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::MoveOpportunityStage(
    grpc::CallbackServerContext* ctx, const v1::MoveOpportunityStageRequest* request,
    v1::MoveOpportunityStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.MoveOpportunityStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OpportunityHandler::GetForecast(grpc::CallbackServerContext* ctx,
                                                          const v1::GetForecastRequest* request,
                                                          v1::GetForecastResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetForecast(call, *request, *response);
  });
}

}  // namespace crm::customer
