#include "common/server/concurrency_limit.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace crm::common {

ConcurrencyLimit::Slot::~Slot() {
  if (limit_ != nullptr) limit_->Release();
}

ConcurrencyLimit::ConcurrencyLimit(int limit, std::string what)
    : limit_(limit), what_(std::move(what)) {}

absl::StatusOr<ConcurrencyLimit::Slot> ConcurrencyLimit::Acquire(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_use_ < limit_; };
  if (!mu_.AwaitWithDeadline(absl::Condition(&free), deadline)) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "deadline passed while waiting for one of the %d slots of %s (all in use)", limit_, what_));
  }
  ++in_use_;
  return Slot(this);
}

int ConcurrencyLimit::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

void ConcurrencyLimit::Release() {
  absl::MutexLock lock(&mu_);
  --in_use_;
}

}  // namespace crm::common
