#ifndef CRM_CUSTOMER_SVC_HANDLERS_DUPLICATE_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_DUPLICATE_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/duplicate_service.grpc.pb.h"
#include "customer_svc/domain/duplicate_service.h"

namespace crm::customer {

// crm.customer.v1.DuplicateService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class DuplicateHandler final : public v1::DuplicateService::CallbackService {
 public:
  DuplicateHandler(common::CallRunner& runner, std::shared_ptr<DuplicateRepository> duplicates,
                   std::shared_ptr<CustomerRepository> customers, Clock clock);

  grpc::ServerUnaryReactor* GetDuplicateRule(grpc::CallbackServerContext* ctx,
                                             const v1::GetDuplicateRuleRequest* request,
                                             v1::GetDuplicateRuleResponse* response) override;
  grpc::ServerUnaryReactor* ListDuplicateRules(grpc::CallbackServerContext* ctx,
                                               const v1::ListDuplicateRulesRequest* request,
                                               v1::ListDuplicateRulesResponse* response) override;
  grpc::ServerUnaryReactor* CreateDuplicateRule(grpc::CallbackServerContext* ctx,
                                                const v1::CreateDuplicateRuleRequest* request,
                                                v1::CreateDuplicateRuleResponse* response) override;
  grpc::ServerUnaryReactor* UpdateDuplicateRule(grpc::CallbackServerContext* ctx,
                                                const v1::UpdateDuplicateRuleRequest* request,
                                                v1::UpdateDuplicateRuleResponse* response) override;
  grpc::ServerUnaryReactor* DeleteDuplicateRule(grpc::CallbackServerContext* ctx,
                                                const v1::DeleteDuplicateRuleRequest* request,
                                                v1::DeleteDuplicateRuleResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteDuplicateRule(
      grpc::CallbackServerContext* ctx, const v1::UndeleteDuplicateRuleRequest* request,
      v1::UndeleteDuplicateRuleResponse* response) override;
  grpc::ServerUnaryReactor* FindDuplicates(grpc::CallbackServerContext* ctx,
                                           const v1::FindDuplicatesRequest* request,
                                           v1::FindDuplicatesResponse* response) override;
  grpc::ServerUnaryReactor* PreviewMerge(grpc::CallbackServerContext* ctx,
                                         const v1::PreviewMergeRequest* request,
                                         v1::PreviewMergeResponse* response) override;
  grpc::ServerUnaryReactor* MergeCustomers(grpc::CallbackServerContext* ctx,
                                           const v1::MergeCustomersRequest* request,
                                           v1::MergeCustomersResponse* response) override;
  grpc::ServerUnaryReactor* UnmergeCustomers(grpc::CallbackServerContext* ctx,
                                             const v1::UnmergeCustomersRequest* request,
                                             v1::UnmergeCustomersResponse* response) override;
  grpc::ServerUnaryReactor* GetCustomerMerge(grpc::CallbackServerContext* ctx,
                                             const v1::GetCustomerMergeRequest* request,
                                             v1::GetCustomerMergeResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomerMerges(grpc::CallbackServerContext* ctx,
                                               const v1::ListCustomerMergesRequest* request,
                                               v1::ListCustomerMergesResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<DuplicateRepository> duplicates_;
  std::shared_ptr<CustomerRepository> customers_;
  DuplicateService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_DUPLICATE_HANDLER_H_
