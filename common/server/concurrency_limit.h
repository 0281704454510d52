#ifndef CRM_COMMON_SERVER_CONCURRENCY_LIMIT_H_
#define CRM_COMMON_SERVER_CONCURRENCY_LIMIT_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace crm::common {

// Lets at most `limit` callers at a time into a section of work, e.g. the
// write transactions of bulk imports: beyond a few of them at once the
// database spends its cores on latch contention instead of rows. The others
// wait (in no particular order) until a slot frees or their deadline passes.
class ConcurrencyLimit {
 public:
  // Holds one slot until destroyed (or moved from).
  class Slot {
   public:
    Slot(Slot&& other) noexcept : limit_(other.limit_) { other.limit_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConcurrencyLimit;
    explicit Slot(ConcurrencyLimit* limit) : limit_(limit) {}
    ConcurrencyLimit* limit_;
  };

  // `limit` >= 1; `what` names the section in the DEADLINE_EXCEEDED message.
  ConcurrencyLimit(int limit, std::string what);

  // Waits for a free slot until `deadline`; DEADLINE_EXCEEDED when none
  // freed in time.
  absl::StatusOr<Slot> Acquire(absl::Time deadline);

  int limit() const { return limit_; }
  int in_use() const;

 private:
  void Release();

  const int limit_;
  const std::string what_;
  mutable absl::Mutex mu_;
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_CONCURRENCY_LIMIT_H_
