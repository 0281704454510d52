#ifndef CRM_COMMON_API_TIME_UTIL_H_
#define CRM_COMMON_API_TIME_UTIL_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::common {

// The range of a valid google.protobuf.Timestamp, which is also the range we
// store: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// OK when seconds lie in the range above and nanos in 0..999999999; else
// INVALID_ARGUMENT naming `field`.
absl::Status ValidateTimestamp(std::string_view field,
                               const google::protobuf::Timestamp& timestamp);

// Exact conversion of a timestamp (validate it first).
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

// Exact conversion to a timestamp; times outside the valid range, infinite
// ones included, are clamped to its nearest end.
google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);

// The MySQL DATETIME(6) text form in UTC, "YYYY-MM-DD HH:MM:SS.ffffff".
// Sub-microsecond precision is truncated (toward the past); times outside the
// valid range are clamped as in ToProtoTimestamp.
std::string FormatMysqlDatetime(absl::Time time);

// Parses "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1 to 6 digits, as
// UTC. Anything else, or a date that does not exist ("2023-02-29",
// "0000-00-00 00:00:00"), is INVALID_ARGUMENT.
absl::StatusOr<absl::Time> ParseMysqlDatetime(std::string_view text);

}  // namespace crm::common

#endif  // CRM_COMMON_API_TIME_UTIL_H_
