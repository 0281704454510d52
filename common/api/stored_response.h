#ifndef CRM_COMMON_API_STORED_RESPONSE_H_
#define CRM_COMMON_API_STORED_RESPONSE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace crm::common {

// The end of an idempotent mutation: `stored` is what RunIdempotent returned
// (the serialized response of the first call, or its error). Parses it into
// `response`; errors pass through, and a record that does not parse is
// INTERNAL "stored <method> response is unreadable".
absl::Status ParseStoredResponse(const absl::StatusOr<std::string>& stored,
                                 std::string_view method, google::protobuf::Message& response);

}  // namespace crm::common

#endif  // CRM_COMMON_API_STORED_RESPONSE_H_
