#ifndef CRM_COMMON_BASE_GRPC_STATUS_H_
#define CRM_COMMON_BASE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace crm::common {

// The one conversion point between absl::Status (used inside every layer)
// and grpc::Status (used only at the API edge). Codes map one to one.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace crm::common

#endif  // CRM_COMMON_BASE_GRPC_STATUS_H_
