#ifndef CRM_COMMON_CONFIG_SERVICE_CONFIG_H_
#define CRM_COMMON_CONFIG_SERVICE_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/logging.h"
#include "common/config/flags.h"
#include "common/mysql/pool.h"

namespace crm::common {

// Certificate files for TLS; a client CA turns on mutual TLS (client
// certificates required and verified).
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  bool enabled() const { return !cert_file.empty(); }
};

// Everything a service process needs to start, resolved from flags, CRM_*
// environment variables, committed defaults and secret files.
struct ServiceConfig {
  std::string service_name;
  std::string listen_address;
  std::string metrics_address;  // empty: no metrics endpoint
  MySqlOptions db;              // password already read from its file
  std::string auth_tokens_file;
  TlsFiles tls;
  absl::Duration default_deadline;
  absl::Duration shutdown_grace;
  int worker_threads = 0;
  int max_queued_calls = 0;
  LogLevel log_level = LogLevel::kInfo;
  // Values of ServiceDefaults::extra_flags, by flag name.
  std::map<std::string, std::string> extra;
};

// The per-service defaults, committed in each service's main.cc.
struct ServiceDefaults {
  std::string service_name;     // "customer_svc"
  std::string listen_address;   // "127.0.0.1:50051"
  std::string metrics_address;  // "127.0.0.1:9091"
  std::string database;         // "crm_customer"
  // Flags only this service has (e.g. the gateway's downstream targets).
  std::vector<FlagSpec> extra_flags;
};

// The flags every service understands (plus defaults.extra_flags).
std::vector<FlagSpec> ServiceFlagSpecs(const ServiceDefaults& defaults);

// Parses and validates the configuration; reads the database password file.
// Every problem is INVALID_ARGUMENT / NOT_FOUND naming the flag.
absl::StatusOr<ServiceConfig> ParseServiceConfig(const ServiceDefaults& defaults,
                                                 const std::vector<std::string>& args,
                                                 const EnvLookup& env);

// main()'s entry point: --help prints usage and exits 0; otherwise
// ParseServiceConfig over argv and the process environment.
absl::StatusOr<ServiceConfig> LoadServiceConfig(const ServiceDefaults& defaults, int argc,
                                                char** argv);

// The value of extra flag `name` (one of ServiceDefaults::extra_flags) as a
// whole number in [min, max]; INVALID_ARGUMENT naming the flag and its
// environment variable otherwise.
absl::StatusOr<int> ExtraIntFlag(const ServiceConfig& config, const std::string& name, int min,
                                 int max);

// One line for the startup log; the password is redacted.
std::string DescribeConfig(const ServiceConfig& config);

}  // namespace crm::common

#endif  // CRM_COMMON_CONFIG_SERVICE_CONFIG_H_
