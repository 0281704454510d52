#ifndef CRM_COMMON_API_RESOURCE_REFERENCE_H_
#define CRM_COMMON_API_RESOURCE_REFERENCE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace crm::common {

// At most this many characters in a reference to another resource.
inline constexpr size_t kMaxResourceReferenceChars = 255;

// An optional employee reference: empty, or "employees/{id}"; else
// INVALID_ARGUMENT naming `field`.
absl::Status ValidateOptionalEmployee(std::string_view field, std::string_view value);

// A reference to a resource of any service: "<collection>/<id>" segments,
// e.g. "suppliers/42" or "customers/1/serviceCases/4", where a collection is
// a lowerCamelCase word and an id a positive decimal without leading zeros;
// at most kMaxResourceReferenceChars. Else INVALID_ARGUMENT naming `field`.
absl::Status ValidateResourceReference(std::string_view field, std::string_view value);

}  // namespace crm::common

#endif  // CRM_COMMON_API_RESOURCE_REFERENCE_H_
