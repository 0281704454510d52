#include "customer_svc/handlers/duplicate_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

DuplicateHandler::DuplicateHandler(common::CallRunner& runner,
                                   std::shared_ptr<DuplicateRepository> duplicates,
                                   std::shared_ptr<CustomerRepository> customers, Clock clock)
    : runner_(runner),
      duplicates_(std::move(duplicates)),
      customers_(std::move(customers)),
      service_(*duplicates_, *customers_, std::move(clock)) {}

grpc::ServerUnaryReactor* DuplicateHandler::GetDuplicateRule(
    grpc::CallbackServerContext* ctx, const v1::GetDuplicateRuleRequest* request,
    v1::GetDuplicateRuleResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetDuplicateRule(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::ListDuplicateRules(
    grpc::CallbackServerContext* ctx, const v1::ListDuplicateRulesRequest* request,
    v1::ListDuplicateRulesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListDuplicateRules(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::CreateDuplicateRule(
    grpc::CallbackServerContext* ctx, const v1::CreateDuplicateRuleRequest* request,
    v1::CreateDuplicateRuleResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateDuplicateRule(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::UpdateDuplicateRule(
    grpc::CallbackServerContext* ctx, const v1::UpdateDuplicateRuleRequest* request,
    v1::UpdateDuplicateRuleResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateDuplicateRule(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::DeleteDuplicateRule(
    grpc::CallbackServerContext* ctx, const v1::DeleteDuplicateRuleRequest* request,
    v1::DeleteDuplicateRuleResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteDuplicateRule(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::UndeleteDuplicateRule(
    grpc::CallbackServerContext* ctx, const v1::UndeleteDuplicateRuleRequest* request,
    v1::UndeleteDuplicateRuleResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteDuplicateRule(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::FindDuplicates(grpc::CallbackServerContext* ctx,
                                                           const v1::FindDuplicatesRequest* request,
                                                           v1::FindDuplicatesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.FindDuplicates(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::PreviewMerge(grpc::CallbackServerContext* ctx,
                                                         const v1::PreviewMergeRequest* request,
                                                         v1::PreviewMergeResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.PreviewMerge(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::MergeCustomers(grpc::CallbackServerContext* ctx,
                                                           const v1::MergeCustomersRequest* request,
                                                           v1::MergeCustomersResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.MergeCustomers(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::UnmergeCustomers(
    grpc::CallbackServerContext* ctx, const v1::UnmergeCustomersRequest* request,
    v1::UnmergeCustomersResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UnmergeCustomers(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::GetCustomerMerge(
    grpc::CallbackServerContext* ctx, const v1::GetCustomerMergeRequest* request,
    v1::GetCustomerMergeResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetCustomerMerge(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* DuplicateHandler::ListCustomerMerges(
    grpc::CallbackServerContext* ctx, const v1::ListCustomerMergesRequest* request,
    v1::ListCustomerMergesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListCustomerMerges(call, *request, *response);
  });
}

}  // namespace crm::customer
