#ifndef CRM_CUSTOMER_SVC_HANDLERS_WIN_BACK_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_WIN_BACK_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/win_back_service.grpc.pb.h"
#include "customer_svc/domain/win_back_service.h"

namespace crm::customer {

// crm.customer.v1.WinBackService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool).
class WinBackHandler final : public v1::WinBackService::CallbackService {
 public:
  WinBackHandler(common::CallRunner& runner, std::shared_ptr<WinBackRepository> repository,
                 Clock clock);

  grpc::ServerUnaryReactor* GetWinBackCampaign(grpc::CallbackServerContext* ctx,
                                               const v1::GetWinBackCampaignRequest* request,
                                               v1::GetWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* ListWinBackCampaigns(
      grpc::CallbackServerContext* ctx, const v1::ListWinBackCampaignsRequest* request,
      v1::ListWinBackCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* CreateWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::CreateWinBackCampaignRequest* request,
      v1::CreateWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* UpdateWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::UpdateWinBackCampaignRequest* request,
      v1::UpdateWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* DeleteWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::DeleteWinBackCampaignRequest* request,
      v1::DeleteWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::UndeleteWinBackCampaignRequest* request,
      v1::UndeleteWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* LaunchWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::LaunchWinBackCampaignRequest* request,
      v1::LaunchWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* CompleteWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::CompleteWinBackCampaignRequest* request,
      v1::CompleteWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* CancelWinBackCampaign(
      grpc::CallbackServerContext* ctx, const v1::CancelWinBackCampaignRequest* request,
      v1::CancelWinBackCampaignResponse* response) override;
  grpc::ServerUnaryReactor* GetWinBackAttempt(grpc::CallbackServerContext* ctx,
                                              const v1::GetWinBackAttemptRequest* request,
                                              v1::GetWinBackAttemptResponse* response) override;
  grpc::ServerUnaryReactor* ListWinBackAttempts(grpc::CallbackServerContext* ctx,
                                                const v1::ListWinBackAttemptsRequest* request,
                                                v1::ListWinBackAttemptsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateWinBackAttempt(
      grpc::CallbackServerContext* ctx, const v1::UpdateWinBackAttemptRequest* request,
      v1::UpdateWinBackAttemptResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<WinBackRepository> repository_;
  WinBackService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_WIN_BACK_HANDLER_H_
