#ifndef CRM_COMMON_API_ORDER_BY_H_
#define CRM_COMMON_API_ORDER_BY_H_

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm::common {

// A parsed AIP-132 order_by of one field: which of the allowed fields, and
// whether " desc" followed it.
struct OrderBy {
  size_t field = 0;  // index into the allowed fields
  bool descending = false;
};

// Parses "<field>", "<field> asc" or "<field> desc" where <field> is one of
// `allowed` (the first is the default for ""). Anything else is
// INVALID_ARGUMENT "order_by: ... (use a, b or c, optionally followed by " desc")".
absl::StatusOr<OrderBy> ParseOrderBy(std::string_view order_by,
                                     const std::vector<std::string_view>& allowed);

// ParseOrderBy into caller-owned defaults: an empty (or all-blank) order_by
// keeps `index` and `descending` as the caller set them; otherwise they get the
// parsed field index and direction. Errors as ParseOrderBy.
absl::Status ParseOrderByInto(std::string_view order_by,
                              const std::vector<std::string_view>& allowed, size_t& index,
                              bool& descending);

}  // namespace crm::common

#endif  // CRM_COMMON_API_ORDER_BY_H_
