#include "supplier_svc/domain/purchase_order_rules.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/field_mask.h"
#include "common/api/money.h"
#include "common/api/order_by.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/api/validator.h"
#include "supplier_svc/domain/contract_rules.h"

namespace crm::supplier {
namespace {

using common::CalendarDate;
using common::Validator;
using Kind = common::FilterValueKind;

bool IsSet(const crm::common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

const std::vector<common::FilterField<PurchaseOrderColumn>>& PurchaseOrderFields() {
  static const auto* const fields = new std::vector<common::FilterField<PurchaseOrderColumn>>{
      {"supplier", PurchaseOrderColumn::kSupplier, Kind::kResource, nullptr, "suppliers"},
      {"original_supplier", PurchaseOrderColumn::kOriginalSupplier, Kind::kResource, nullptr,
       "suppliers"},
      {"contract", PurchaseOrderColumn::kContract, Kind::kResource, nullptr, "contracts"},
      {"status", PurchaseOrderColumn::kStatus, Kind::kEnum, v1::PurchaseOrderStatus_descriptor()},
      {"order_date", PurchaseOrderColumn::kOrderDate, Kind::kDate},
      {"promised_delivery_date", PurchaseOrderColumn::kPromisedDeliveryDate, Kind::kDate},
      {"actual_delivery_date", PurchaseOrderColumn::kActualDeliveryDate, Kind::kDate},
      {"on_time_delivery", PurchaseOrderColumn::kOnTimeDelivery, Kind::kBool},
      {"lines.item", PurchaseOrderColumn::kItem, Kind::kExact},
      {"create_time", PurchaseOrderColumn::kCreateTime, Kind::kTime},
  };
  return *fields;
}

// Index of the contract line for `item`, or -1.
int FindContractLine(const v1::Contract& contract, const std::string& item) {
  for (int i = 0; i < contract.lines_size(); ++i) {
    if (contract.lines(i).item() == item) return i;
  }
  return -1;
}

}  // namespace

const common::StateMachine<v1::PurchaseOrderStatus>& PurchaseOrderStatusMachine() {
  static const auto* const machine = new common::StateMachine<v1::PurchaseOrderStatus>(
      "status", {
                    {v1::PURCHASE_ORDER_STATUS_OPEN, v1::PURCHASE_ORDER_STATUS_CONFIRMED},
                    {v1::PURCHASE_ORDER_STATUS_CONFIRMED, v1::PURCHASE_ORDER_STATUS_DELIVERED},
                    {v1::PURCHASE_ORDER_STATUS_OPEN, v1::PURCHASE_ORDER_STATUS_CANCELLED},
                    {v1::PURCHASE_ORDER_STATUS_CONFIRMED, v1::PURCHASE_ORDER_STATUS_CANCELLED},
                });
  return *machine;
}

absl::Status ValidatePurchaseOrder(const v1::PurchaseOrder& order) {
  Validator v;
  v.Check(
      common::ParseResourceId("purchase_order.supplier", order.supplier(), "suppliers").status());
  if (!order.contract().empty()) {
    v.Check(
        common::ParseResourceId("purchase_order.contract", order.contract(), "contracts").status());
  }
  if (IsSet(order.promised_delivery_date())) {
    v.Check(common::ValidateCalendarDate("purchase_order.promised_delivery_date",
                                         common::FromDateMessage(order.promised_delivery_date())));
  }
  if (IsSet(order.order_date())) {
    v.Check(common::ValidateCalendarDate("purchase_order.order_date",
                                         common::FromDateMessage(order.order_date())));
  }
  if (!v.ok()) return v.status();
  if (order.lines_size() == 0) {
    return absl::InvalidArgumentError("purchase_order.lines: at least one line is required");
  }
  if (order.lines_size() > kMaxDocumentLines) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "purchase_order.lines: at most %d lines (got %d)", kMaxDocumentLines, order.lines_size()));
  }
  for (int i = 0; i < order.lines_size(); ++i) {
    const v1::PurchaseOrderLine& line = order.lines(i);
    const std::string field = absl::StrCat("purchase_order.lines[", i, "]");
    Validator lv;
    lv.Check(common::ValidateRequiredText(field + ".item", line.item(), kMaxItemChars));
    lv.Check(common::ValidateLength(field + ".supplier_item_code", line.supplier_item_code(), 0,
                                    kMaxSupplierItemCodeChars));
    lv.Check(common::ValidateLength(field + ".description", line.description(), 0,
                                    kMaxLineDescriptionChars));
    lv.Check(common::ValidateRange(field + ".quantity", line.quantity(), 1, kMaxLineQuantity));
    if (line.has_unit_price()) {
      lv.Check(common::ValidateMoney(field + ".unit_price", line.unit_price().amount_minor(),
                                     line.unit_price().currency_code()));
      if (line.unit_price().amount_minor() < 0) {
        lv.Check(absl::InvalidArgumentError(field + ".unit_price: must not be negative"));
      }
    }
    if (!line.offering().empty()) {
      lv.Check(common::ParseResourceId(field + ".offering", line.offering(), "offerings").status());
    }
    if (!lv.ok()) return lv.status();
  }
  return absl::OkStatus();
}

void ClearPurchaseOrderOutputOnly(v1::PurchaseOrder& order) {
  order.clear_name();
  order.clear_po_number();
  order.clear_original_supplier();
  order.clear_original_supplier_display_name();
  order.clear_total_amount();
  order.clear_status();
  order.clear_actual_delivery_date();
  order.clear_on_time_delivery();
  order.clear_quality_result();
  order.clear_service_rating();
  order.clear_cancel_reason();
  order.clear_etag();
  order.clear_create_time();
  order.clear_update_time();
  if (!IsSet(order.promised_delivery_date())) order.clear_promised_delivery_date();
  if (!IsSet(order.order_date())) order.clear_order_date();
  for (v1::PurchaseOrderLine& line : *order.mutable_lines()) {
    line.clear_line_number();
    line.clear_amount();
    line.clear_original_unit_price();
  }
}

std::optional<v1::Offering> ChooseBestOffering(const std::vector<v1::Offering>& offerings,
                                               int64_t quantity, const CalendarDate& day,
                                               std::string_view currency) {
  const v1::Offering* best = nullptr;
  for (const v1::Offering& offering : offerings) {
    if (offering.has_delete_time()) continue;
    if (IsSet(offering.valid_from()) && day < common::FromDateMessage(offering.valid_from())) {
      continue;
    }
    if (IsSet(offering.valid_until()) && common::FromDateMessage(offering.valid_until()) < day) {
      continue;
    }
    if (offering.minimum_quantity() > quantity) continue;
    if (!currency.empty() && offering.unit_price().currency_code() != currency) continue;
    if (best == nullptr ||
        offering.unit_price().amount_minor() < best->unit_price().amount_minor()) {
      best = &offering;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

absl::Status ComputePurchaseOrderAmounts(v1::PurchaseOrder& order) {
  if (order.lines_size() == 0) {
    return absl::InvalidArgumentError("purchase_order.lines: at least one line is required");
  }
  const std::string currency = order.lines(0).unit_price().currency_code();
  int64_t total = 0;
  for (int i = 0; i < order.lines_size(); ++i) {
    v1::PurchaseOrderLine& line = *order.mutable_lines(i);
    const std::string field = absl::StrCat("purchase_order.lines[", i, "]");
    if (!line.has_unit_price()) {
      return absl::InvalidArgumentError(field + ".unit_price: required");
    }
    if (line.unit_price().currency_code() != currency) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.unit_price.currency_code: %s differs from %s of lines[0]; an order is in one "
          "currency",
          field, common::QuoteValue(line.unit_price().currency_code()), currency));
    }
    absl::StatusOr<int64_t> amount = common::MultiplyMoney(
        field + ".quantity", line.unit_price().amount_minor(), line.quantity());
    if (!amount.ok()) return amount.status();
    total += *amount;
    if (total > common::kMaxMoneyMinor) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.quantity: the order total is beyond the largest amount (%d minor "
                          "units)",
                          field, common::kMaxMoneyMinor));
    }
    line.set_line_number(i + 1);
    line.mutable_amount()->set_amount_minor(*amount);
    line.mutable_amount()->set_currency_code(currency);
  }
  order.mutable_total_amount()->set_amount_minor(total);
  order.mutable_total_amount()->set_currency_code(currency);
  return absl::OkStatus();
}

int64_t OrderedQuantity(const v1::PurchaseOrder& order) {
  int64_t quantity = 0;
  for (const v1::PurchaseOrderLine& line : order.lines()) quantity += line.quantity();
  return quantity;
}

bool IsOnTime(const CalendarDate& promised, const CalendarDate& actual) {
  return actual <= promised;
}

absl::Status ValidateQualityResult(const v1::QualityResult& quality, int64_t delivered) {
  Validator v;
  v.Check(common::ValidateRange("quality_result.accepted_quantity", quality.accepted_quantity(), 0,
                                kMaxLineQuantity * kMaxDocumentLines));
  v.Check(common::ValidateRange("quality_result.defective_quantity", quality.defective_quantity(),
                                0, kMaxLineQuantity * kMaxDocumentLines));
  v.Check(
      common::ValidateLength("quality_result.notes", quality.notes(), 0, kMaxQualityNotesChars));
  if (quality.has_inspect_time()) {
    v.Check(common::ValidateTimestamp("quality_result.inspect_time", quality.inspect_time()));
  }
  if (!v.ok()) return v.status();
  const int64_t inspected = quality.accepted_quantity() + quality.defective_quantity();
  if (inspected > delivered) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "quality_result: accepted %d + defective %d = %d exceeds the %d units delivered",
        quality.accepted_quantity(), quality.defective_quantity(), inspected, delivered));
  }
  if (inspected < delivered) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "quality_result: accepted %d + defective %d = %d is less than the %d units delivered; "
        "count every unit as accepted or defective",
        quality.accepted_quantity(), quality.defective_quantity(), inspected, delivered));
  }
  return absl::OkStatus();
}

absl::Status ApplyContractPrices(const v1::Contract& contract, std::string_view contract_name,
                                 const CalendarDate& order_date, v1::PurchaseOrder& order) {
  if (contract.supplier() != order.supplier()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is with %s, not with %s", contract_name, contract.supplier(), order.supplier()));
  }
  const v1::ContractState state = EffectiveContractState(contract, order_date);
  if (state != v1::CONTRACT_STATE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is %s; orders count only against an ACTIVE contract", contract_name,
                        common::ShortEnumName(state)));
  }
  const CalendarDate start = common::FromDateMessage(contract.start_date());
  const CalendarDate end = common::FromDateMessage(contract.end_date());
  if (order_date < start || end < order_date) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s runs from %s to %s; an order dated %s is outside its term",
                        contract_name, common::FormatIsoDate(start), common::FormatIsoDate(end),
                        common::FormatIsoDate(order_date)));
  }
  for (int i = 0; i < order.lines_size(); ++i) {
    v1::PurchaseOrderLine& line = *order.mutable_lines(i);
    const std::string field = absl::StrCat("purchase_order.lines[", i, "]");
    const int index = FindContractLine(contract, line.item());
    if (index < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.item: %s is not on %s", field, common::QuoteValue(line.item()), contract_name));
    }
    const crm::common::v1::Money& agreed = contract.lines(index).unit_price();
    if (!line.has_unit_price()) {
      *line.mutable_unit_price() = agreed;
    } else if (line.unit_price().amount_minor() != agreed.amount_minor() ||
               line.unit_price().currency_code() != agreed.currency_code()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.unit_price: %s agrees %s for %s (got %s); leave unit_price unset or use the agreed "
          "price",
          field, contract_name, FormatMoney(agreed.amount_minor(), agreed.currency_code()),
          common::QuoteValue(line.item()),
          FormatMoney(line.unit_price().amount_minor(), line.unit_price().currency_code())));
    }
  }
  return absl::OkStatus();
}

absl::Status DrawDownContract(v1::Contract& contract, std::string_view contract_name,
                              const v1::PurchaseOrder& order, int sign) {
  std::map<std::string, int64_t> requested;
  for (const v1::PurchaseOrderLine& line : order.lines()) requested[line.item()] += line.quantity();
  v1::Contract changed = contract;
  for (const auto& [item, quantity] : requested) {
    const int index = FindContractLine(changed, item);
    if (index < 0) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s has no line for item %s", contract_name, common::QuoteValue(item)));
    }
    v1::ContractLine& line = *changed.mutable_lines(index);
    const int64_t remaining = line.committed_quantity() - line.ordered_quantity();
    if (sign > 0) {
      if (quantity > remaining) {
        return absl::FailedPreconditionError(
            absl::StrFormat("%s line %d (item %s): remaining %d, requested %d", contract_name,
                            index + 1, common::QuoteValue(item), remaining, quantity));
      }
      line.set_ordered_quantity(line.ordered_quantity() + quantity);
    } else {
      if (quantity > line.ordered_quantity()) {
        return absl::InternalError(absl::StrFormat(
            "%s line %d (item %s): giving back %d of %d ordered units", contract_name, index + 1,
            common::QuoteValue(item), quantity, line.ordered_quantity()));
      }
      line.set_ordered_quantity(line.ordered_quantity() - quantity);
    }
  }
  if (absl::Status totals = ComputeContractTotals(changed); !totals.ok()) return totals;
  contract = std::move(changed);
  return absl::OkStatus();
}

const absl::flat_hash_set<std::string>& PurchaseOrderUpdatablePaths() {
  static const auto* const paths =
      new absl::flat_hash_set<std::string>{"lines", "contract", "promised_delivery_date"};
  return *paths;
}

absl::Status ValidatePurchaseOrderUpdateMask(const google::protobuf::FieldMask& mask) {
  constexpr std::pair<std::string_view, std::string_view> kChangedElsewhere[] = {
      {"status", "use ConfirmPurchaseOrder, RecordPurchaseOrderDelivery or CancelPurchaseOrder"},
      {"actual_delivery_date", "use RecordPurchaseOrderDelivery"},
      {"quality_result", "use RecordPurchaseOrderDelivery"},
      {"service_rating", "use RecordPurchaseOrderDelivery"},
      {"cancel_reason", "use CancelPurchaseOrder"},
      {"supplier", "an order stays with its supplier; cancel it and place a new one"},
  };
  for (const std::string& path : mask.paths()) {
    const std::string_view top = std::string_view(path).substr(0, path.find('.'));
    for (const auto& [field, hint] : kChangedElsewhere) {
      if (top == field) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "update_mask: field %s cannot be updated; %s", common::QuoteValue(path), hint));
      }
    }
  }
  return common::ValidateUpdateMask(mask, *v1::PurchaseOrder::descriptor(),
                                    PurchaseOrderUpdatablePaths());
}

absl::StatusOr<std::vector<PurchaseOrderCondition>> ParsePurchaseOrderFilter(
    std::string_view filter) {
  return common::ResolveFilter<PurchaseOrderColumn>(filter, PurchaseOrderFields());
}

absl::Status ParsePurchaseOrderOrder(std::string_view order_by, PurchaseOrderOrder& order,
                                     bool& descending) {
  if (order_by.empty()) {
    order = PurchaseOrderOrder::kCreateTime;
    descending = true;
    return absl::OkStatus();
  }
  absl::StatusOr<common::OrderBy> parsed = common::ParseOrderBy(
      order_by,
      {"create_time", "order_date", "promised_delivery_date", "total_amount.amount_minor"});
  if (!parsed.ok()) return parsed.status();
  constexpr PurchaseOrderOrder kOrders[] = {
      PurchaseOrderOrder::kCreateTime, PurchaseOrderOrder::kOrderDate,
      PurchaseOrderOrder::kPromisedDeliveryDate, PurchaseOrderOrder::kTotalAmount};
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

}  // namespace crm::supplier
