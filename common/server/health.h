#ifndef CRM_COMMON_SERVER_HEALTH_H_
#define CRM_COMMON_SERVER_HEALTH_H_

#include <grpcpp/health_check_service_interface.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace crm::common {

// Drives the standard gRPC health service (grpc.health.v1.Health) of one
// server: the overall status ("") and that of each named service move
// together. Once started, a watcher thread runs `probe` (e.g. a database
// ping) every `interval` and reports NOT_SERVING while it fails and SERVING
// when it succeeds again, logging each transition.
class HealthWatcher {
 public:
  // `health` must outlive this object.
  HealthWatcher(grpc::HealthCheckServiceInterface& health, std::vector<std::string> service_names,
                std::function<absl::Status()> probe, absl::Duration interval);
  // Stops the watcher thread.
  ~HealthWatcher();

  HealthWatcher(const HealthWatcher&) = delete;
  HealthWatcher& operator=(const HealthWatcher&) = delete;

  // Sets every status now (also while the watcher runs).
  void SetServing(bool serving);

  // Starts the watcher thread. Call at most once.
  void Start();

  // Stops and joins the watcher thread; statuses stay as they are. Idempotent.
  void Stop();

 private:
  void WatchLoop();

  grpc::HealthCheckServiceInterface& health_;
  const std::vector<std::string> service_names_;
  const std::function<absl::Status()> probe_;
  const absl::Duration interval_;

  absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_HEALTH_H_
