#ifndef CRM_COMMON_API_ETAG_H_
#define CRM_COMMON_API_ETAG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm::common {

// AIP-154 etags derived from a row's version counter. The etag is the version
// in lowercase Crockford base32 ("1", "z", "10", ...): short, printable,
// URL-safe and deterministic. Clients treat it as opaque.
std::string FormatEtag(int64_t version);

// Reverses FormatEtag. Anything FormatEtag cannot produce (empty, other
// characters, uppercase, leading zeros, more than 64 bits) is
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<int64_t> ParseEtag(std::string_view field, std::string_view etag);

// The optimistic-concurrency check for Update and Delete:
// - empty `supplied`: unconditional, OK;
// - malformed: INVALID_ARGUMENT naming `field`;
// - another version: ABORTED "etag "<x>" is stale for <resource_name>: it was
//   modified since you read it; re-read and retry".
absl::Status CheckEtag(std::string_view supplied, int64_t current_version,
                       std::string_view resource_name, std::string_view field = "etag");

}  // namespace crm::common

#endif  // CRM_COMMON_API_ETAG_H_
