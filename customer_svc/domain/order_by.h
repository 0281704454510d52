#ifndef CRM_CUSTOMER_SVC_DOMAIN_ORDER_BY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_ORDER_BY_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/api/order_by.h"

namespace crm::customer {

// Kept only for callers not yet moved to common::ParseOrderByInto (the
// implementation lives in common/api/order_by.h); new code calls that directly.
inline absl::Status ParseSingleOrderBy(std::string_view order_by,
                                       const std::vector<std::string_view>& fields, size_t& index,
                                       bool& descending) {
  return common::ParseOrderByInto(order_by, fields, index, descending);
}

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_ORDER_BY_H_
