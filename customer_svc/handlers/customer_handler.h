#ifndef CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "customer_svc/domain/customer_import.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/customer_summary.h"

namespace crm::customer {

// crm.customer.v1.CustomerService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool); ImportCustomers is a
// client stream read on its worker (CallRunner::RunClientStream).
class CustomerHandler final : public v1::CustomerService::CallbackService {
 public:
  // `repository` is shared with the other handlers of the process; at most
  // `max_concurrent_imports` ImportCustomers calls write at the same time.
  CustomerHandler(common::CallRunner& runner, std::shared_ptr<CustomerRepository> repository,
                  Clock clock, int max_concurrent_imports);

  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* ctx,
                                        const v1::GetCustomerRequest* request,
                                        v1::GetCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomers(grpc::CallbackServerContext* ctx,
                                          const v1::ListCustomersRequest* request,
                                          v1::ListCustomersResponse* response) override;
  grpc::ServerUnaryReactor* CreateCustomer(grpc::CallbackServerContext* ctx,
                                           const v1::CreateCustomerRequest* request,
                                           v1::CreateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomer(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateCustomerRequest* request,
                                           v1::UpdateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* DeleteCustomer(grpc::CallbackServerContext* ctx,
                                           const v1::DeleteCustomerRequest* request,
                                           v1::DeleteCustomerResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteCustomer(grpc::CallbackServerContext* ctx,
                                             const v1::UndeleteCustomerRequest* request,
                                             v1::UndeleteCustomerResponse* response) override;
  grpc::ServerUnaryReactor* TransitionLifecycleStage(
      grpc::CallbackServerContext* ctx, const v1::TransitionLifecycleStageRequest* request,
      v1::TransitionLifecycleStageResponse* response) override;
  grpc::ServerUnaryReactor* ListLifecycleTransitions(
      grpc::CallbackServerContext* ctx, const v1::ListLifecycleTransitionsRequest* request,
      v1::ListLifecycleTransitionsResponse* response) override;
  grpc::ServerUnaryReactor* GetLifecycleFunnel(grpc::CallbackServerContext* ctx,
                                               const v1::GetLifecycleFunnelRequest* request,
                                               v1::GetLifecycleFunnelResponse* response) override;
  grpc::ServerUnaryReactor* SetCustomerConsent(grpc::CallbackServerContext* ctx,
                                               const v1::SetCustomerConsentRequest* request,
                                               v1::SetCustomerConsentResponse* response) override;
  grpc::ServerUnaryReactor* ConvertLead(grpc::CallbackServerContext* ctx,
                                        const v1::ConvertLeadRequest* request,
                                        v1::ConvertLeadResponse* response) override;
  grpc::ServerUnaryReactor* GetCustomerSummary(grpc::CallbackServerContext* ctx,
                                               const v1::GetCustomerSummaryRequest* request,
                                               v1::GetCustomerSummaryResponse* response) override;
  grpc::ServerReadReactor<v1::ImportCustomersRequest>* ImportCustomers(
      grpc::CallbackServerContext* ctx, v1::ImportCustomersResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<CustomerRepository> repository_;
  CustomerService service_;
  common::ConcurrencyLimit import_slots_;
  CustomerImporter importer_;
  CustomerSummaryService summary_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_HANDLER_H_
