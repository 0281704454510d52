#include "customer_svc/handlers/win_back_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

WinBackHandler::WinBackHandler(common::CallRunner& runner,
                               std::shared_ptr<WinBackRepository> repository, Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* WinBackHandler::GetWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::GetWinBackCampaignRequest* request,
    v1::GetWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::ListWinBackCampaigns(
    grpc::CallbackServerContext* ctx, const v1::ListWinBackCampaignsRequest* request,
    v1::ListWinBackCampaignsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListWinBackCampaigns(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::CreateWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::CreateWinBackCampaignRequest* request,
    v1::CreateWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::UpdateWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::UpdateWinBackCampaignRequest* request,
    v1::UpdateWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::DeleteWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::DeleteWinBackCampaignRequest* request,
    v1::DeleteWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::UndeleteWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::UndeleteWinBackCampaignRequest* request,
    v1::UndeleteWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::LaunchWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::LaunchWinBackCampaignRequest* request,
    v1::LaunchWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.LaunchWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::CompleteWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::CompleteWinBackCampaignRequest* request,
    v1::CompleteWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CompleteWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::CancelWinBackCampaign(
    grpc::CallbackServerContext* ctx, const v1::CancelWinBackCampaignRequest* request,
    v1::CancelWinBackCampaignResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CancelWinBackCampaign(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::GetWinBackAttempt(
    grpc::CallbackServerContext* ctx, const v1::GetWinBackAttemptRequest* request,
    v1::GetWinBackAttemptResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetWinBackAttempt(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::ListWinBackAttempts(
    grpc::CallbackServerContext* ctx, const v1::ListWinBackAttemptsRequest* request,
    v1::ListWinBackAttemptsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListWinBackAttempts(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* WinBackHandler::UpdateWinBackAttempt(
    grpc::CallbackServerContext* ctx, const v1::UpdateWinBackAttemptRequest* request,
    v1::UpdateWinBackAttemptResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateWinBackAttempt(call, *request, *response);
  });
}

}  // namespace crm::customer
