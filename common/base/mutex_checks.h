#ifndef CRM_COMMON_BASE_MUTEX_CHECKS_H_
#define CRM_COMMON_BASE_MUTEX_CHECKS_H_

namespace crm::common {

// Debian builds Abseil without NDEBUG, so every absl::Mutex (gRPC's included)
// records lock order in one global graph to detect deadlock cycles: a
// debugging aid that serializes all locking. Production binaries and the
// benchmark call this first thing in main, before any thread starts.
void DisableMutexDeadlockDetection();

}  // namespace crm::common

#endif  // CRM_COMMON_BASE_MUTEX_CHECKS_H_
