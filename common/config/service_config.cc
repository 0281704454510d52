#include "common/config/service_config.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::common {
namespace {

absl::StatusOr<int> ParseIntText(const std::string& name, const std::string& text, int min,
                                 int max) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--%s (%s): must be a whole number from %d to %d, got \"%s\"", name,
        EnvVarName(name), min, max, text));
  }
  return value;
}

absl::StatusOr<int> ParseIntFlag(const ParsedFlags& flags, const std::string& name, int min,
                                 int max) {
  return ParseIntText(name, flags.values.at(name), min, max);
}

absl::StatusOr<absl::Duration> ParseMillisFlag(const ParsedFlags& flags, const std::string& name,
                                               int min_ms, int max_ms) {
  absl::StatusOr<int> ms = ParseIntFlag(flags, name, min_ms, max_ms);
  if (!ms.ok()) return ms.status();
  return absl::Milliseconds(*ms);
}

}  // namespace

absl::StatusOr<int> ExtraIntFlag(const ServiceConfig& config, const std::string& name, int min,
                                 int max) {
  auto found = config.extra.find(name);
  if (found == config.extra.end()) {
    return absl::InternalError(absl::StrCat("--", name, " is not one of this service's flags"));
  }
  return ParseIntText(name, found->second, min, max);
}

std::vector<FlagSpec> ServiceFlagSpecs(const ServiceDefaults& defaults) {
  std::vector<FlagSpec> specs = {
      {"listen_address", "gRPC address to listen on", defaults.listen_address},
      {"metrics_address", "Prometheus /metrics HTTP address; empty disables it",
       defaults.metrics_address},
      {"db_host", "MariaDB/MySQL host", "127.0.0.1"},
      {"db_port", "MariaDB/MySQL port", "3306"},
      {"db_socket", "unix socket path; when set, used instead of host and port", ""},
      {"db_user", "database user", "", /*required=*/true},
      {"db_password_file", "file holding the database password (a Kubernetes Secret)", "",
       /*required=*/true},
      {"db_name", "database schema owned by this service", defaults.database},
      {"db_pool_size", "maximum open database connections", "16"},
      {"db_checkout_timeout_ms", "how long a call waits for a free connection", "2000"},
      {"auth_tokens_file", "file of bearer-token hashes with their team and scopes", "",
       /*required=*/true},
      {"tls_cert_file", "server certificate (PEM); empty serves plaintext", ""},
      {"tls_key_file", "server private key (PEM)", ""},
      {"tls_client_ca_file", "CA (PEM) that client certificates must chain to (mutual TLS)", ""},
      {"default_deadline_ms", "deadline applied to calls that carry none", "10000"},
      {"shutdown_grace_ms", "how long SIGTERM waits for in-flight calls", "15000"},
      {"worker_threads", "threads for blocking database work; 0 = db_pool_size", "0"},
      {"max_queued_calls", "calls waiting for a worker before new ones fail UNAVAILABLE", "1000"},
      {"log_level", "debug, info, warning or error", "info"},
  };
  specs.insert(specs.end(), defaults.extra_flags.begin(), defaults.extra_flags.end());
  return specs;
}

absl::StatusOr<ServiceConfig> ParseServiceConfig(const ServiceDefaults& defaults,
                                                 const std::vector<std::string>& args,
                                                 const EnvLookup& env) {
  const std::vector<FlagSpec> specs = ServiceFlagSpecs(defaults);
  absl::StatusOr<ParsedFlags> parsed = ParseFlags(specs, args, env);
  if (!parsed.ok()) return parsed.status();
  const ParsedFlags& flags = *parsed;
  const auto& v = flags.values;

  ServiceConfig config;
  config.service_name = defaults.service_name;
  config.listen_address = v.at("listen_address");
  if (config.listen_address.empty()) {
    return absl::InvalidArgumentError("--listen_address (CRM_LISTEN_ADDRESS): must not be empty");
  }
  config.metrics_address = v.at("metrics_address");

  config.db.host = v.at("db_host");
  absl::StatusOr<int> port = ParseIntFlag(flags, "db_port", 1, 65535);
  if (!port.ok()) return port.status();
  config.db.port = *port;
  config.db.unix_socket = v.at("db_socket");
  config.db.user = v.at("db_user");
  config.db.database = v.at("db_name");
  if (config.db.database.empty()) {
    return absl::InvalidArgumentError("--db_name (CRM_DB_NAME): must not be empty");
  }
  absl::StatusOr<int> pool_size = ParseIntFlag(flags, "db_pool_size", 1, 1000);
  if (!pool_size.ok()) return pool_size.status();
  config.db.pool_size = *pool_size;
  absl::StatusOr<absl::Duration> checkout = ParseMillisFlag(flags, "db_checkout_timeout_ms", 1, 600000);
  if (!checkout.ok()) return checkout.status();
  config.db.checkout_timeout = *checkout;
  absl::StatusOr<std::string> password = ReadSecretFile("db_password_file", v.at("db_password_file"));
  if (!password.ok()) return password.status();
  config.db.password = *std::move(password);

  config.auth_tokens_file = v.at("auth_tokens_file");
  config.tls = {v.at("tls_cert_file"), v.at("tls_key_file"), v.at("tls_client_ca_file")};
  if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file and --tls_key_file: set both to serve TLS, or neither");
  }
  if (!config.tls.client_ca_file.empty() && !config.tls.enabled()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file: mutual TLS needs --tls_cert_file and --tls_key_file too");
  }

  absl::StatusOr<absl::Duration> deadline = ParseMillisFlag(flags, "default_deadline_ms", 1, 3600000);
  if (!deadline.ok()) return deadline.status();
  config.default_deadline = *deadline;
  absl::StatusOr<absl::Duration> grace = ParseMillisFlag(flags, "shutdown_grace_ms", 0, 3600000);
  if (!grace.ok()) return grace.status();
  config.shutdown_grace = *grace;
  absl::StatusOr<int> workers = ParseIntFlag(flags, "worker_threads", 0, 1000);
  if (!workers.ok()) return workers.status();
  config.worker_threads = *workers == 0 ? config.db.pool_size : *workers;
  absl::StatusOr<int> queued = ParseIntFlag(flags, "max_queued_calls", 1, 1000000);
  if (!queued.ok()) return queued.status();
  config.max_queued_calls = *queued;
  std::optional<LogLevel> level = ParseLogLevel(v.at("log_level"));
  if (!level.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_level (CRM_LOG_LEVEL): must be debug, info, warning or error, got \"",
        v.at("log_level"), "\""));
  }
  config.log_level = *level;
  for (const FlagSpec& spec : defaults.extra_flags) config.extra[spec.name] = v.at(spec.name);
  return config;
}

absl::StatusOr<ServiceConfig> LoadServiceConfig(const ServiceDefaults& defaults, int argc,
                                                char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(FlagsHelp(argv[0], ServiceFlagSpecs(defaults)).c_str(), stdout);
      std::exit(0);
    }
  }
  return ParseServiceConfig(defaults, args, ProcessEnvironment());
}

std::string DescribeConfig(const ServiceConfig& config) {
  std::string db_endpoint = config.db.unix_socket.empty()
                                ? absl::StrCat(config.db.host, ":", config.db.port)
                                : absl::StrCat("unix:", config.db.unix_socket);
  std::string line = absl::StrFormat(
      "service=%s listen_address=%s metrics_address=%s db=%s@%s/%s db_password=<redacted> "
      "db_pool_size=%d db_checkout_timeout=%s auth_tokens_file=%s tls=%s mtls=%s "
      "default_deadline=%s shutdown_grace=%s worker_threads=%d max_queued_calls=%d",
      config.service_name, config.listen_address,
      config.metrics_address.empty() ? "<off>" : config.metrics_address, config.db.user,
      db_endpoint, config.db.database, config.db.pool_size,
      absl::FormatDuration(config.db.checkout_timeout), config.auth_tokens_file,
      config.tls.enabled() ? "on" : "off", config.tls.client_ca_file.empty() ? "off" : "on",
      absl::FormatDuration(config.default_deadline), absl::FormatDuration(config.shutdown_grace),
      config.worker_threads, config.max_queued_calls);
  for (const auto& [name, value] : config.extra) absl::StrAppend(&line, " ", name, "=", value);
  return line;
}

}  // namespace crm::common
