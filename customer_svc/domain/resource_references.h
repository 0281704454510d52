#ifndef CRM_CUSTOMER_SVC_DOMAIN_RESOURCE_REFERENCES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_RESOURCE_REFERENCES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/api/resource_reference.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {

// What a resource under "customers/{id}" needs to know of its customer.
struct ParentCustomer {
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  bool deleted = false;
};

// The customer id of a List's parent "customers/{id}" (the caller handles
// "customers/-", every customer, itself); anything else is INVALID_ARGUMENT
// "parent: <value> must be customers/{id} or customers/- for every customer".
absl::StatusOr<int64_t> ParseCustomerListParent(std::string_view parent);

// The generic reference checks live in common/api/resource_reference.h.
using common::kMaxResourceReferenceChars;
using common::ValidateOptionalEmployee;
using common::ValidateResourceReference;

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_RESOURCE_REFERENCES_H_
