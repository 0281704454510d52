#ifndef CRM_CUSTOMER_SVC_HANDLERS_SERVICE_CASE_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_SERVICE_CASE_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/service_case_service.grpc.pb.h"
#include "customer_svc/domain/service_case_service.h"

namespace crm::customer {

// crm.customer.v1.ServiceCaseService over gRPC: each RPC runs the domain
// method through the CallRunner (auth, scope, worker pool).
class ServiceCaseHandler final : public v1::ServiceCaseService::CallbackService {
 public:
  ServiceCaseHandler(common::CallRunner& runner, std::shared_ptr<ServiceCaseRepository> repository,
                     Clock clock);

  grpc::ServerUnaryReactor* GetServiceCase(grpc::CallbackServerContext* ctx,
                                           const v1::GetServiceCaseRequest* request,
                                           v1::GetServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* ListServiceCases(grpc::CallbackServerContext* ctx,
                                             const v1::ListServiceCasesRequest* request,
                                             v1::ListServiceCasesResponse* response) override;
  grpc::ServerUnaryReactor* CreateServiceCase(grpc::CallbackServerContext* ctx,
                                              const v1::CreateServiceCaseRequest* request,
                                              v1::CreateServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* UpdateServiceCase(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateServiceCaseRequest* request,
                                              v1::UpdateServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* DeleteServiceCase(grpc::CallbackServerContext* ctx,
                                              const v1::DeleteServiceCaseRequest* request,
                                              v1::DeleteServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteServiceCase(grpc::CallbackServerContext* ctx,
                                                const v1::UndeleteServiceCaseRequest* request,
                                                v1::UndeleteServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* EscalateServiceCase(grpc::CallbackServerContext* ctx,
                                                const v1::EscalateServiceCaseRequest* request,
                                                v1::EscalateServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* SetServiceCasePending(
      grpc::CallbackServerContext* ctx, const v1::SetServiceCasePendingRequest* request,
      v1::SetServiceCasePendingResponse* response) override;
  grpc::ServerUnaryReactor* ReopenServiceCase(grpc::CallbackServerContext* ctx,
                                              const v1::ReopenServiceCaseRequest* request,
                                              v1::ReopenServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* ResolveServiceCase(grpc::CallbackServerContext* ctx,
                                               const v1::ResolveServiceCaseRequest* request,
                                               v1::ResolveServiceCaseResponse* response) override;
  grpc::ServerUnaryReactor* CloseServiceCase(grpc::CallbackServerContext* ctx,
                                             const v1::CloseServiceCaseRequest* request,
                                             v1::CloseServiceCaseResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<ServiceCaseRepository> repository_;
  ServiceCaseService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_SERVICE_CASE_HANDLER_H_
