#ifndef CRM_COMMON_API_PAGE_TOKEN_H_
#define CRM_COMMON_API_PAGE_TOKEN_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::common {

// AIP-158 page sizes.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// 0 (unset) becomes kDefaultPageSize, anything above kMaxPageSize is coerced
// down to it; a negative size is INVALID_ARGUMENT "page_size: must not be negative".
absl::StatusOr<int> NormalizePageSize(int32_t requested);

// Where the next page starts in a keyset-paginated List: the sort key values
// of the last row returned, as strings, in order_by order (any bytes allowed).
struct PageCursor {
  std::vector<std::string> keys;

  friend bool operator==(const PageCursor&, const PageCursor&) = default;
};

// Identifies one query for its page tokens: the parts (e.g. parent, filter,
// order_by, show_deleted) are joined unambiguously, so ("a", "bc") and
// ("ab", "c") differ.
std::string PageQueryFingerprint(std::initializer_list<std::string_view> parts);

// An opaque, URL-safe page token for `cursor`, valid only for the query
// identified by `query_fingerprint`.
//
// The token carries a checksum (truncated SHA-256 with domain separation), so
// corruption and tokens from another query are detected. It is not a secret-
// keyed signature: a client can craft a token, which only moves the start of
// its own query. Every filter and permission still applies to the query the
// cursor is used in.
std::string EncodePageToken(const PageCursor& cursor, std::string_view query_fingerprint);

// Reverses EncodePageToken. The caller treats an empty token as "first page"
// before calling this. Errors (all INVALID_ARGUMENT):
//   "page_token: invalid or corrupted" for anything not produced by
//   EncodePageToken (changed or missing characters, not base64, unknown
//   version);
//   "page_token: does not belong to this query (...)" for a token produced for
//   another fingerprint.
absl::StatusOr<PageCursor> DecodePageToken(std::string_view token,
                                           std::string_view query_fingerprint);

}  // namespace crm::common

#endif  // CRM_COMMON_API_PAGE_TOKEN_H_
