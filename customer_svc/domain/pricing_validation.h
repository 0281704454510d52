#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_VALIDATION_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_VALIDATION_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "crm/customer/v1/pricing.pb.h"

namespace crm::customer {

// Limits of the pricing fields (pricing.proto documents the SKU's).
inline constexpr size_t kMaxSkuChars = 64;
inline constexpr size_t kMaxPriceDescriptionChars = 2000;
inline constexpr size_t kMaxSpecialPriceReasonChars = 2000;

// A SKU: 1-64 characters of valid UTF-8, not starting or ending with
// whitespace (SKUs are compared exactly, case and all).
absl::Status ValidateSku(std::string_view field, std::string_view sku);

// Each checks every caller-settable field (paths reported under `field`, e.g.
// "price_list_entry.list_price") and returns the first problem as
// INVALID_ARGUMENT; output-only fields are not looked at. Prices are at least
// 0 minor units of an ISO-4217 currency; valid_from is required and
// valid_until, when set, not before it (required for special prices);
// minimum quantities are not negative; a tier discount has a tier and 1-10000
// basis points; approved_by is empty or "employees/{id}".
absl::Status ValidatePriceListEntry(std::string_view field, const v1::PriceListEntry& entry);
absl::Status ValidateTierDiscount(std::string_view field, const v1::TierDiscount& discount);
absl::Status ValidateSpecialPrice(std::string_view field, const v1::SpecialPrice& price);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_VALIDATION_H_
