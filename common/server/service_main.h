#ifndef CRM_COMMON_SERVER_SERVICE_MAIN_H_
#define CRM_COMMON_SERVER_SERVICE_MAIN_H_

#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/service_config.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"

namespace crm::common {

// Everything RunService needs to know about one service.
using GrpcServices = std::vector<std::unique_ptr<grpc::Service>>;

struct ServiceDefinition {
  ServiceDefaults defaults;  // name, ports, schema
  // The service's own migrations (track name = defaults.service_name);
  // applied after CommonMigrations(). Empty function: no own migrations.
  std::function<const std::vector<Migration>&()> migrations;
  // Builds the service's gRPC handler objects once the pool and runner
  // exist (reading its extra flags from the config); RunService keeps them
  // alive until the server has stopped. An error (a bad extra flag) stops
  // the start with kExitBadStartup.
  std::function<absl::StatusOr<GrpcServices>(MySqlPool&, CallRunner&, const ServiceConfig&)>
      make_services;
  // How often the health watcher pings the database.
  absl::Duration health_check_interval = absl::Seconds(1);
};

// Exit codes of RunService.
inline constexpr int kExitStopped = 0;     // stopped by SIGTERM / SIGINT
inline constexpr int kExitFatal = 1;       // e.g. an applied migration was edited
inline constexpr int kExitBadStartup = 2;  // config, tokens, TLS files, ports

// The whole main() of a service:
//  1. config (flags + CRM_* env; --help), logging, bearer tokens, TLS files;
//  2. the gRPC server (health NOT_SERVING, reflection, interceptors) and the
//     Prometheus endpoint;
//  3. migrations, retried with backoff while the database is unreachable;
//  4. SERVING, with a watcher that flips health while the database is down;
//  5. on SIGTERM / SIGINT: NOT_SERVING, stop accepting, let in-flight calls
//     finish within shutdown_grace, drain the workers, close the pool, exit 0.
// Every startup problem is one log line naming it and a non-zero exit code.
int RunService(const ServiceDefinition& definition, int argc, char** argv);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_SERVICE_MAIN_H_
