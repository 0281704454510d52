#ifndef CRM_COMMON_SERVER_REQUEST_ID_H_
#define CRM_COMMON_SERVER_REQUEST_ID_H_

#include <grpcpp/support/string_ref.h>

#include <map>
#include <string>
#include <string_view>

namespace crm::common {

// Metadata key carrying the request id, both from the client (optional) and
// back to it (always, in the initial metadata).
inline constexpr std::string_view kRequestIdMetadataKey = "x-request-id";

// A client-supplied id is accepted when it is 1..128 printable ASCII
// characters (0x20..0x7e), so it is safe to log and to echo.
bool IsValidRequestId(std::string_view id);

// 32 lowercase hex digits from 128 random bits.
std::string GenerateRequestId();

// The valid x-request-id from the client metadata, or "" when absent/invalid.
std::string SuppliedRequestId(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata);

// The call's request id: the supplied one when valid, otherwise a fresh one.
std::string RequestIdFor(const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_REQUEST_ID_H_
