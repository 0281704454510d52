#ifndef CRM_COMMON_SERVER_METRICS_ENDPOINT_H_
#define CRM_COMMON_SERVER_METRICS_ENDPOINT_H_

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::common {

// Serves Prometheus text format over HTTP at http://<address>/metrics until
// destroyed. The collectables must outlive it.
class MetricsEndpoint {
 public:
  // `address` is "host:port" (port 0 picks a free one). A port that cannot be
  // bound → UNAVAILABLE naming the address.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address,
      const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables);

  // The port actually bound.
  int port() const;

 private:
  explicit MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer);

  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_METRICS_ENDPOINT_H_
