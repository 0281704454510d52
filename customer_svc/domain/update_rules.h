#ifndef CRM_CUSTOMER_SVC_DOMAIN_UPDATE_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_UPDATE_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {

// The Customer paths UpdateCustomer may change.
const absl::flat_hash_set<std::string>& CustomerUpdatablePaths();

// OK when every path of `mask` may be updated through UpdateCustomer; else
// INVALID_ARGUMENT naming the path and, for lifecycle_stage, consents and
// account_manager, the RPC that changes it.
absl::Status ValidateCustomerUpdateMask(const google::protobuf::FieldMask& mask);

// Clears what a caller cannot set on create (name, stage_enter_time,
// account_manager, merged_into, etag and the times).
void ClearOutputOnlyFields(v1::Customer& customer);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_UPDATE_RULES_H_
