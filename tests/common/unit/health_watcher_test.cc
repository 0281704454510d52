#include <atomic>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/server/health.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

// Records what the watcher reports, like the default gRPC health service.
class RecordingHealthService : public grpc::HealthCheckServiceInterface {
 public:
  void SetServingStatus(const std::string& service_name, bool serving) override {
    absl::MutexLock lock(&mu_);
    statuses_[service_name] = serving;
  }
  void SetServingStatus(bool serving) override {
    absl::MutexLock lock(&mu_);
    for (auto& [name, status] : statuses_) status = serving;
  }

  std::map<std::string, bool> statuses() {
    absl::MutexLock lock(&mu_);
    return statuses_;
  }

  // Waits (bounded) until every known name reports `serving`.
  bool WaitUntilAll(bool serving) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      std::map<std::string, bool> now = statuses();
      bool all = !now.empty();
      for (const auto& [name, status] : now) all = all && status == serving;
      if (all) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, bool> statuses_;
};

TEST(HealthWatcherTest, SetServingCoversTheServerAndEveryService) {
  RecordingHealthService health;
  HealthWatcher watcher(
      health, {"crm.a.v1.AService", "crm.b.v1.BService"}, [] { return absl::OkStatus(); },
      absl::Seconds(1));
  watcher.SetServing(false);
  EXPECT_EQ(health.statuses(),
            (std::map<std::string, bool>{
                {"", false}, {"crm.a.v1.AService", false}, {"crm.b.v1.BService", false}}));
  watcher.SetServing(true);
  EXPECT_EQ(health.statuses(),
            (std::map<std::string, bool>{
                {"", true}, {"crm.a.v1.AService", true}, {"crm.b.v1.BService", true}}));
}

TEST(HealthWatcherTest, FollowsTheProbeDownAndBackUp) {
  RecordingHealthService health;
  std::atomic<bool> database_up{true};
  HealthWatcher watcher(
      health, {"crm.a.v1.AService"},
      [&] { return database_up ? absl::OkStatus() : absl::UnavailableError("connection refused"); },
      absl::Milliseconds(10));
  watcher.SetServing(true);
  watcher.Start();

  database_up = false;
  EXPECT_TRUE(health.WaitUntilAll(false));
  database_up = true;
  EXPECT_TRUE(health.WaitUntilAll(true));
  watcher.Stop();
}

TEST(HealthWatcherTest, StopsProbingAfterStop) {
  RecordingHealthService health;
  std::atomic<int> probes{0};
  HealthWatcher watcher(
      health, {},
      [&] {
        ++probes;
        return absl::OkStatus();
      },
      absl::Milliseconds(5));
  watcher.SetServing(true);
  watcher.Start();
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (probes < 3 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_GE(probes, 3);
  watcher.Stop();
  const int after_stop = probes;
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(probes, after_stop);
  watcher.Stop();  // idempotent
}

}  // namespace
}  // namespace crm::common
