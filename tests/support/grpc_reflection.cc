#include "tests/support/grpc_reflection.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/client_callback.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "crm/testing/v1/reflection_client.pb.h"

namespace crm::test_support {
namespace {

using crm::testing::v1::ReflectionRequest;
using crm::testing::v1::ReflectionResponse;

// One list_services exchange on the reflection stream.
class ListServicesReactor : public grpc::ClientBidiReactor<ReflectionRequest, ReflectionResponse> {
 public:
  grpc::Status Run(const std::shared_ptr<grpc::Channel>& channel, ReflectionResponse& response) {
    grpc::TemplatedGenericStub<ReflectionRequest, ReflectionResponse> stub(channel);
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    request_.set_list_services("*");
    stub.PrepareBidiStreamingCall(&context_,
                                  "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                  grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response);
    StartCall();
    done_.WaitForNotification();
    return status_;
  }
  void OnWriteDone(bool /*ok*/) override { StartWritesDone(); }
  void OnReadDone(bool /*ok*/) override {}
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

 private:
  grpc::ClientContext context_;
  ReflectionRequest request_;
  grpc::Status status_;
  absl::Notification done_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel) {
  ReflectionResponse response;
  ListServicesReactor reactor;
  grpc::Status status = reactor.Run(channel, response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("reflection: ", status.error_message()));
  }
  std::vector<std::string> names;
  for (const auto& service : response.list_services_response().service()) {
    names.push_back(service.name());
  }
  return names;
}

}  // namespace crm::test_support
