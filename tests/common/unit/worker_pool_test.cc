#include "common/server/worker_pool.h"

#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

TEST(WorkerPoolTest, RunsSubmittedTasksOnItsOwnThreads) {
  WorkerPool pool(2, 10);
  const std::thread::id test_thread = std::this_thread::get_id();
  std::atomic<int> ran{0};
  std::atomic<int> ran_on_test_thread{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      if (std::this_thread::get_id() == test_thread) ++ran_on_test_thread;
      ++ran;
    }));
  }
  pool.Shutdown();
  EXPECT_EQ(ran, 10);
  EXPECT_EQ(ran_on_test_thread, 0);
}

TEST(WorkerPoolTest, RejectsTasksBeyondTheQueueBound) {
  WorkerPool pool(1, 1);
  absl::Notification release;
  absl::Cleanup release_on_exit = [&] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  std::atomic<int> ran{0};
  auto blocking_task = [&] {
    release.WaitForNotification();
    ++ran;
  };
  // One task for the (single) worker, one waiting, then the pool is full,
  // however far the worker thread has got.
  ASSERT_TRUE(pool.TrySubmit(blocking_task));
  ASSERT_TRUE(pool.TrySubmit(blocking_task));
  EXPECT_FALSE(pool.TrySubmit(blocking_task));
  EXPECT_FALSE(pool.TrySubmit(blocking_task));
  release.Notify();
  pool.Shutdown();
  EXPECT_EQ(ran, 2);  // the rejected ones never ran
}

TEST(WorkerPoolTest, AcceptsAgainOnceTheQueueHasRoom) {
  WorkerPool pool(1, 0);
  absl::Notification release;
  absl::Cleanup release_on_exit = [&] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  absl::Notification first_done;
  ASSERT_TRUE(pool.TrySubmit([&] {
    release.WaitForNotification();
    first_done.Notify();
  }));
  EXPECT_FALSE(pool.TrySubmit([] {}));
  release.Notify();
  first_done.WaitForNotification();
  // The slot frees right after the task returns; wait for that, bounded.
  bool accepted = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  absl::Notification second_ran;
  while (!accepted && absl::Now() < give_up) {
    accepted = pool.TrySubmit([&] { second_ran.Notify(); });
    if (!accepted) absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(accepted);
  pool.Shutdown();
  EXPECT_TRUE(second_ran.HasBeenNotified());
}

TEST(WorkerPoolTest, ShutdownRunsEverythingQueuedThenRefusesNewTasks) {
  WorkerPool pool(1, 100);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      absl::SleepFor(absl::Milliseconds(1));
      ++ran;
    }));
  }
  pool.Shutdown();
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
  pool.Shutdown();  // idempotent
  EXPECT_EQ(ran, 50);
}

}  // namespace
}  // namespace crm::common
