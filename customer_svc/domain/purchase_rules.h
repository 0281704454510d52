#ifndef CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_RULES_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/customer/v1/purchase.pb.h"

namespace crm::customer {

inline constexpr size_t kMaxSkuChars = 64;
inline constexpr size_t kMaxOrderReferenceChars = 100;
inline constexpr size_t kMaxPurchaseDescriptionChars = 1000;
inline constexpr size_t kMaxPriceRuleDescriptionChars = 500;
inline constexpr int64_t kMaxPurchaseQuantity = 1'000'000'000;

// Clears the fields a client cannot set (name, amount, original_supplier, etag, times).
void ClearPurchaseOutputOnlyFields(v1::Purchase& purchase);

// Validates every client-set field (errors name "purchase.<field>") and fills
// in the derived ones: amount = unit_price × quantity, status UNSPECIFIED →
// OPEN, an unset purchase_time → `now`.
absl::Status NormalizePurchase(v1::Purchase& purchase, absl::Time now);

// Legal status changes: OPEN → FULFILLED | CANCELLED, FULFILLED → RETURNED;
// staying put is always fine. Else FAILED_PRECONDITION naming both states.
absl::Status CheckPurchaseStatusChange(v1::PurchaseStatus from, v1::PurchaseStatus to,
                                       std::string_view name);

// Paths UpdatePurchase accepts.
const absl::flat_hash_set<std::string>& PurchaseUpdatablePaths();

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_RULES_H_
