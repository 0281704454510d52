#include "common/api/money.h"

#include "absl/strings/str_format.h"
#include "common/api/currency.h"
#include "common/api/quote.h"

namespace crm::common {
namespace {

bool InRange(int64_t amount_minor) {
  return amount_minor >= -kMaxMoneyMinor && amount_minor <= kMaxMoneyMinor;
}

}  // namespace

absl::Status ValidateMoney(std::string_view field, int64_t amount_minor,
                           std::string_view currency_code) {
  if (!CurrencyMinorUnits(currency_code).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: currency must be an ISO-4217 currency code such as USD (got %s)",
                        field, QuoteValue(currency_code)));
  }
  if (!InRange(amount_minor)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: amount must be between -%d and %d minor units (got %d)", field,
                        kMaxMoneyMinor, kMaxMoneyMinor, amount_minor));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MultiplyMoney(std::string_view field, int64_t amount_minor,
                                      int64_t quantity) {
  int64_t product = 0;
  if (__builtin_mul_overflow(amount_minor, quantity, &product) || !InRange(product)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d minor units times %d is beyond the largest amount (%d minor units)",
                        field, amount_minor, quantity, kMaxMoneyMinor));
  }
  return product;
}

}  // namespace crm::common
