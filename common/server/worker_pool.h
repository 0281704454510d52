#ifndef CRM_COMMON_SERVER_WORKER_POOL_H_
#define CRM_COMMON_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crm::common {

// A fixed set of threads that run blocking work (MySQL calls) so gRPC's own
// threads never block. Admission is bounded: at most `threads + max_queue`
// tasks are accepted and not yet finished (one running per thread, the rest
// waiting); anything more is refused at once, so an overloaded server answers
// quickly instead of letting calls pile up until their deadlines expire.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queue);
  // Shuts down (drains and joins) if not done already.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the pool is full or shut down (the task is then
  // dropped without running).
  bool TrySubmit(std::function<void()> task);

  // Stops accepting tasks, runs every task already queued, joins the threads.
  // Idempotent.
  void Shutdown();

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void WorkerLoop();

  const int capacity_;  // threads + max_queue
  std::mutex mu_;
  std::condition_variable work_available_;
  std::deque<std::function<void()>> queue_;
  int unfinished_ = 0;  // accepted tasks not yet finished: queued + running
  bool shutting_down_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_WORKER_POOL_H_
