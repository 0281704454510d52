#ifndef CRM_COMMON_API_FINGERPRINT_H_
#define CRM_COMMON_API_FINGERPRINT_H_

#include <google/protobuf/message.h>

#include <string>

namespace crm::common {

// The message's bytes with a stable field order: the request fingerprint an
// idempotency record compares (a reused request_id with another body is
// rejected), and stable input for hashes.
std::string DeterministicBytes(const google::protobuf::Message& message);

}  // namespace crm::common

#endif  // CRM_COMMON_API_FINGERPRINT_H_
