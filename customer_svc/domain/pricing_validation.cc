#include "customer_svc/domain/pricing_validation.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {
namespace {

std::string Path(std::string_view field, std::string_view child) {
  return absl::StrCat(std::string(field), ".", std::string(child));
}

absl::Status ValidatePrice(std::string_view field, bool has_price,
                           const crm::common::v1::Money& price) {
  if (!has_price)
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be set"));
  if (absl::Status valid =
          common::ValidateMoney(field, price.amount_minor(), price.currency_code());
      !valid.ok()) {
    return valid;
  }
  if (price.amount_minor() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.amount_minor: must not be negative (got %d)", field, price.amount_minor()));
  }
  return absl::OkStatus();
}

// valid_from (required) and valid_until (required when `until_required`), a
// period that does not end before it starts.
template <typename Message>
absl::Status ValidatePeriod(std::string_view field, const Message& message, bool until_required) {
  const std::string from_field = Path(field, "valid_from");
  const std::string until_field = Path(field, "valid_until");
  if (!message.has_valid_from()) return absl::InvalidArgumentError(from_field + ": must be set");
  const common::CalendarDate from = common::FromDateMessage(message.valid_from());
  if (absl::Status valid = common::ValidateCalendarDate(from_field, from); !valid.ok()) {
    return valid;
  }
  if (!message.has_valid_until()) {
    if (until_required) {
      return absl::InvalidArgumentError(until_field +
                                        ": must be set (special prices always expire)");
    }
    return absl::OkStatus();
  }
  const common::CalendarDate until = common::FromDateMessage(message.valid_until());
  if (absl::Status valid = common::ValidateCalendarDate(until_field, until); !valid.ok()) {
    return valid;
  }
  if (until < from) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s is before valid_from %s", until_field,
                                                      common::FormatIsoDate(until),
                                                      common::FormatIsoDate(from)));
  }
  return absl::OkStatus();
}

absl::Status ValidateMinQuantity(std::string_view field, int64_t min_quantity) {
  if (min_quantity < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must not be negative (0 or 1 mean any quantity; got %d)", field, min_quantity));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSku(std::string_view field, std::string_view sku) {
  if (absl::Status valid = common::ValidateRequiredText(field, sku, kMaxSkuChars); !valid.ok()) {
    return valid;
  }
  if (absl::ascii_isspace(static_cast<unsigned char>(sku.front())) ||
      absl::ascii_isspace(static_cast<unsigned char>(sku.back()))) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": must not start or end with whitespace"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePriceListEntry(std::string_view field, const v1::PriceListEntry& entry) {
  common::Validator v;
  v.Check(ValidateSku(Path(field, "sku"), entry.sku()));
  v.Check(common::ValidateLength(Path(field, "description"), entry.description(), 0,
                                 kMaxPriceDescriptionChars));
  v.Check(ValidatePrice(Path(field, "list_price"), entry.has_list_price(), entry.list_price()));
  v.Check(ValidatePeriod(field, entry, /*until_required=*/false));
  return v.status();
}

absl::Status ValidateTierDiscount(std::string_view field, const v1::TierDiscount& discount) {
  common::Validator v;
  v.Check(common::ValidateEnum(Path(field, "tier"), discount.tier(), *v1::Tier_descriptor()));
  if (!discount.sku().empty()) v.Check(ValidateSku(Path(field, "sku"), discount.sku()));
  v.Check(common::ValidateRange(Path(field, "discount_basis_points"),
                                discount.discount_basis_points(), 1, 10000));
  v.Check(ValidateMinQuantity(Path(field, "min_quantity"), discount.min_quantity()));
  v.Check(ValidatePeriod(field, discount, /*until_required=*/false));
  return v.status();
}

absl::Status ValidateSpecialPrice(std::string_view field, const v1::SpecialPrice& price) {
  common::Validator v;
  v.Check(ValidateSku(Path(field, "sku"), price.sku()));
  v.Check(ValidatePrice(Path(field, "unit_price"), price.has_unit_price(), price.unit_price()));
  v.Check(ValidateMinQuantity(Path(field, "min_quantity"), price.min_quantity()));
  v.Check(ValidatePeriod(field, price, /*until_required=*/true));
  v.Check(common::ValidateLength(Path(field, "reason"), price.reason(), 0,
                                 kMaxSpecialPriceReasonChars));
  if (!price.approved_by().empty()) {
    v.Check(common::ParseResourceId(Path(field, "approved_by"), price.approved_by(), "employees")
                .status());
  }
  return v.status();
}

}  // namespace crm::customer
