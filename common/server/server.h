#ifndef CRM_COMMON_SERVER_SERVER_H_
#define CRM_COMMON_SERVER_SERVER_H_

#include <grpcpp/impl/service_type.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/service_config.h"
#include "common/server/metrics.h"

namespace crm::common {

// Plaintext when TLS is off; TLS with the certificate and key; mutual TLS
// (client certificates required and verified against the CA) when a client
// CA file is set. A file that cannot be read → NOT_FOUND naming it.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const TlsFiles& tls);

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the port actually bound
  // Full names of the registered application services
  // ("crm.customer.v1.CustomerService"), without gRPC's own ones.
  std::vector<std::string> service_names;
};

// Builds and starts a gRPC server for `services` (which must outlive it),
// with the standard health service, reflection, and the request-id and
// access-log interceptors recording into `metrics`. Every health status (the
// overall "" one and each service's) is NOT_SERVING before the first call is
// answered; the caller sets them once the service is ready. An address that
// cannot be bound → UNAVAILABLE naming it.
absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen_address, std::shared_ptr<grpc::ServerCredentials> credentials,
    const std::vector<std::unique_ptr<grpc::Service>>& services, CallMetrics& metrics);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_SERVER_H_
