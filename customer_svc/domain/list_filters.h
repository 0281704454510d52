#ifndef CRM_CUSTOMER_SVC_DOMAIN_LIST_FILTERS_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LIST_FILTERS_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "customer_svc/domain/customer_repository.h"

namespace crm::customer {

// The filters of ListCustomers and GetLifecycleFunnel: display_name and email
// (= != :, = "acme*" for a prefix), kind, lifecycle_stage, tier, source.kind
// (enum names, e.g. GOLD), parent (customers/{id}), account_manager,
// organization_key.web_domain, organization_key.tax_id, create_time
// (RFC 3339, = != < <= > >=).
absl::StatusOr<std::vector<CustomerCondition>> ParseCustomerFilter(std::string_view filter);

// ListLifecycleTransitions: from_stage, to_stage, automatic, transition_time.
absl::StatusOr<std::vector<TransitionCondition>> ParseTransitionFilter(std::string_view filter);

// order_by of ListCustomers: "create_time" (default), "update_time" or
// "display_name", each optionally followed by " desc".
absl::Status ParseCustomerOrder(std::string_view order_by, CustomerOrder& order, bool& descending);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LIST_FILTERS_H_
