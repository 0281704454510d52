#ifndef CRM_TESTS_SUPPORT_GRPC_HEALTH_H_
#define CRM_TESTS_SUPPORT_GRPC_HEALTH_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::test_support {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class HealthStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

std::string HealthStatusName(HealthStatus status);

// Calls grpc.health.v1.Health/Check for `service` ("" = the whole server).
// The RPC's own failure (e.g. UNAVAILABLE while nothing listens, NOT_FOUND
// for a service the server never heard of) is returned as the error.
absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service, absl::Duration timeout);

// Polls CheckHealth until it reports `want`; DEADLINE_EXCEEDED naming the
// last answer otherwise.
absl::Status WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& service, HealthStatus want, absl::Duration timeout);

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_GRPC_HEALTH_H_
