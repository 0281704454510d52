#ifndef CRM_TESTS_BENCH_LOAD_H_
#define CRM_TESTS_BENCH_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"

namespace crm::bench {

struct LoadResult {
  double qps = 0;
  absl::Duration p50;
  absl::Duration p99;
  int64_t calls = 0;
  int64_t errors = 0;
};

// One closed-loop client: performs one call, returns false on error.
using Call = std::function<bool()>;

// Runs `concurrency` threads, each calling its own Call (made by
// make_call(thread_index)) back to back: first for `warmup` (not counted),
// then for `duration`. Reports throughput and latency percentiles.
LoadResult RunClosedLoop(int concurrency, absl::Duration warmup, absl::Duration duration,
                         const std::function<Call(int)>& make_call);

// "  name  qps  p50  p99  errors" as one aligned line.
std::string FormatResult(const std::string& name, const LoadResult& result);

}  // namespace crm::bench

#endif  // CRM_TESTS_BENCH_LOAD_H_
