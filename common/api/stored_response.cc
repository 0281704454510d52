#include "common/api/stored_response.h"

#include "absl/strings/str_cat.h"

namespace crm::common {

absl::Status ParseStoredResponse(const absl::StatusOr<std::string>& stored,
                                 std::string_view method, google::protobuf::Message& response) {
  if (!stored.ok()) return stored.status();
  if (!response.ParseFromString(*stored)) {
    return absl::InternalError(
        absl::StrCat("stored ", std::string(method), " response is unreadable"));
  }
  return absl::OkStatus();
}

}  // namespace crm::common
