#include "customer_svc/domain/lead_conversion.h"

#include "absl/strings/str_format.h"
#include "customer_svc/domain/customer_merge.h"
#include "customer_svc/domain/lifecycle.h"

namespace crm::customer {

absl::StatusOr<v1::LifecycleStage> ConversionTargetStage(v1::LifecycleStage requested) {
  if (requested == v1::LIFECYCLE_STAGE_UNSPECIFIED) return v1::LIFECYCLE_STAGE_PROSPECT;
  if (requested == v1::LIFECYCLE_STAGE_PROSPECT || requested == v1::LIFECYCLE_STAGE_ACTIVE) {
    return requested;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "target_stage: a converted lead becomes PROSPECT or ACTIVE, not %s",
      v1::LifecycleStage_IsValid(requested) ? StageName(requested) : std::to_string(requested)));
}

std::vector<std::string> FillEmptyFields(const v1::Customer& lead, v1::Customer& customer) {
  std::vector<std::string> filled;
  for (std::string_view path : MergeFieldPaths()) {
    if (path == "parent" && lead.parent() == customer.name()) continue;
    if (!MergeFieldJson(path, customer).empty() || MergeFieldJson(path, lead).empty()) continue;
    CopyMergeField(path, lead, customer);
    filled.emplace_back(path);
  }
  return filled;
}

}  // namespace crm::customer
