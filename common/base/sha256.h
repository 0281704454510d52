#ifndef CRM_COMMON_BASE_SHA256_H_
#define CRM_COMMON_BASE_SHA256_H_

#include <string>
#include <string_view>

namespace crm::common {

// The 32 raw bytes of SHA-256(data).
std::string Sha256(std::string_view data);

// SHA-256(data) as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace crm::common

#endif  // CRM_COMMON_BASE_SHA256_H_
