#ifndef CRM_COMMON_SERVER_METRICS_H_
#define CRM_COMMON_SERVER_METRICS_H_

#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace crm::common {

// Per-call Prometheus metrics of a gRPC server:
//   crm_grpc_requests_total{method,code}          counter
//   crm_grpc_request_duration_seconds{method}     histogram
// `method` is the full gRPC method ("/crm.customer.v1.CustomerService/Get"),
// `code` the canonical status name ("OK", "NOT_FOUND", ...).
class CallMetrics {
 public:
  CallMetrics();

  CallMetrics(const CallMetrics&) = delete;
  CallMetrics& operator=(const CallMetrics&) = delete;

  // Thread-safe.
  void Record(std::string_view method, grpc::StatusCode code, absl::Duration duration);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
};

// "OK", "INVALID_ARGUMENT", ... for a gRPC status code.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_METRICS_H_
