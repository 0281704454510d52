#include "customer_svc/domain/update_rules.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/api/field_mask.h"
#include "common/api/quote.h"

namespace crm::customer {
namespace {

// Fields with their own RPC, and what to call instead.
constexpr std::pair<std::string_view, std::string_view> kChangedElsewhere[] = {
    {"lifecycle_stage", "TransitionLifecycleStage"},
    {"stage_enter_time", "TransitionLifecycleStage"},
    {"consents", "SetCustomerConsent"},
    {"account_manager", "AssignCustomer"},
    {"delete_time", "DeleteCustomer or UndeleteCustomer"},
};

}  // namespace

const absl::flat_hash_set<std::string>& CustomerUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "kind",  "display_name",   "organization_key", "parent", "email", "phone",
      "tier",  "postal_address", "contacts",         "needs",  "source",
  };
  return *paths;
}

absl::Status ValidateCustomerUpdateMask(const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    const std::string_view top = std::string_view(path).substr(0, path.find('.'));
    for (const auto& [field, rpc] : kChangedElsewhere) {
      if (top == field) {
        return absl::InvalidArgumentError(
            absl::StrFormat("update_mask: field %s cannot be updated; use %s",
                            common::QuoteValue(path), rpc));
      }
    }
  }
  return common::ValidateUpdateMask(mask, *v1::Customer::descriptor(), CustomerUpdatablePaths());
}

void ClearOutputOnlyFields(v1::Customer& customer) {
  customer.clear_name();
  customer.clear_stage_enter_time();
  customer.clear_account_manager();
  customer.clear_merged_into();
  customer.clear_etag();
  customer.clear_create_time();
  customer.clear_update_time();
  customer.clear_delete_time();
  customer.mutable_consents()->mutable_marketing()->clear_update_time();
  customer.mutable_consents()->mutable_data_sharing()->clear_update_time();
}

}  // namespace crm::customer
