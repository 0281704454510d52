#ifndef CRM_SUPPLIER_SVC_DOMAIN_OFFERING_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_OFFERING_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/calendar_date.h"
#include "crm/supplier/v1/offering.pb.h"
#include "crm/supplier/v1/offering_service.pb.h"
#include "crm/supplier/v1/supplier.pb.h"
#include "supplier_svc/domain/offering_repository.h"

namespace crm::supplier {

// Limits of the Offering fields (offering.proto documents the item's).
inline constexpr size_t kMaxItemChars = 64;
inline constexpr size_t kMaxSupplierItemCodeChars = 100;
inline constexpr size_t kMaxOfferingDescriptionChars = 10000;
inline constexpr int64_t kMaxMinimumQuantity = 1'000'000'000'000;
inline constexpr int32_t kMaxLeadTimeDays = 3650;

// The days an offering's price applies: from `from` through `until`
// (nullopt: open-ended).
struct ValidityWindow {
  common::CalendarDate from;
  std::optional<common::CalendarDate> until;
};

// The window of an offering; an unset valid_from counts as the earliest day.
ValidityWindow WindowOf(const v1::Offering& offering);
// True when the two windows share at least one day.
bool WindowsOverlap(const ValidityWindow& a, const ValidityWindow& b);
// True when `date` lies in the window.
bool WindowContains(const ValidityWindow& window, const common::CalendarDate& date);
// "2024-01-01..2024-06-30", or "2024-01-01..open-ended".
std::string FormatWindow(const ValidityWindow& window);

// The first of `others` (same OfferingKey, live) whose window overlaps
// `offering`'s, or nullptr.
const StoredOffering* FindOverlappingOffering(const v1::Offering& offering,
                                              const std::vector<StoredOffering>& others);

// FAILED_PRECONDITION naming `other`, its window and what they share, for
// an offering whose window overlaps `other`'s.
absl::Status OverlapError(const v1::Offering& offering, const StoredOffering& other);

// Checks every caller-settable field of `offering` (paths reported under
// "offering.") and brings it into its stored form: minimum_quantity 0 becomes
// 1, an empty valid_until is cleared. Output-only fields are not looked at.
// The first problem is INVALID_ARGUMENT naming the field and why.
absl::Status NormalizeOffering(v1::Offering& offering);

// Clears what a caller cannot set (name, original_supplier, etag, times).
void ClearOfferingOutputOnlyFields(v1::Offering& offering);

// OK when `supplier` (live or deleted) may get or keep offerings: not deleted,
// not CONSOLIDATED or TERMINATED; else FAILED_PRECONDITION saying why.
absl::Status CheckSupplierTakesOfferings(const v1::Supplier& supplier);

// The Offering paths UpdateOffering may change.
const absl::flat_hash_set<std::string>& OfferingUpdatablePaths();
// OK when every path of `mask` may be updated; supplier and item are fixed
// once created, output-only fields never change (INVALID_ARGUMENT naming them).
absl::Status ValidateOfferingUpdateMask(const google::protobuf::FieldMask& mask);

// ListOfferings filters: supplier (suppliers/{id}), item, supplier_item_code,
// contract (contracts/{id}), valid_from, valid_until (YYYY-MM-DD),
// unit_price.currency_code.
absl::StatusOr<std::vector<OfferingCondition>> ParseOfferingFilter(std::string_view filter);
// "item" (default), "unit_price.amount_minor" or "valid_from", optional " desc".
absl::Status ParseOfferingOrder(std::string_view order_by, OfferingOrder& order, bool& descending);

// Validates a BestPrice request (item, quantity >= 1, a valid date when set,
// a currency code when set, max_lead_time_days >= 0) and fills the query;
// `today` is the date when price_date is unset.
absl::StatusOr<PriceCandidateQuery> MakePriceCandidateQuery(const v1::BestPriceRequest& request,
                                                            const common::CalendarDate& today);

// The candidates as PriceCandidates, ranked: by currency code, then total
// price (unit price × quantity), then shorter lead time, then PREFERRED before
// ACTIVE suppliers, then offering id. The first of each currency is that
// currency's best price. A total beyond the money range is INVALID_ARGUMENT
// naming quantity.
absl::StatusOr<std::vector<v1::PriceCandidate>> RankPriceCandidates(
    std::vector<PriceCandidateRow> rows, int64_t quantity);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_OFFERING_RULES_H_
