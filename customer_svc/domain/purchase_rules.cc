#include "customer_svc/domain/purchase_rules.h"

#include "absl/strings/str_format.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

void ClearPurchaseOutputOnlyFields(v1::Purchase& purchase) {
  purchase.clear_name();
  purchase.clear_amount();
  purchase.clear_original_supplier();
  purchase.clear_etag();
  purchase.clear_create_time();
  purchase.clear_update_time();
  purchase.clear_delete_time();
}

absl::Status NormalizePurchase(v1::Purchase& purchase, absl::Time now) {
  common::Validator v;
  v.Check(common::ValidateLength("purchase.order_reference", purchase.order_reference(), 0,
                                 kMaxOrderReferenceChars));
  v.Check(common::ValidateRequiredText("purchase.sku", purchase.sku(), kMaxSkuChars));
  v.Check(common::ValidateLength("purchase.description", purchase.description(), 0,
                                 kMaxPurchaseDescriptionChars));
  v.Check(common::ValidateRange("purchase.quantity", purchase.quantity(), 1, kMaxPurchaseQuantity));
  if (!purchase.has_unit_price()) {
    v.Check(absl::InvalidArgumentError("purchase.unit_price: must be set"));
  } else {
    v.Check(common::ValidateMoney("purchase.unit_price", purchase.unit_price().amount_minor(),
                                  purchase.unit_price().currency_code()));
    if (purchase.unit_price().amount_minor() < 0) {
      v.Check(absl::InvalidArgumentError("purchase.unit_price.amount_minor: must not be negative"));
    }
  }
  if (purchase.has_price_rule()) {
    const v1::PriceRule& rule = purchase.price_rule();
    v.Check(common::ValidateEnum("purchase.price_rule.kind", rule.kind(),
                                 *v1::PriceRuleKind_descriptor(), /*allow_unspecified=*/true));
    if (!rule.rule().empty()) {
      v.Check(ValidateResourceReference("purchase.price_rule.rule", rule.rule()));
    }
    v.Check(common::ValidateLength("purchase.price_rule.description", rule.description(), 0,
                                   kMaxPriceRuleDescriptionChars));
  }
  if (purchase.has_purchase_time()) {
    v.Check(common::ValidateTimestamp("purchase.purchase_time", purchase.purchase_time()));
  }
  v.Check(common::ValidateEnum("purchase.status", purchase.status(),
                               *v1::PurchaseStatus_descriptor(), /*allow_unspecified=*/true));
  v.Check(common::ParseResourceId("purchase.supplier", purchase.supplier(), "suppliers").status());
  if (!v.ok()) return v.status();

  absl::StatusOr<int64_t> amount = common::MultiplyMoney(
      "purchase.quantity", purchase.unit_price().amount_minor(), purchase.quantity());
  if (!amount.ok()) return amount.status();
  purchase.mutable_amount()->set_amount_minor(*amount);
  purchase.mutable_amount()->set_currency_code(purchase.unit_price().currency_code());
  if (purchase.status() == v1::PURCHASE_STATUS_UNSPECIFIED) {
    purchase.set_status(v1::PURCHASE_STATUS_OPEN);
  }
  if (!purchase.has_purchase_time()) {
    *purchase.mutable_purchase_time() = common::ToProtoTimestamp(now);
  }
  // Stored with microsecond precision.
  purchase.mutable_purchase_time()->set_nanos(purchase.purchase_time().nanos() / 1000 * 1000);
  if (purchase.has_price_rule() && purchase.price_rule().ByteSizeLong() == 0) {
    purchase.clear_price_rule();
  }
  return absl::OkStatus();
}

absl::Status CheckPurchaseStatusChange(v1::PurchaseStatus from, v1::PurchaseStatus to,
                                       std::string_view name) {
  if (from == to) return absl::OkStatus();
  const bool legal = (from == v1::PURCHASE_STATUS_OPEN && (to == v1::PURCHASE_STATUS_FULFILLED ||
                                                           to == v1::PURCHASE_STATUS_CANCELLED)) ||
                     (from == v1::PURCHASE_STATUS_FULFILLED && to == v1::PURCHASE_STATUS_RETURNED);
  if (legal) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s cannot move from %s to %s (allowed: OPEN to FULFILLED or CANCELLED, FULFILLED to "
      "RETURNED)",
      std::string(name), v1::PurchaseStatus_Name(from), v1::PurchaseStatus_Name(to)));
}

const absl::flat_hash_set<std::string>& PurchaseUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "order_reference", "sku",           "description", "quantity", "unit_price",
      "price_rule",      "purchase_time", "status",      "supplier"};
  return *paths;
}

}  // namespace crm::customer
