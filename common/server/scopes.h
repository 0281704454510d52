#ifndef CRM_COMMON_SERVER_SCOPES_H_
#define CRM_COMMON_SERVER_SCOPES_H_

#include <array>
#include <string_view>

namespace crm::common {

// Permissions a bearer token can carry (see TokenAuthenticator). Every RPC
// requires exactly one of them.
inline constexpr std::string_view kCustomersRead = "customers.read";
inline constexpr std::string_view kCustomersWrite = "customers.write";
inline constexpr std::string_view kSuppliersRead = "suppliers.read";
inline constexpr std::string_view kSuppliersWrite = "suppliers.write";
inline constexpr std::string_view kPartnersRead = "partners.read";
inline constexpr std::string_view kPartnersWrite = "partners.write";
inline constexpr std::string_view kWorkflowsRead = "workflows.read";
inline constexpr std::string_view kWorkflowsRun = "workflows.run";

inline constexpr std::array<std::string_view, 8> kAllScopes = {
    kCustomersRead, kCustomersWrite, kSuppliersRead, kSuppliersWrite,
    kPartnersRead,  kPartnersWrite,  kWorkflowsRead, kWorkflowsRun,
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_SCOPES_H_
