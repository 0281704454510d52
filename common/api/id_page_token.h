#ifndef CRM_COMMON_API_ID_PAGE_TOKEN_H_
#define CRM_COMMON_API_ID_PAGE_TOKEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace crm::common {

// Page tokens of the "newest first" listings (transitions, audit entries),
// which continue below the id of the last row returned.
// "" → nullopt (first page); a bad token → INVALID_ARGUMENT "page_token: ...".
absl::StatusOr<std::optional<int64_t>> DecodeIdPageToken(std::string_view token,
                                                         std::string_view query_fingerprint);
std::string EncodeIdPageToken(int64_t last_id, std::string_view query_fingerprint);

}  // namespace crm::common

#endif  // CRM_COMMON_API_ID_PAGE_TOKEN_H_
