#ifndef CRM_COMMON_API_RESOURCE_NAME_H_
#define CRM_COMMON_API_RESOURCE_NAME_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace crm::common {

// AIP-122 resource names whose ids are positive int64 values written in
// canonical decimal: "customers/42", "customers/1/interactions/7".

// Parses "<collection>/<id>". Any other shape (wrong or missing collection,
// missing id, zero, sign, leading zeros, whitespace, non-ASCII digits, a value
// above INT64_MAX, extra segments) is INVALID_ARGUMENT:
//   customer.name: "orders/7" is not a valid customers name (expected customers/{id})
absl::StatusOr<int64_t> ParseResourceId(std::string_view field, std::string_view name,
                                        std::string_view collection);

// Parses "<collections[0]>/<id>/<collections[1]>/<id>/..." into the ids in
// order, e.g. "customers/1/interactions/7" with {"customers", "interactions"}
// gives {1, 7}. Errors as for ParseResourceId, naming the full pattern.
absl::StatusOr<std::vector<int64_t>> ParseNestedResourceName(
    std::string_view field, std::string_view name, absl::Span<const std::string_view> collections);

// "customers/42".
std::string FormatResourceName(std::string_view collection, int64_t id);

struct ResourceSegment {
  std::string_view collection;
  int64_t id;
};

// FormatNestedResourceName({{"customers", 1}, {"interactions", 7}}) gives
// "customers/1/interactions/7".
std::string FormatNestedResourceName(absl::Span<const ResourceSegment> segments);

}  // namespace crm::common

#endif  // CRM_COMMON_API_RESOURCE_NAME_H_
