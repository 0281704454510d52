#include "common/server/metrics.h"

#include "absl/status/status.h"

namespace crm::common {
namespace {

// Seconds; from a cached point read to a slow multi-statement transaction.
const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

}  // namespace

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC and absl share the canonical code numbering.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

CallMetrics::CallMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("crm_grpc_requests_total")
                    .Help("gRPC calls handled, by method and status code.")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("crm_grpc_request_duration_seconds")
                     .Help("Time from receiving a gRPC call to sending its "
                           "status, by method.")
                     .Register(*registry_)) {}

void CallMetrics::Record(std::string_view method, grpc::StatusCode code, absl::Duration duration) {
  const std::string method_label(method);
  requests_.Add({{"method", method_label}, {"code", StatusCodeName(code)}}).Increment();
  durations_.Add({{"method", method_label}}, DurationBuckets())
      .Observe(absl::ToDoubleSeconds(duration));
}

}  // namespace crm::common
