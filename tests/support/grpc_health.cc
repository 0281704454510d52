#include "tests/support/grpc_health.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/base/grpc_status.h"

namespace crm::test_support {
namespace {

using google::protobuf::internal::WireFormatLite;

// grpc++ ships the health service but no client stubs, and the two messages
// are tiny, so they are encoded by hand:
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }
grpc::ByteBuffer EncodeRequest(const std::string& service) {
  std::string bytes;
  if (!service.empty()) {
    bytes.push_back(
        static_cast<char>(WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)));
    uint64_t length = service.size();
    while (length >= 0x80) {
      bytes.push_back(static_cast<char>((length & 0x7f) | 0x80));
      length >>= 7;
    }
    bytes.push_back(static_cast<char>(length));
    bytes += service;
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<HealthStatus> DecodeResponse(const grpc::ByteBuffer& buffer) {
  grpc::Slice slice;
  if (!buffer.DumpToSingleSlice(&slice).ok()) {
    return absl::InternalError("cannot read the health check response");
  }
  google::protobuf::io::CodedInputStream input(slice.begin(), static_cast<int>(slice.size()));
  uint32_t status = 0;  // proto3 default: UNKNOWN
  while (uint32_t tag = input.ReadTag()) {
    if (tag == WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_VARINT)) {
      if (!input.ReadVarint32(&status)) break;
    } else if (!WireFormatLite::SkipField(&input, tag)) {
      return absl::InternalError("malformed health check response");
    }
  }
  if (status > static_cast<uint32_t>(HealthStatus::kServiceUnknown)) {
    return absl::InternalError(absl::StrCat("unknown serving status ", status));
  }
  return static_cast<HealthStatus>(status);
}

}  // namespace

std::string HealthStatusName(HealthStatus status) {
  switch (status) {
    case HealthStatus::kUnknown:
      return "UNKNOWN";
    case HealthStatus::kServing:
      return "SERVING";
    case HealthStatus::kNotServing:
      return "NOT_SERVING";
    case HealthStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
  }
  return "UNKNOWN";
}

absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::ByteBuffer request = EncodeRequest(service);
  grpc::ByteBuffer response;
  grpc::Status rpc_status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) {
                   rpc_status = std::move(status);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!rpc_status.ok()) return common::FromGrpcStatus(rpc_status);
  return DecodeResponse(response);
}

absl::Status WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& service, HealthStatus want, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last;
  while (true) {
    absl::StatusOr<HealthStatus> status = CheckHealth(channel, service, absl::Seconds(1));
    if (status.ok() && *status == want) return absl::OkStatus();
    last = status.ok() ? HealthStatusName(*status) : status.status().ToString();
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("health of \"", service, "\" was not ", HealthStatusName(want), " within ",
                   absl::FormatDuration(timeout), "; last answer: ", last));
}

}  // namespace crm::test_support
