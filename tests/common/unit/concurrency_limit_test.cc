#include "common/server/concurrency_limit.h"

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

TEST(ConcurrencyLimitTest, GrantsUpToTheLimitWithoutWaiting) {
  ConcurrencyLimit limit(2, "imports");
  absl::StatusOr<ConcurrencyLimit::Slot> first = limit.Acquire(Soon());
  absl::StatusOr<ConcurrencyLimit::Slot> second = limit.Acquire(Soon());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(limit.in_use(), 2);
}

TEST(ConcurrencyLimitTest, BeyondTheLimitFailsAtTheDeadlineNamingTheSection) {
  ConcurrencyLimit limit(1, "customer imports");
  absl::StatusOr<ConcurrencyLimit::Slot> held = limit.Acquire(Soon());
  ASSERT_TRUE(held.ok());
  absl::StatusOr<ConcurrencyLimit::Slot> late = limit.Acquire(absl::Now() + absl::Milliseconds(50));
  ASSERT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(late.status().message().find("1 slots of customer imports"), std::string::npos)
      << late.status();
  EXPECT_EQ(limit.in_use(), 1);
}

TEST(ConcurrencyLimitTest, AWaiterGetsTheSlotWhenItIsReleased) {
  ConcurrencyLimit limit(1, "imports");
  std::optional<absl::StatusOr<ConcurrencyLimit::Slot>> held(limit.Acquire(Soon()));
  ASSERT_TRUE(held->ok());
  absl::Notification waiting_started;
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    waiting_started.Notify();
    absl::StatusOr<ConcurrencyLimit::Slot> slot = limit.Acquire(Soon());
    acquired = slot.ok();
  });
  waiting_started.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(acquired);  // still held
  held.reset();            // releases the slot
  waiter.join();
  EXPECT_TRUE(acquired);
  EXPECT_EQ(limit.in_use(), 0);  // the waiter's slot went out of scope too
}

TEST(ConcurrencyLimitTest, AMovedSlotIsReleasedOnce) {
  ConcurrencyLimit limit(1, "imports");
  {
    absl::StatusOr<ConcurrencyLimit::Slot> slot = limit.Acquire(Soon());
    ASSERT_TRUE(slot.ok());
    ConcurrencyLimit::Slot moved(std::move(*slot));
    EXPECT_EQ(limit.in_use(), 1);
  }
  EXPECT_EQ(limit.in_use(), 0);
  EXPECT_TRUE(limit.Acquire(absl::Now()).ok());
}

TEST(ConcurrencyLimitTest, NeverLetsMoreThanTheLimitIn) {
  ConcurrencyLimit limit(3, "imports");
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<ConcurrencyLimit::Slot> slot = limit.Acquire(Soon());
        ASSERT_TRUE(slot.ok());
        const int now_inside = ++inside;
        int seen = most.load();
        while (now_inside > seen && !most.compare_exchange_weak(seen, now_inside)) {
        }
        absl::SleepFor(absl::Milliseconds(1));  // holds the slot a while
        --inside;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(most, 3);
  EXPECT_EQ(limit.in_use(), 0);
}

}  // namespace
}  // namespace crm::common
