#include "supplier_svc/domain/offering_rules.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/currency.h"
#include "common/api/field_mask.h"
#include "common/api/money.h"
#include "common/api/order_by.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/state_machine.h"
#include "common/api/validation.h"
#include "common/api/validator.h"

namespace crm::supplier {
namespace {

using common::CalendarDate;
using common::Validator;
using Kind = common::FilterValueKind;

// The earliest day a window can start on (an unset valid_from).
constexpr CalendarDate kOpenStart{1, 1, 1};

bool IsSet(const crm::common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::Status ValidateOptionalDate(std::string_view field, const crm::common::v1::Date& date) {
  if (!IsSet(date)) return absl::OkStatus();
  return common::ValidateCalendarDate(field, common::FromDateMessage(date));
}

const std::vector<common::FilterField<OfferingColumn>>& OfferingFields() {
  static const auto* const fields = new std::vector<common::FilterField<OfferingColumn>>{
      {"supplier", OfferingColumn::kSupplier, Kind::kResource, nullptr, "suppliers"},
      {"item", OfferingColumn::kItem, Kind::kExact},
      {"supplier_item_code", OfferingColumn::kSupplierItemCode, Kind::kText},
      {"contract", OfferingColumn::kContract, Kind::kResource, nullptr, "contracts"},
      {"valid_from", OfferingColumn::kValidFrom, Kind::kDate},
      {"valid_until", OfferingColumn::kValidUntil, Kind::kDate},
      {"unit_price.currency_code", OfferingColumn::kCurrency, Kind::kUpper},
  };
  return *fields;
}

}  // namespace

ValidityWindow WindowOf(const v1::Offering& offering) {
  ValidityWindow window{kOpenStart, std::nullopt};
  if (IsSet(offering.valid_from())) window.from = common::FromDateMessage(offering.valid_from());
  if (IsSet(offering.valid_until())) window.until = common::FromDateMessage(offering.valid_until());
  return window;
}

bool WindowsOverlap(const ValidityWindow& a, const ValidityWindow& b) {
  const bool a_ends_before_b = a.until.has_value() && *a.until < b.from;
  const bool b_ends_before_a = b.until.has_value() && *b.until < a.from;
  return !a_ends_before_b && !b_ends_before_a;
}

bool WindowContains(const ValidityWindow& window, const CalendarDate& date) {
  return window.from <= date && (!window.until.has_value() || date <= *window.until);
}

std::string FormatWindow(const ValidityWindow& window) {
  return absl::StrCat(
      window.from == kOpenStart ? "open" : common::FormatIsoDate(window.from), "..",
      window.until.has_value() ? common::FormatIsoDate(*window.until) : "open-ended");
}

const StoredOffering* FindOverlappingOffering(const v1::Offering& offering,
                                              const std::vector<StoredOffering>& others) {
  const ValidityWindow window = WindowOf(offering);
  for (const StoredOffering& other : others) {
    if (WindowsOverlap(window, WindowOf(other.offering))) return &other;
  }
  return nullptr;
}

absl::Status OverlapError(const v1::Offering& offering, const StoredOffering& other) {
  return absl::FailedPreconditionError(absl::StrFormat(
      "offering.valid_from: validity %s overlaps %s (valid %s), %s with the same supplier, "
      "item, currency and minimum quantity; end or delete %s first, or choose dates that do not "
      "overlap",
      FormatWindow(WindowOf(offering)), other.offering.name(),
      FormatWindow(WindowOf(other.offering)),
      offering.contract().empty() ? std::string("a list price")
                                  : absl::StrCat("a price of ", offering.contract()),
      other.offering.name()));
}

absl::Status NormalizeOffering(v1::Offering& offering) {
  Validator v;
  v.Check(common::ParseResourceId("offering.supplier", offering.supplier(), "suppliers").status());
  v.Check(common::ValidateRequiredText("offering.item", offering.item(), kMaxItemChars));
  v.Check(common::ValidateLength("offering.supplier_item_code", offering.supplier_item_code(), 0,
                                 kMaxSupplierItemCodeChars));
  v.Check(common::ValidateLength("offering.description", offering.description(), 0,
                                 kMaxOfferingDescriptionChars));
  if (!offering.has_unit_price()) {
    v.Check(absl::InvalidArgumentError("offering.unit_price: required"));
  } else {
    v.Check(common::ValidateCurrencyCode("offering.unit_price.currency_code",
                                         offering.unit_price().currency_code()));
    v.Check(common::ValidateMoney("offering.unit_price", offering.unit_price().amount_minor(),
                                  offering.unit_price().currency_code()));
    if (offering.unit_price().amount_minor() < 0) {
      v.Check(absl::InvalidArgumentError("offering.unit_price.amount_minor: must not be negative"));
    }
  }
  v.Check(common::ValidateRange("offering.minimum_quantity", offering.minimum_quantity(), 0,
                                kMaxMinimumQuantity));
  v.Check(common::ValidateRange("offering.lead_time_days", offering.lead_time_days(), 0,
                                kMaxLeadTimeDays));
  v.Check(ValidateOptionalDate("offering.valid_from", offering.valid_from()));
  v.Check(ValidateOptionalDate("offering.valid_until", offering.valid_until()));
  if (!offering.contract().empty()) {
    v.Check(
        common::ParseResourceId("offering.contract", offering.contract(), "contracts").status());
  }
  if (!v.ok()) return v.status();
  if (IsSet(offering.valid_from()) && IsSet(offering.valid_until()) &&
      common::FromDateMessage(offering.valid_until()) <
          common::FromDateMessage(offering.valid_from())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("offering.valid_until: %s is before valid_from %s",
                        common::FormatIsoDate(common::FromDateMessage(offering.valid_until())),
                        common::FormatIsoDate(common::FromDateMessage(offering.valid_from()))));
  }
  if (offering.minimum_quantity() == 0) offering.set_minimum_quantity(1);
  if (!IsSet(offering.valid_from())) offering.clear_valid_from();
  if (!IsSet(offering.valid_until())) offering.clear_valid_until();
  return absl::OkStatus();
}

void ClearOfferingOutputOnlyFields(v1::Offering& offering) {
  offering.clear_name();
  offering.clear_original_supplier();
  offering.clear_etag();
  offering.clear_create_time();
  offering.clear_update_time();
  offering.clear_delete_time();
}

absl::Status CheckSupplierTakesOfferings(const v1::Supplier& supplier) {
  if (supplier.has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "offering.supplier: %s is deleted; undelete it before changing its offerings",
        supplier.name()));
  }
  if (supplier.status() == v1::SUPPLIER_STATUS_CONSOLIDATED ||
      supplier.status() == v1::SUPPLIER_STATUS_TERMINATED) {
    std::string detail;
    if (!supplier.consolidated_into().empty()) {
      detail =
          absl::StrCat(" into ", supplier.consolidated_into(), "; offer through that supplier");
    }
    return absl::FailedPreconditionError(
        absl::StrFormat("offering.supplier: %s is %s%s; a %s supplier cannot have live offerings",
                        supplier.name(), common::ShortEnumName(supplier.status()), detail,
                        common::ShortEnumName(supplier.status())));
  }
  return absl::OkStatus();
}

const absl::flat_hash_set<std::string>& OfferingUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "supplier_item_code", "description", "unit_price",  "minimum_quantity",
      "lead_time_days",     "valid_from",  "valid_until", "contract",
  };
  return *paths;
}

absl::Status ValidateOfferingUpdateMask(const google::protobuf::FieldMask& mask) {
  constexpr std::pair<std::string_view, std::string_view> kFixed[] = {
      {"supplier", "it is fixed once created (ExecuteConsolidation moves offerings)"},
      {"item", "it is fixed once created; create an offering for the other item"},
      {"delete_time", "use DeleteOffering or UndeleteOffering"},
  };
  for (const std::string& path : mask.paths()) {
    const std::string_view top = std::string_view(path).substr(0, path.find('.'));
    for (const auto& [field, why] : kFixed) {
      if (top == field) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "update_mask: field %s cannot be updated; %s", common::QuoteValue(path), why));
      }
    }
  }
  return common::ValidateUpdateMask(mask, *v1::Offering::descriptor(), OfferingUpdatablePaths());
}

absl::StatusOr<std::vector<OfferingCondition>> ParseOfferingFilter(std::string_view filter) {
  return common::ResolveFilter<OfferingColumn>(filter, OfferingFields());
}

absl::Status ParseOfferingOrder(std::string_view order_by, OfferingOrder& order, bool& descending) {
  absl::StatusOr<common::OrderBy> parsed =
      common::ParseOrderBy(order_by, {"item", "unit_price.amount_minor", "valid_from"});
  if (!parsed.ok()) return parsed.status();
  constexpr OfferingOrder kOrders[] = {OfferingOrder::kItem, OfferingOrder::kUnitPrice,
                                       OfferingOrder::kValidFrom};
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

absl::StatusOr<PriceCandidateQuery> MakePriceCandidateQuery(const v1::BestPriceRequest& request,
                                                            const CalendarDate& today) {
  Validator v;
  v.Check(common::ValidateRequiredText("item", request.item(), kMaxItemChars));
  v.Check(common::ValidateRange("quantity", request.quantity(), 1, kMaxMinimumQuantity));
  v.Check(ValidateOptionalDate("price_date", request.price_date()));
  if (!request.currency_code().empty()) {
    v.Check(common::ValidateCurrencyCode("currency_code", request.currency_code()));
  }
  v.Check(common::ValidateRange("max_lead_time_days", request.max_lead_time_days(), 0,
                                kMaxLeadTimeDays));
  if (!v.ok()) return v.status();
  PriceCandidateQuery query;
  query.item = request.item();
  query.quantity = request.quantity();
  query.date = IsSet(request.price_date()) ? common::FromDateMessage(request.price_date()) : today;
  query.currency_code = request.currency_code();
  query.max_lead_time_days = request.max_lead_time_days();
  return query;
}

absl::StatusOr<std::vector<v1::PriceCandidate>> RankPriceCandidates(
    std::vector<PriceCandidateRow> rows, int64_t quantity) {
  struct Ranked {
    PriceCandidateRow row;
    int64_t total = 0;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(rows.size());
  for (PriceCandidateRow& row : rows) {
    absl::StatusOr<int64_t> total =
        common::MultiplyMoney("quantity", row.unit_price_minor, quantity);
    if (!total.ok()) return total.status();
    ranked.push_back({std::move(row), *total});
  }
  auto key = [](const Ranked& r) {
    const int preference = r.row.supplier_status == v1::SUPPLIER_STATUS_PREFERRED ? 0 : 1;
    return std::make_tuple(std::string_view(r.row.currency_code), r.total, r.row.lead_time_days,
                           preference, r.row.offering_id);
  };
  std::sort(ranked.begin(), ranked.end(),
            [&](const Ranked& a, const Ranked& b) { return key(a) < key(b); });
  std::vector<v1::PriceCandidate> candidates;
  candidates.reserve(ranked.size());
  for (const Ranked& r : ranked) {
    v1::PriceCandidate& c = candidates.emplace_back();
    c.set_offering(common::FormatResourceName("offerings", r.row.offering_id));
    c.set_supplier(common::FormatResourceName("suppliers", r.row.supplier_id));
    c.set_supplier_display_name(r.row.supplier_display_name);
    c.mutable_unit_price()->set_amount_minor(r.row.unit_price_minor);
    c.mutable_unit_price()->set_currency_code(r.row.currency_code);
    c.mutable_total_price()->set_amount_minor(r.total);
    c.mutable_total_price()->set_currency_code(r.row.currency_code);
    c.set_lead_time_days(r.row.lead_time_days);
    c.set_from_contract(r.row.from_contract);
  }
  return candidates;
}

}  // namespace crm::supplier
