#ifndef CRM_CUSTOMER_SVC_DOMAIN_LEAD_CONVERSION_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LEAD_CONVERSION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer/v1/customer.pb.h"

// The pure rules of CustomerService.ConvertLead.
namespace crm::customer {

// The stage a promoted lead moves to: PROSPECT when unset, else PROSPECT or
// ACTIVE; anything else is INVALID_ARGUMENT "target_stage: ...".
absl::StatusOr<v1::LifecycleStage> ConversionTargetStage(v1::LifecycleStage requested);

// Copies into `customer` every merge field (see MergeFieldPaths) that is empty
// there and set on `lead`, and returns the paths it filled, in MergeFieldPaths
// order. Fields `customer` already has are never overwritten; a lead's parent
// that is `customer` itself is not copied.
std::vector<std::string> FillEmptyFields(const v1::Customer& lead, v1::Customer& customer);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LEAD_CONVERSION_H_
