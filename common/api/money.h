#ifndef CRM_COMMON_API_MONEY_H_
#define CRM_COMMON_API_MONEY_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm::common {

// Money is an integer amount of minor units (cents) plus an ISO 4217 code.
// Amounts stay within ±kMaxMoneyMinor: below 2^53, so every amount is exact
// as a JSON/JavaScript number, and a sum of up to 1024 amounts fits int64.
inline constexpr int64_t kMaxMoneyMinor = 9'000'000'000'000'000;

// OK when `currency_code` is a known ISO 4217 code and |amount_minor| <=
// kMaxMoneyMinor; else INVALID_ARGUMENT naming `field`.
absl::Status ValidateMoney(std::string_view field, int64_t amount_minor,
                           std::string_view currency_code);

// amount_minor * quantity, e.g. a line total. A result beyond ±kMaxMoneyMinor
// is INVALID_ARGUMENT naming `field` (the input that made it too large).
absl::StatusOr<int64_t> MultiplyMoney(std::string_view field, int64_t amount_minor,
                                      int64_t quantity);

}  // namespace crm::common

#endif  // CRM_COMMON_API_MONEY_H_
