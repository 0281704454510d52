#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/customer_service.pb.h"
#include "customer_svc/domain/customer_repository.h"

namespace crm::customer {

// Returns the current time; injected so tests control it.
using Clock = std::function<absl::Time()>;

// The rules of crm.customer.v1.CustomerService, independent of gRPC and SQL:
// each method validates the request, applies the business rules and stores
// the change together with its audit entry (and lifecycle transition) in one
// transaction of `repository`.
class CustomerService {
 public:
  CustomerService(CustomerRepository& repository, Clock clock);

  absl::Status GetCustomer(const common::CallContext& call, const v1::GetCustomerRequest& request,
                           v1::GetCustomerResponse& response);
  absl::Status ListCustomers(const common::CallContext& call,
                             const v1::ListCustomersRequest& request,
                             v1::ListCustomersResponse& response);
  absl::Status CreateCustomer(const common::CallContext& call,
                              const v1::CreateCustomerRequest& request,
                              v1::CreateCustomerResponse& response);
  absl::Status UpdateCustomer(const common::CallContext& call,
                              const v1::UpdateCustomerRequest& request,
                              v1::UpdateCustomerResponse& response);
  absl::Status DeleteCustomer(const common::CallContext& call,
                              const v1::DeleteCustomerRequest& request,
                              v1::DeleteCustomerResponse& response);
  absl::Status UndeleteCustomer(const common::CallContext& call,
                                const v1::UndeleteCustomerRequest& request,
                                v1::UndeleteCustomerResponse& response);
  absl::Status TransitionLifecycleStage(const common::CallContext& call,
                                        const v1::TransitionLifecycleStageRequest& request,
                                        v1::TransitionLifecycleStageResponse& response);
  absl::Status ListLifecycleTransitions(const common::CallContext& call,
                                        const v1::ListLifecycleTransitionsRequest& request,
                                        v1::ListLifecycleTransitionsResponse& response);
  absl::Status GetLifecycleFunnel(const common::CallContext& call,
                                  const v1::GetLifecycleFunnelRequest& request,
                                  v1::GetLifecycleFunnelResponse& response);
  absl::Status SetCustomerConsent(const common::CallContext& call,
                                  const v1::SetCustomerConsentRequest& request,
                                  v1::SetCustomerConsentResponse& response);
  // Promotes a LEAD (or folds it into `existing_customer`, filling only that
  // customer's empty fields and leaving the lead a tombstone merged into it)
  // and creates the optional opportunity, all in one transaction.
  absl::Status ConvertLead(const common::CallContext& call, const v1::ConvertLeadRequest& request,
                           v1::ConvertLeadResponse& response);

 private:
  // Now, truncated to the microseconds MySQL stores.
  absl::Time Now() const;

  // Checks that the parent (if any) names a live customer other than `self_id`.
  absl::Status CheckParent(CustomerStore& store, const v1::Customer& customer, int64_t self_id);
  // ALREADY_EXISTS naming the key when another live customer has it.
  absl::Status CheckOrganizationKeyFree(CustomerStore& store, const v1::Customer& customer,
                                        int64_t self_id);

  CustomerRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SERVICE_H_
