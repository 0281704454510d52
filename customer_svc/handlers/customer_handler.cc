#include "customer_svc/handlers/customer_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

CustomerHandler::CustomerHandler(common::CallRunner& runner,
                                 std::shared_ptr<CustomerRepository> repository, Clock clock,
                                 int max_concurrent_imports)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, clock),
      import_slots_(max_concurrent_imports, "ImportCustomers writes"),
      importer_(*repository_, clock, import_slots_),
      summary_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* CustomerHandler::GetCustomer(grpc::CallbackServerContext* ctx,
    const v1::GetCustomerRequest* request, v1::GetCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::ListCustomers(grpc::CallbackServerContext* ctx,
    const v1::ListCustomersRequest* request, v1::ListCustomersResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListCustomers(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::CreateCustomer(grpc::CallbackServerContext* ctx,
    const v1::CreateCustomerRequest* request, v1::CreateCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::UpdateCustomer(grpc::CallbackServerContext* ctx,
    const v1::UpdateCustomerRequest* request, v1::UpdateCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::DeleteCustomer(grpc::CallbackServerContext* ctx,
    const v1::DeleteCustomerRequest* request, v1::DeleteCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::UndeleteCustomer(grpc::CallbackServerContext* ctx,
    const v1::UndeleteCustomerRequest* request, v1::UndeleteCustomerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteCustomer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::TransitionLifecycleStage(grpc::CallbackServerContext* ctx,
    const v1::TransitionLifecycleStageRequest* request, v1::TransitionLifecycleStageResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.TransitionLifecycleStage(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::ListLifecycleTransitions(grpc::CallbackServerContext* ctx,
    const v1::ListLifecycleTransitionsRequest* request, v1::ListLifecycleTransitionsResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListLifecycleTransitions(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::GetLifecycleFunnel(grpc::CallbackServerContext* ctx,
    const v1::GetLifecycleFunnelRequest* request, v1::GetLifecycleFunnelResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetLifecycleFunnel(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::SetCustomerConsent(grpc::CallbackServerContext* ctx,
    const v1::SetCustomerConsentRequest* request, v1::SetCustomerConsentResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.SetCustomerConsent(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::ConvertLead(grpc::CallbackServerContext* ctx,
    const v1::ConvertLeadRequest* request, v1::ConvertLeadResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.ConvertLead(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* CustomerHandler::GetCustomerSummary(grpc::CallbackServerContext* ctx,
    const v1::GetCustomerSummaryRequest* request, v1::GetCustomerSummaryResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return summary_.GetCustomerSummary(call, *request, *response);
  });
}

grpc::ServerReadReactor<v1::ImportCustomersRequest>* CustomerHandler::ImportCustomers(
    grpc::CallbackServerContext* ctx, v1::ImportCustomersResponse* response) {
  return runner_.RunClientStream<v1::ImportCustomersRequest>(
      ctx, common::kCustomersWrite,
      [=, this](const common::CallContext& call,
                common::StreamReader<v1::ImportCustomersRequest>& stream) {
        return importer_.ImportCustomers(call, stream, *response);
      });
}

}  // namespace crm::customer
