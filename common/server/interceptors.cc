#include "common/server/interceptors.h"

#include <grpcpp/server_context.h>

#include <map>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/server/request_id.h"

namespace crm::common {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;

grpc::string_ref RequestIdKey() {
  return grpc::string_ref(kRequestIdMetadataKey.data(), kRequestIdMetadataKey.size());
}

class RequestIdInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::multimap<grpc::string_ref, grpc::string_ref>* received =
          methods->GetRecvInitialMetadata();
      request_id_ = RequestIdFor(*received);
      // The map holds views: the id lives in this interceptor, which lives
      // as long as the call.
      received->erase(RequestIdKey());
      received->emplace(RequestIdKey(), grpc::string_ref(request_id_));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        !request_id_.empty()) {
      methods->GetSendInitialMetadata()->emplace(std::string(kRequestIdMetadataKey), request_id_);
    }
    methods->Proceed();
  }

 private:
  std::string request_id_;
};

class AccessLogInterceptor : public grpc::experimental::Interceptor {
 public:
  AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info, CallMetrics& metrics)
      : info_(info), metrics_(metrics), start_(absl::Now()) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Report(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Report(grpc::StatusCode code) {
    const absl::Duration duration = absl::Now() - start_;
    const std::string method = info_->method();
    metrics_.Record(method, code, duration);
    grpc::ServerContextBase* context = info_->server_context();
    ScopedRequestId bound(SuppliedRequestId(context->client_metadata()));
    // gRPC's own services (health probes every few seconds, reflection)
    // would drown the application's calls at info level.
    const LogLevel level = absl::StartsWith(method, "/grpc.") ? LogLevel::kDebug : LogLevel::kInfo;
    Log(level, "grpc call",
        {{"method", method},
         {"code", StatusCodeName(code)},
         {"duration_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(duration))},
         {"peer", context->peer()}});
  }

  grpc::experimental::ServerRpcInfo* info_;
  CallMetrics& metrics_;
  const absl::Time start_;
};

}  // namespace

grpc::experimental::Interceptor* RequestIdInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* /*info*/) {
  return new RequestIdInterceptor();
}

AccessLogInterceptorFactory::AccessLogInterceptorFactory(CallMetrics& metrics)
    : metrics_(metrics) {}

grpc::experimental::Interceptor* AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info, metrics_);
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeServerInterceptors(CallMetrics& metrics) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<RequestIdInterceptorFactory>());
  factories.push_back(std::make_unique<AccessLogInterceptorFactory>(metrics));
  return factories;
}

}  // namespace crm::common
