#include "customer_svc/domain/resource_references.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"

namespace crm::customer {

absl::StatusOr<int64_t> ParseCustomerListParent(std::string_view parent) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("parent", parent, "customers");
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("parent: %s must be customers/{id} or customers/- for every customer",
                        common::QuoteValue(parent)));
  }
  return id;
}

}  // namespace crm::customer
