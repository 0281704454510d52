#ifndef CRM_TESTS_SUPPORT_GRPC_REFLECTION_H_
#define CRM_TESTS_SUPPORT_GRPC_REFLECTION_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::test_support {

// The names of the services a server offers, asked through gRPC server
// reflection (grpc.reflection.v1alpha), within 30 seconds.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel);

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_GRPC_REFLECTION_H_
