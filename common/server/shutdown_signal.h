#ifndef CRM_COMMON_SERVER_SHUTDOWN_SIGNAL_H_
#define CRM_COMMON_SERVER_SHUTDOWN_SIGNAL_H_

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"

namespace crm::common {

// Turns SIGTERM / SIGINT into a notification. The constructor blocks both
// signals for the calling thread and every thread started after it (so
// construct it first in main, before gRPC or any pool starts threads); a
// dedicated thread waits for them with sigwait. Repeated signals are logged
// and otherwise ignored: the first one has already started the shutdown.
class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();

  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Notified when the first SIGTERM or SIGINT arrives.
  absl::Notification& requested() { return requested_; }

 private:
  void WaitLoop();

  absl::Notification requested_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_SHUTDOWN_SIGNAL_H_
