#ifndef CRM_COMMON_API_RESOURCE_STATE_H_
#define CRM_COMMON_API_RESOURCE_STATE_H_

#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

namespace crm::common {

// The found row, or NOT_FOUND "<name> does not exist"; errors pass through.
template <typename Stored>
absl::StatusOr<Stored> RequireFound(absl::StatusOr<std::optional<Stored>> found,
                                    std::string_view name) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
  return **std::move(found);
}

// FAILED_PRECONDITION "<name> is deleted; undelete it before changing it" for a
// soft-deleted resource.
inline absl::Status RequireLive(bool deleted, std::string_view name) {
  if (!deleted) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrFormat("%s is deleted; undelete it before changing it", name));
}

// FAILED_PRECONDITION "<name> is not deleted" for Undelete of a live resource.
inline absl::Status RequireDeleted(bool deleted, std::string_view name) {
  if (deleted) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat("%s is not deleted", name));
}

}  // namespace crm::common

#endif  // CRM_COMMON_API_RESOURCE_STATE_H_
