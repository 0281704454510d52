#include "common/server/service_main.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/base/logging.h"
#include "common/base/mutex_checks.h"
#include "common/server/auth.h"
#include "common/server/db_pool_metrics.h"
#include "common/server/health.h"
#include "common/server/metrics.h"
#include "common/server/metrics_endpoint.h"
#include "common/server/server.h"
#include "common/server/shutdown_signal.h"
#include "common/server/worker_pool.h"

namespace crm::common {
namespace {

constexpr absl::Duration kFirstRetryDelay = absl::Milliseconds(250);
constexpr absl::Duration kMaxRetryDelay = absl::Seconds(5);

absl::Status ApplyAllMigrations(MySqlPool& pool, const ServiceDefinition& definition) {
  if (!definition.migrations)
    return ApplyMigrations(pool, kCommonMigrationTrack, CommonMigrations());
  return ApplyServiceMigrations(pool, definition.defaults.service_name, definition.migrations());
}

// Applies the migrations, retrying while the database is unreachable. OK once
// applied; CANCELLED when shutdown was requested first; FAILED_PRECONDITION
// (an applied migration was edited) is returned at once: retrying cannot fix it.
absl::Status MigrateWhenDatabaseIsUp(MySqlPool& pool, const ServiceDefinition& definition,
                                     absl::Notification& shutdown) {
  absl::Duration delay = kFirstRetryDelay;
  while (true) {
    absl::Status status = ApplyAllMigrations(pool, definition);
    if (status.ok() || absl::IsFailedPrecondition(status)) return status;
    LogWarning("database not ready, retrying",
               {{"error", std::string(status.message())},
                {"retry_in_ms", absl::StrCat(absl::ToInt64Milliseconds(delay))}});
    if (shutdown.WaitForNotificationWithTimeout(delay)) {
      return absl::CancelledError("shutdown requested before migrations ran");
    }
    delay = std::min(delay * 2, kMaxRetryDelay);
  }
}

// Reports a problem that prevents the process from starting; returns `code`.
int StartupFailure(int code, std::string_view what, const absl::Status& status) {
  LogError(absl::StrCat("cannot start: ", std::string(what)),
           {{"error", std::string(status.message())}});
  return code;
}

}  // namespace

int RunService(const ServiceDefinition& definition, int argc, char** argv) {
  DisableMutexDeadlockDetection();
  // First, before anything starts a thread: they must all inherit the
  // blocked signal mask.
  ShutdownSignal shutdown_signal;
  absl::Notification& shutdown = shutdown_signal.requested();

  absl::StatusOr<ServiceConfig> config = LoadServiceConfig(definition.defaults, argc, argv);
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", definition.defaults.service_name.c_str(),
                 std::string(config.status().message()).c_str());
    return kExitBadStartup;
  }
  InitLogging(config->service_name, config->log_level);
  LogInfo("starting", {{"config", DescribeConfig(*config)}});

  absl::StatusOr<TokenAuthenticator> auth =
      TokenAuthenticator::LoadFromFile(config->auth_tokens_file);
  if (!auth.ok()) {
    return StartupFailure(kExitBadStartup, "auth tokens", auth.status());
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(config->tls);
  if (!credentials.ok()) {
    return StartupFailure(kExitBadStartup, "TLS", credentials.status());
  }

  // Declaration order is teardown order in reverse: the server stops before
  // the handlers, the runner, the workers and the pool it uses go away.
  MySqlPool pool(config->db);
  WorkerPool workers(config->worker_threads, config->max_queued_calls);
  CallRunner runner(workers, *auth, config->default_deadline);
  absl::StatusOr<GrpcServices> made = definition.make_services(pool, runner, *config);
  if (!made.ok()) return StartupFailure(kExitBadStartup, "service flags", made.status());
  GrpcServices services = *std::move(made);
  CallMetrics call_metrics;
  auto pool_metrics =
      std::make_shared<DbPoolMetrics>([&pool] { return pool.Stats(); }, config->db.pool_size);

  absl::StatusOr<StartedServer> server =
      StartGrpcServer(config->listen_address, *credentials, services, call_metrics);
  if (!server.ok()) {
    return StartupFailure(kExitBadStartup, "gRPC listener", server.status());
  }
  std::unique_ptr<MetricsEndpoint> metrics_endpoint;
  if (!config->metrics_address.empty()) {
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
        MetricsEndpoint::Start(config->metrics_address, {call_metrics.registry(), pool_metrics});
    if (!endpoint.ok()) {
      return StartupFailure(kExitBadStartup, "metrics endpoint", endpoint.status());
    }
    metrics_endpoint = *std::move(endpoint);
  }
  LogInfo("listening", {{"address", config->listen_address},
                        {"port", absl::StrCat(server->port)},
                        {"metrics_address", config->metrics_address}});

  const absl::Duration ping_timeout = definition.health_check_interval;
  HealthWatcher health(
      *server->server->GetHealthCheckService(), server->service_names,
      [&pool, ping_timeout] { return pool.Ping(absl::Now() + ping_timeout); },
      definition.health_check_interval);

  absl::Status migrated = MigrateWhenDatabaseIsUp(pool, definition, shutdown);
  if (absl::IsFailedPrecondition(migrated)) {
    return StartupFailure(kExitFatal, "migrations", migrated);
  }
  if (migrated.ok()) {
    runner.SetReady();
    health.SetServing(true);
    health.Start();
    LogInfo("serving");
    shutdown.WaitForNotification();
  }

  LogInfo("stopping",
          {{"grace_ms", absl::StrCat(absl::ToInt64Milliseconds(config->shutdown_grace))}});
  health.Stop();
  health.SetServing(false);
  server->server->Shutdown(absl::ToChronoTime(absl::Now() + config->shutdown_grace));
  workers.Shutdown();
  pool.Close();
  LogInfo("stopped");
  return kExitStopped;
}

}  // namespace crm::common
