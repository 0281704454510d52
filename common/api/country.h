#ifndef CRM_COMMON_API_COUNTRY_H_
#define CRM_COMMON_API_COUNTRY_H_

#include <string_view>

#include "absl/status/status.h"

namespace crm::common {

// OK for an assigned ISO 3166-1 alpha-2 country code in uppercase ("US",
// "DE"); else INVALID_ARGUMENT naming `field`.
absl::Status ValidateCountryCode(std::string_view field, std::string_view code);

}  // namespace crm::common

#endif  // CRM_COMMON_API_COUNTRY_H_
