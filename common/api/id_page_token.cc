#include "common/api/id_page_token.h"

#include "absl/strings/numbers.h"
#include "common/api/page_token.h"

namespace crm::common {

absl::StatusOr<std::optional<int64_t>> DecodeIdPageToken(std::string_view token,
                                                         std::string_view query_fingerprint) {
  if (token.empty()) return std::nullopt;
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, query_fingerprint);
  if (!cursor.ok()) return cursor.status();
  int64_t id = 0;
  if (cursor->keys.size() != 1 || !absl::SimpleAtoi(cursor->keys[0], &id) || id <= 0) {
    return absl::InvalidArgumentError("page_token: invalid or corrupted");
  }
  return id;
}

std::string EncodeIdPageToken(int64_t last_id, std::string_view query_fingerprint) {
  return common::EncodePageToken(common::PageCursor{{std::to_string(last_id)}}, query_fingerprint);
}

}  // namespace crm::common
