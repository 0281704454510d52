#ifndef CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_SERVICE_H_

#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/service_case_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/service_case_repository.h"

namespace crm::customer {

// The filter of ListServiceCases: status, priority (enum names), assignee
// (exact), sla_breached (true / false), sla_due_time, create_time (RFC 3339).
absl::StatusOr<std::vector<ServiceCaseCondition>> ParseServiceCaseFilter(std::string_view filter);

// The rules of crm.customer.v1.ServiceCaseService: priority and SLA from the
// customer's tier (service_case_rules.h), the status machine, escalation and
// CSAT (a score given on close is also stored as a CSAT Feedback response
// whose subject is the case); every change with its audit entry in one
// transaction.
class ServiceCaseService {
 public:
  ServiceCaseService(ServiceCaseRepository& repository, Clock clock);

  absl::Status GetServiceCase(const common::CallContext& call,
                              const v1::GetServiceCaseRequest& request,
                              v1::GetServiceCaseResponse& response);
  absl::Status ListServiceCases(const common::CallContext& call,
                                const v1::ListServiceCasesRequest& request,
                                v1::ListServiceCasesResponse& response);
  absl::Status CreateServiceCase(const common::CallContext& call,
                                 const v1::CreateServiceCaseRequest& request,
                                 v1::CreateServiceCaseResponse& response);
  absl::Status UpdateServiceCase(const common::CallContext& call,
                                 const v1::UpdateServiceCaseRequest& request,
                                 v1::UpdateServiceCaseResponse& response);
  absl::Status DeleteServiceCase(const common::CallContext& call,
                                 const v1::DeleteServiceCaseRequest& request,
                                 v1::DeleteServiceCaseResponse& response);
  absl::Status UndeleteServiceCase(const common::CallContext& call,
                                   const v1::UndeleteServiceCaseRequest& request,
                                   v1::UndeleteServiceCaseResponse& response);
  absl::Status EscalateServiceCase(const common::CallContext& call,
                                   const v1::EscalateServiceCaseRequest& request,
                                   v1::EscalateServiceCaseResponse& response);
  absl::Status SetServiceCasePending(const common::CallContext& call,
                                     const v1::SetServiceCasePendingRequest& request,
                                     v1::SetServiceCasePendingResponse& response);
  absl::Status ReopenServiceCase(const common::CallContext& call,
                                 const v1::ReopenServiceCaseRequest& request,
                                 v1::ReopenServiceCaseResponse& response);
  absl::Status ResolveServiceCase(const common::CallContext& call,
                                  const v1::ResolveServiceCaseRequest& request,
                                  v1::ResolveServiceCaseResponse& response);
  absl::Status CloseServiceCase(const common::CallContext& call,
                                const v1::CloseServiceCaseRequest& request,
                                v1::CloseServiceCaseResponse& response);

 private:
  // Now, truncated to the microseconds MySQL stores.
  absl::Time Now() const;

  // Locks the live case `name` (etag checked; `etag_field` names it in errors), lets `change` edit
  // a copy (it returns an error to refuse), stores the copy with an audit entry of `action` and
  // `reason`, and returns the stored case in `result`. When `change` changed nothing, nothing is
  // written and `result` is the case as is.
  absl::Status ChangeCase(
      const common::CallContext& call, std::string_view name, std::string_view etag,
      std::string_view etag_field, crm::common::v1::AuditAction action, std::string_view reason,
      absl::FunctionRef<absl::Status(ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase&)>
          change,
      v1::ServiceCase& result);

  ServiceCaseRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_SERVICE_H_
