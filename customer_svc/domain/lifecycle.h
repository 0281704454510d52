#ifndef CRM_CUSTOMER_SVC_DOMAIN_LIFECYCLE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LIFECYCLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {

// The legal lifecycle moves (see LifecycleStage in customer.proto):
// LEAD→PROSPECT, LEAD→ACTIVE, PROSPECT→ACTIVE, ACTIVE→AT_RISK, AT_RISK→ACTIVE,
// AT_RISK→CHURNED, ACTIVE→CHURNED, CHURNED→WON_BACK, WON_BACK→ACTIVE, WON_BACK→AT_RISK.
bool IsLegalTransition(v1::LifecycleStage from, v1::LifecycleStage to);

// The stages a customer in `from` may move to, in enum order.
std::vector<v1::LifecycleStage> LegalNextStages(v1::LifecycleStage from);

// OK for a legal move; otherwise FAILED_PRECONDITION naming the customer, both
// stages and the moves that are legal from `from`.
absl::Status CheckTransition(std::string_view customer_name, v1::LifecycleStage from,
                             v1::LifecycleStage to);

// "ACTIVE" for LIFECYCLE_STAGE_ACTIVE.
std::string StageName(v1::LifecycleStage stage);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LIFECYCLE_H_
