#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_RULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/api/calendar_date.h"
#include "crm/customer/v1/pricing.pb.h"
#include "customer_svc/domain/pricing_repository.h"

namespace crm::customer {

// Money math of pricing, in integer minor units. Rounding is half up (half
// away from zero; prices are never negative): 0.5 of a minor unit and more
// rounds up, less rounds down.

// `list_minor` less `basis_points` / 10000 of it, rounded half up, e.g.
// 1999 less 250 bp = 1949.025 → 1949; 1010 less 500 bp = 959.5 → 960.
// Requires list_minor >= 0 and 0 <= basis_points <= 10000; exact for every
// amount up to common::kMaxMoneyMinor.
int64_t DiscountedPriceHalfUp(int64_t list_minor, int32_t basis_points);

// The discount `price_minor` is off `list_minor`, in basis points rounded half
// up (0 when list_minor is 0 or the price is not below it), e.g. 900 off 1000
// is 1000 bp.
int32_t DiscountBasisPointsHalfUp(int64_t list_minor, int64_t price_minor);

// "5%", "2.5%", "0.01%" for 500, 250 and 1 basis points.
std::string FormatBasisPointsPercent(int32_t basis_points);

// Validity periods run from `from` to `until` inclusive; nullopt `until` is
// open-ended.
bool ValidOn(const common::CalendarDate& from, const std::optional<common::CalendarDate>& until,
             const common::CalendarDate& date);
bool PeriodsOverlap(const common::CalendarDate& a_from,
                    const std::optional<common::CalendarDate>& a_until,
                    const common::CalendarDate& b_from,
                    const std::optional<common::CalendarDate>& b_until);

// A minimum quantity as it applies: 0 and 1 both mean "any quantity".
int64_t EffectiveMinQuantity(int64_t min_quantity);

// What is being quoted.
struct QuoteInput {
  std::string customer;  // "customers/{id}"
  v1::Tier tier = v1::TIER_STANDARD;
  std::string sku;
  int64_t quantity = 1;       // >= 1
  common::CalendarDate date;  // the pricing date
  std::string currency_code;  // "" when the SKU's only list price decides
};

// Prices `input` from `candidates` (any rows; those not applicable to the
// SKU, date, tier, quantity or currency are ignored):
// - the list price is the SKU's entry in the quote currency valid on the
//   date; none → NOT_FOUND naming the SKU (and currency); several currencies
//   while currency_code is empty → INVALID_ARGUMENT "currency_code: ...";
// - the tier-discounted price is the list price less the largest discount of
//   the customer's tier valid on the date for this SKU or for every SKU whose
//   minimum quantity the quantity reaches (rounded half up);
// - the special price is the lowest of the customer's special prices for the
//   SKU in the quote currency valid on the date whose minimum quantity the
//   quantity reaches;
// - the lowest of the three wins; on a tie the special price beats the tier
//   discount, which beats the plain list price.
// total_price = unit_price × quantity (INVALID_ARGUMENT "quantity: ..." beyond
// the largest amount). valid_until is the end of the winning rule's validity:
// for a tier discount the earlier end of discount and list price.
absl::StatusOr<v1::PriceQuote> ComputeQuote(const QuoteInput& input,
                                            const PricingCandidates& candidates);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_RULES_H_
