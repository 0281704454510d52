#ifndef CRM_COMMON_SERVER_INTERCEPTORS_H_
#define CRM_COMMON_SERVER_INTERCEPTORS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <vector>

#include "common/server/metrics.h"

namespace crm::common {

// Gives every call exactly one request id, visible to the handler and the
// client: a valid client-supplied `x-request-id` is kept, otherwise a fresh
// id replaces it in the received metadata (so CallRunner, which reads the
// metadata, sees the same id). The id is echoed to the client as
// `x-request-id` in the initial metadata.
class RequestIdInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// Writes one access-log line per call (method, code, duration_ms, peer,
// request id; at debug level for gRPC's own health and reflection services)
// and records every call in `metrics`, which must outlive the server.
class AccessLogInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AccessLogInterceptorFactory(CallMetrics& metrics);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  CallMetrics& metrics_;
};

// Both of the above, ready for ServerBuilder::experimental()
// .SetInterceptorCreators().
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeServerInterceptors(CallMetrics& metrics);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_INTERCEPTORS_H_
