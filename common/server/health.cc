#include "common/server/health.h"

#include <utility>

#include "common/base/logging.h"

namespace crm::common {

HealthWatcher::HealthWatcher(grpc::HealthCheckServiceInterface& health,
                             std::vector<std::string> service_names,
                             std::function<absl::Status()> probe, absl::Duration interval)
    : health_(health),
      service_names_(std::move(service_names)),
      probe_(std::move(probe)),
      interval_(interval) {}

HealthWatcher::~HealthWatcher() { Stop(); }

void HealthWatcher::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  serving_ = serving;
  health_.SetServingStatus("", serving);
  for (const std::string& name : service_names_) {
    health_.SetServingStatus(name, serving);
  }
}

void HealthWatcher::Start() {
  thread_ = std::thread([this] { WatchLoop(); });
}

void HealthWatcher::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void HealthWatcher::WatchLoop() {
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    absl::Status status = probe_();
    bool was_serving;
    {
      absl::MutexLock lock(&mu_);
      was_serving = serving_;
    }
    if (status.ok() == was_serving) continue;
    if (status.ok()) {
      LogInfo("health: SERVING again, the database is reachable");
    } else {
      LogWarning("health: NOT_SERVING, the database is unreachable",
                 {{"error", std::string(status.message())}});
    }
    SetServing(status.ok());
  }
}

}  // namespace crm::common
