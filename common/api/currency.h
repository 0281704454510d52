#ifndef CRM_COMMON_API_CURRENCY_H_
#define CRM_COMMON_API_CURRENCY_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace crm::common {

// OK for an active ISO 4217 currency code in uppercase ("USD", "EUR", "JPY");
// else INVALID_ARGUMENT "<field>: must be an ISO-4217 currency code such as USD".
absl::Status ValidateCurrencyCode(std::string_view field, std::string_view code);

// Digits after the decimal point of the currency's minor unit: JPY 0, USD 2,
// KWD 3, CLF 4. nullopt for a code ValidateCurrencyCode rejects.
std::optional<int> CurrencyMinorUnits(std::string_view code);

}  // namespace crm::common

#endif  // CRM_COMMON_API_CURRENCY_H_
