#ifndef CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_RULES_H_

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
#include "common/api/state_machine.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/offering.pb.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "supplier_svc/domain/contract_rules.h"
#include "supplier_svc/domain/purchase_order_repository.h"

namespace crm::supplier {

// Limits of the PurchaseOrder fields.
inline constexpr size_t kMaxLineDescriptionChars = 2000;
inline constexpr size_t kMaxQualityNotesChars = 2000;
inline constexpr int64_t kMaxLineQuantity = 1'000'000'000'000;

// OPEN → CONFIRMED → DELIVERED, OPEN | CONFIRMED → CANCELLED.
const common::StateMachine<v1::PurchaseOrderStatus>& PurchaseOrderStatusMachine();

// Checks the caller-settable fields of `order` (paths under
// "purchase_order."): supplier and contract names, 1-500 lines with item
// (1-64 characters), supplier_item_code, description, quantity (at least 1),
// unit_price when set (not negative, ISO-4217) and offering name, and
// promised_delivery_date when set. Prices may still be missing (see
// PriceLines).
absl::Status ValidatePurchaseOrder(const v1::PurchaseOrder& order);

// Clears what a caller cannot set (name, number, original supplier, total,
// status, actual delivery, on-time flag, quality result, rating, cancel
// reason, etag, times; per line the line number, amount and original price).
void ClearPurchaseOrderOutputOnly(v1::PurchaseOrder& order);

// The best of a supplier's `offerings` for `quantity` units on `day`: valid
// that day, minimum_quantity at most `quantity`, in `currency` when that is
// not empty; the lowest unit price, the earliest offering on a tie. nullopt
// when none qualifies.
std::optional<v1::Offering> ChooseBestOffering(const std::vector<v1::Offering>& offerings,
                                               int64_t quantity, const common::CalendarDate& day,
                                               std::string_view currency);

// Numbers the lines 1..n, sets each amount = quantity × unit_price and the
// order's total. Every line must have a price by now, all in one currency
// (INVALID_ARGUMENT naming the line otherwise, or when an amount would exceed
// the largest representable one).
absl::Status ComputePurchaseOrderAmounts(v1::PurchaseOrder& order);

// Sum of the lines' quantities.
int64_t OrderedQuantity(const v1::PurchaseOrder& order);

// True when `actual` is on or before `promised`.
bool IsOnTime(const common::CalendarDate& promised, const common::CalendarDate& actual);

// The inspection of a delivery of `delivered` units (paths under
// "quality_result."): quantities not negative, accepted + defective equal to
// the units delivered (so never more), notes at most 2000 characters,
// inspect_time a valid timestamp when set.
absl::Status ValidateQualityResult(const v1::QualityResult& quality, int64_t delivered);

// OK when `order` may be placed under `contract` (named `contract_name`) on
// `order_date`: the contract is with the order's supplier, in force
// (effective state ACTIVE) and the date within its term; every line's item
// is on the contract and priced at the agreed price (a line without a price
// gets it). FAILED_PRECONDITION for the contract's state and term,
// INVALID_ARGUMENT naming the line for items and prices.
absl::Status ApplyContractPrices(const v1::Contract& contract, std::string_view contract_name,
                                 const common::CalendarDate& order_date, v1::PurchaseOrder& order);

// Adds the order's quantities to the contract lines' ordered quantities
// (`sign` +1) or gives them back (`sign` -1), then recomputes the contract's
// totals. Drawing more than a line's remaining quantity is
// FAILED_PRECONDITION naming the contract line, its remaining and the
// requested quantity; nothing is changed then.
absl::Status DrawDownContract(v1::Contract& contract, std::string_view contract_name,
                              const v1::PurchaseOrder& order, int sign);

// The PurchaseOrder paths UpdatePurchaseOrder may change: lines, contract,
// promised_delivery_date.
const absl::flat_hash_set<std::string>& PurchaseOrderUpdatablePaths();

// OK when every path of `mask` may be updated through UpdatePurchaseOrder;
// else INVALID_ARGUMENT naming the path (and the RPC that changes it).
absl::Status ValidatePurchaseOrderUpdateMask(const google::protobuf::FieldMask& mask);

// ListPurchaseOrders filter: supplier, original_supplier (suppliers/{id}),
// contract (contracts/{id}), status, promised_delivery_date,
// actual_delivery_date (YYYY-MM-DD), on_time_delivery (true/false),
// lines.item, create_time (RFC 3339).
absl::StatusOr<std::vector<PurchaseOrderCondition>> ParsePurchaseOrderFilter(
    std::string_view filter);

// order_by of ListPurchaseOrders: "create_time", "promised_delivery_date" or
// "total_amount.amount_minor", optionally followed by " desc"; "" is
// "create_time desc".
absl::Status ParsePurchaseOrderOrder(std::string_view order_by, PurchaseOrderOrder& order,
                                     bool& descending);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_RULES_H_
