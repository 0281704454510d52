#ifndef CRM_COMMON_API_RESOURCE_STATE_H_
#define CRM_COMMON_API_RESOURCE_STATE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"

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

// The checks before changing a locked resource: live (RequireLive) and still
// at the version the caller read (CheckEtag of `etag` in `etag_field`).
inline absl::Status RequireLiveAtVersion(bool deleted, std::string_view name,
                                         std::string_view etag, int64_t version,
                                         std::string_view etag_field = "etag") {
  if (absl::Status live = RequireLive(deleted, name); !live.ok()) return live;
  return CheckEtag(etag, version, name, etag_field);
}

// The checks of Undelete on a locked resource: deleted (RequireDeleted) and
// still at the version the caller read (CheckEtag of `etag` in `etag_field`).
inline absl::Status RequireDeletedAtVersion(bool deleted, std::string_view name,
                                            std::string_view etag, int64_t version,
                                            std::string_view etag_field = "etag") {
  if (absl::Status gone = RequireDeleted(deleted, name); !gone.ok()) return gone;
  return CheckEtag(etag, version, name, etag_field);
}

}  // namespace crm::common

#endif  // CRM_COMMON_API_RESOURCE_STATE_H_
