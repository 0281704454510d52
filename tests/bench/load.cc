#include "tests/bench/load.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace crm::bench {

LoadResult RunClosedLoop(int concurrency, absl::Duration warmup, absl::Duration duration,
                         const std::function<Call(int)>& make_call) {
  std::vector<Call> calls;
  for (int i = 0; i < concurrency; ++i) calls.push_back(make_call(i));

  std::vector<std::vector<int64_t>> latencies_ns(concurrency);
  std::vector<int64_t> errors(concurrency, 0);
  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + warmup;
  const absl::Time stop = measure_from + duration;
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) {
    threads.emplace_back([&, i] {
      while (true) {
        const absl::Time before = absl::Now();
        if (before >= stop) break;
        const bool ok = calls[i]();
        const absl::Time after = absl::Now();
        if (before < measure_from) continue;
        if (!ok) ++errors[i];
        latencies_ns[i].push_back(absl::ToInt64Nanoseconds(after - before));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<int64_t> all;
  LoadResult result;
  for (int i = 0; i < concurrency; ++i) {
    all.insert(all.end(), latencies_ns[i].begin(), latencies_ns[i].end());
    result.errors += errors[i];
  }
  result.calls = static_cast<int64_t>(all.size());
  result.qps = static_cast<double>(all.size()) / absl::ToDoubleSeconds(duration);
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    result.p50 = absl::Nanoseconds(all[all.size() / 2]);
    result.p99 = absl::Nanoseconds(all[std::min(all.size() - 1, all.size() * 99 / 100)]);
  }
  return result;
}

std::string FormatResult(const std::string& name, const LoadResult& result) {
  return absl::StrFormat("%-44s %10.0f qps  p50 %8.3f ms  p99 %8.3f ms  errors %lld", name,
                         result.qps, absl::ToDoubleMilliseconds(result.p50),
                         absl::ToDoubleMilliseconds(result.p99), result.errors);
}

}  // namespace crm::bench
