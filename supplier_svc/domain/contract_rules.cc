#include "supplier_svc/domain/contract_rules.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/currency.h"
#include "common/api/field_mask.h"
#include "common/api/money.h"
#include "common/api/order_by.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/api/validator.h"

namespace crm::supplier {
namespace {

using common::Validator;
using Kind = common::FilterValueKind;

bool IsSet(const crm::common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::Status ValidateRequiredDate(const std::string& field, const crm::common::v1::Date& date) {
  if (!IsSet(date)) return absl::InvalidArgumentError(field + ": required");
  return common::ValidateCalendarDate(field, common::FromDateMessage(date));
}

const std::vector<common::FilterField<ContractColumn>>& ContractFields() {
  static const auto* const fields = new std::vector<common::FilterField<ContractColumn>>{
      {"supplier", ContractColumn::kSupplier, Kind::kResource, nullptr, "suppliers"},
      {"state", ContractColumn::kState, Kind::kEnum, v1::ContractState_descriptor()},
      {"start_date", ContractColumn::kStartDate, Kind::kDate},
      {"end_date", ContractColumn::kEndDate, Kind::kDate},
      {"lines.item", ContractColumn::kItem, Kind::kExact},
  };
  return *fields;
}

bool IsLiveSupplier(const v1::Supplier& supplier) { return !supplier.has_delete_time(); }

}  // namespace

const common::StateMachine<v1::ContractState>& ContractStateMachine() {
  static const auto* const machine = new common::StateMachine<v1::ContractState>(
      "state", {
                   {v1::CONTRACT_STATE_DRAFT, v1::CONTRACT_STATE_ACTIVE},
                   {v1::CONTRACT_STATE_ACTIVE, v1::CONTRACT_STATE_EXPIRED},
                   {v1::CONTRACT_STATE_ACTIVE, v1::CONTRACT_STATE_TERMINATED},
               });
  return *machine;
}

v1::ContractState EffectiveContractState(const v1::Contract& contract,
                                         const common::CalendarDate& today) {
  if (contract.state() == v1::CONTRACT_STATE_ACTIVE && IsSet(contract.end_date()) &&
      common::FromDateMessage(contract.end_date()) < today) {
    return v1::CONTRACT_STATE_EXPIRED;
  }
  return contract.state();
}

std::string FormatMoney(int64_t amount_minor, std::string_view currency_code) {
  const int digits = common::CurrencyMinorUnits(currency_code).value_or(0);
  const std::string code(currency_code);
  if (digits == 0) return absl::StrFormat("%d %s", amount_minor, code);
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const uint64_t magnitude = amount_minor < 0 ? 0 - static_cast<uint64_t>(amount_minor)
                                              : static_cast<uint64_t>(amount_minor);
  return absl::StrFormat("%s%d.%0*d %s", amount_minor < 0 ? "-" : "", magnitude / scale, digits,
                         magnitude % scale, code);
}

absl::Status CheckSupplierTakesContracts(const v1::Supplier& supplier) {
  if (!IsLiveSupplier(supplier)) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; it takes no contracts", supplier.name()));
  }
  switch (supplier.status()) {
    case v1::SUPPLIER_STATUS_PROSPECTIVE:
    case v1::SUPPLIER_STATUS_ACTIVE:
    case v1::SUPPLIER_STATUS_PREFERRED:
      return absl::OkStatus();
    default:
      break;
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s has status %s; contracts are made only with PROSPECTIVE, ACTIVE or PREFERRED suppliers",
      supplier.name(), common::ShortEnumName(supplier.status())));
}

absl::Status CheckSupplierTakesOrders(const v1::Supplier& supplier) {
  if (!IsLiveSupplier(supplier)) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; it takes no orders", supplier.name()));
  }
  if (supplier.status() == v1::SUPPLIER_STATUS_ACTIVE ||
      supplier.status() == v1::SUPPLIER_STATUS_PREFERRED) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s has status %s; orders are allowed only with ACTIVE or PREFERRED suppliers",
      supplier.name(), common::ShortEnumName(supplier.status())));
}

absl::Status ValidateContract(const v1::Contract& contract) {
  Validator v;
  v.Check(common::ParseResourceId("contract.supplier", contract.supplier(), "suppliers").status());
  v.Check(common::ValidateRequiredText("contract.title", contract.title(), kMaxContractTitleChars));
  v.Check(ValidateRequiredDate("contract.start_date", contract.start_date()));
  v.Check(ValidateRequiredDate("contract.end_date", contract.end_date()));
  if (!v.ok()) return v.status();
  if (common::FromDateMessage(contract.end_date()) <
      common::FromDateMessage(contract.start_date())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("contract.end_date: %s is before start_date %s",
                        common::FormatIsoDate(common::FromDateMessage(contract.end_date())),
                        common::FormatIsoDate(common::FromDateMessage(contract.start_date()))));
  }
  if (contract.lines_size() == 0) {
    return absl::InvalidArgumentError("contract.lines: at least one line is required");
  }
  if (contract.lines_size() > kMaxDocumentLines) {
    return absl::InvalidArgumentError(absl::StrFormat("contract.lines: at most %d lines (got %d)",
                                                      kMaxDocumentLines, contract.lines_size()));
  }
  std::set<std::string> items;
  const std::string& currency = contract.lines(0).unit_price().currency_code();
  for (int i = 0; i < contract.lines_size(); ++i) {
    const v1::ContractLine& line = contract.lines(i);
    const std::string field = absl::StrCat("contract.lines[", i, "]");
    Validator lv;
    lv.Check(common::ValidateRequiredText(field + ".item", line.item(), kMaxItemChars));
    lv.Check(common::ValidateMoney(field + ".unit_price", line.unit_price().amount_minor(),
                                   line.unit_price().currency_code()));
    if (!lv.ok()) return lv.status();
    if (line.unit_price().amount_minor() <= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.unit_price: must be positive (got %s)", field,
                          FormatMoney(line.unit_price().amount_minor(), currency)));
    }
    if (line.unit_price().currency_code() != currency) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.unit_price.currency_code: %s differs from %s of lines[0]; all lines share one "
          "currency",
          field, common::QuoteValue(line.unit_price().currency_code()), currency));
    }
    if (line.committed_quantity() < 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.committed_quantity: must be at least 1 (got %d)", field, line.committed_quantity()));
    }
    if (!items.insert(line.item()).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.item: %s appears twice; keep one line per item", field,
                          common::QuoteValue(line.item())));
    }
  }
  v1::Contract totals = contract;
  return ComputeContractTotals(totals);
}

absl::Status ComputeContractTotals(v1::Contract& contract) {
  const std::string currency =
      contract.lines_size() > 0 ? contract.lines(0).unit_price().currency_code() : "";
  int64_t committed = 0;
  int64_t ordered = 0;
  for (int i = 0; i < contract.lines_size(); ++i) {
    v1::ContractLine& line = *contract.mutable_lines(i);
    const std::string field = absl::StrCat("contract.lines[", i, "].committed_quantity");
    absl::StatusOr<int64_t> line_committed =
        common::MultiplyMoney(field, line.unit_price().amount_minor(), line.committed_quantity());
    if (!line_committed.ok()) return line_committed.status();
    absl::StatusOr<int64_t> line_ordered =
        common::MultiplyMoney(field, line.unit_price().amount_minor(), line.ordered_quantity());
    if (!line_ordered.ok()) return line_ordered.status();
    committed += *line_committed;
    ordered += *line_ordered;
    if (committed > common::kMaxMoneyMinor) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: the committed amount is beyond the largest amount (%d minor units)",
                          field, common::kMaxMoneyMinor));
    }
    line.set_remaining_quantity(
        std::max<int64_t>(0, line.committed_quantity() - line.ordered_quantity()));
  }
  auto set = [&](crm::common::v1::Money* money, int64_t amount) {
    money->set_amount_minor(amount);
    money->set_currency_code(currency);
  };
  set(contract.mutable_committed_amount(), committed);
  set(contract.mutable_ordered_amount(), ordered);
  set(contract.mutable_remaining_amount(), std::max<int64_t>(0, committed - ordered));
  return absl::OkStatus();
}

void ClearContractOutputOnly(v1::Contract& contract) {
  contract.clear_name();
  contract.clear_contract_number();
  contract.clear_original_supplier();
  contract.clear_original_supplier_display_name();
  contract.clear_state();
  contract.clear_committed_amount();
  contract.clear_ordered_amount();
  contract.clear_remaining_amount();
  contract.clear_termination_reason();
  contract.clear_etag();
  contract.clear_create_time();
  contract.clear_update_time();
  for (v1::ContractLine& line : *contract.mutable_lines()) {
    line.clear_ordered_quantity();
    line.clear_remaining_quantity();
  }
}

const absl::flat_hash_set<std::string>& ContractUpdatablePaths() {
  static const auto* const paths =
      new absl::flat_hash_set<std::string>{"title", "start_date", "end_date", "lines"};
  return *paths;
}

absl::Status ValidateContractUpdateMask(const google::protobuf::FieldMask& mask) {
  constexpr std::pair<std::string_view, std::string_view> kChangedElsewhere[] = {
      {"state", "use ActivateContract or TerminateContract"},
      {"termination_reason", "use TerminateContract"},
      {"supplier", "a contract stays with its supplier; create a new contract instead"},
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
  return common::ValidateUpdateMask(mask, *v1::Contract::descriptor(), ContractUpdatablePaths());
}

absl::Status CheckContractUpdateAllowed(std::string_view name, v1::ContractState state,
                                        const google::protobuf::FieldMask& mask) {
  if (state == v1::CONTRACT_STATE_DRAFT) return absl::OkStatus();
  if (state == v1::CONTRACT_STATE_ACTIVE) {
    for (const std::string& path : common::ExpandMask(mask, ContractUpdatablePaths())) {
      if (path != "title") {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s is ACTIVE: only its title can change, not %s", name, common::QuoteValue(path)));
      }
    }
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrFormat("%s is %s and can no longer change", name, common::ShortEnumName(state)));
}

absl::StatusOr<std::vector<ContractCondition>> ParseContractFilter(std::string_view filter) {
  return common::ResolveFilter<ContractColumn>(filter, ContractFields());
}

absl::Status ParseContractOrder(std::string_view order_by, ContractOrder& order, bool& descending) {
  absl::StatusOr<common::OrderBy> parsed =
      common::ParseOrderBy(order_by, {"end_date", "start_date", "create_time"});
  if (!parsed.ok()) return parsed.status();
  constexpr ContractOrder kOrders[] = {ContractOrder::kEndDate, ContractOrder::kStartDate,
                                       ContractOrder::kCreateTime};
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

}  // namespace crm::supplier
