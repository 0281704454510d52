#include "customer_svc/domain/list_filters.h"

#include "common/api/order_by.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {
namespace {

using Kind = common::FilterValueKind;

const std::vector<common::FilterField<CustomerColumn>>& CustomerFields() {
  static const auto* const fields = new std::vector<common::FilterField<CustomerColumn>>{
      {"display_name", CustomerColumn::kDisplayName, Kind::kText},
      {"email", CustomerColumn::kEmail, Kind::kText},
      {"kind", CustomerColumn::kKind, Kind::kEnum, v1::CustomerKind_descriptor()},
      {"lifecycle_stage", CustomerColumn::kLifecycleStage, Kind::kEnum,
       v1::LifecycleStage_descriptor()},
      {"tier", CustomerColumn::kTier, Kind::kEnum, v1::Tier_descriptor()},
      {"source.kind", CustomerColumn::kSourceKind, Kind::kEnum, v1::SourceKind_descriptor()},
      {"parent", CustomerColumn::kParent, Kind::kResource, nullptr, "customers"},
      {"account_manager", CustomerColumn::kAccountManager, Kind::kExact},
      {"organization_key.web_domain", CustomerColumn::kWebDomain, Kind::kDomain},
      {"organization_key.tax_id", CustomerColumn::kTaxId, Kind::kUpper},
      {"create_time", CustomerColumn::kCreateTime, Kind::kTime},
  };
  return *fields;
}

const std::vector<common::FilterField<TransitionColumn>>& TransitionFields() {
  static const auto* const fields = new std::vector<common::FilterField<TransitionColumn>>{
      {"from_stage", TransitionColumn::kFromStage, Kind::kEnum, v1::LifecycleStage_descriptor()},
      {"to_stage", TransitionColumn::kToStage, Kind::kEnum, v1::LifecycleStage_descriptor()},
      {"automatic", TransitionColumn::kAutomatic, Kind::kBool},
      {"transition_time", TransitionColumn::kTransitionTime, Kind::kTime},
  };
  return *fields;
}

}  // namespace

absl::StatusOr<std::vector<CustomerCondition>> ParseCustomerFilter(std::string_view filter) {
  return common::ResolveFilter<CustomerColumn>(filter, CustomerFields());
}

absl::StatusOr<std::vector<TransitionCondition>> ParseTransitionFilter(std::string_view filter) {
  return common::ResolveFilter<TransitionColumn>(filter, TransitionFields());
}

absl::Status ParseCustomerOrder(std::string_view order_by, CustomerOrder& order, bool& descending) {
  absl::StatusOr<common::OrderBy> parsed =
      common::ParseOrderBy(order_by, {"create_time", "update_time", "display_name"});
  if (!parsed.ok()) return parsed.status();
  constexpr CustomerOrder kOrders[] = {CustomerOrder::kCreateTime, CustomerOrder::kUpdateTime,
                                       CustomerOrder::kDisplayName};
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

}  // namespace crm::customer
