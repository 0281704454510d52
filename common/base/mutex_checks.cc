#include "common/base/mutex_checks.h"

#include "absl/synchronization/mutex.h"

namespace crm::common {

void DisableMutexDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace crm::common
