#ifndef CRM_COMMON_API_PARTY_VALIDATION_H_
#define CRM_COMMON_API_PARTY_VALIDATION_H_

// Validation of what every stakeholder record (customer, supplier, partner)
// carries: its organization key, postal address and contact people. Field
// paths in messages start with the caller's prefix, e.g.
// "supplier.organization_key.web_domain: ...".

#include <google/protobuf/repeated_ptr_field.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/common/v1/contact.pb.h"
#include "crm/common/v1/organization_key.pb.h"

namespace crm::common {

inline constexpr size_t kMaxTaxIdChars = 32;
inline constexpr size_t kMaxAddressLines = 5;
inline constexpr size_t kMaxAddressLineChars = 200;
inline constexpr size_t kMaxAddressPartChars = 100;
inline constexpr size_t kMaxPostalCodeChars = 20;
inline constexpr size_t kMaxContacts = 100;
inline constexpr size_t kMaxContactTextChars = 200;

// A web domain in its stored form: lower-case, without a trailing dot or a
// leading "www.".
std::string NormalizeWebDomain(std::string_view domain);

// Checks and normalizes a key: web domain (a valid domain, stored by
// NormalizeWebDomain), tax id (a two-letter country prefix and 2 to 30 letters
// or digits, stored upper-case). Both may be empty.
absl::Status NormalizeOrganizationKey(std::string_view prefix,
                                      crm::common::v1::OrganizationKey& key);

// At most 5 non-empty address lines of 200 characters, locality and
// administrative area up to 100, postal code up to 20, an ISO 3166 region code.
absl::Status ValidatePostalAddress(std::string_view prefix,
                                   const crm::common::v1::PostalAddress& address);

// At most 100 contacts, each with a display name, optional role, e-mail and
// phone (stored in E.164); at most one primary.
absl::Status NormalizeContacts(
    std::string_view prefix,
    google::protobuf::RepeatedPtrField<crm::common::v1::ContactPerson>& contacts);

// Finds the id of the live record other than the one being written that holds
// a web domain or tax id (nullopt when none does).
using OrganizationKeyLookup =
    absl::FunctionRef<absl::StatusOr<std::optional<int64_t>>(std::string_view value)>;

// ALREADY_EXISTS "<prefix>.web_domain: "acme.example" is already the web
// domain of suppliers/7" (or tax id) when another live record of `collection`
// holds a part of `key`.
absl::Status CheckOrganizationKeyFree(std::string_view prefix, std::string_view collection,
                                      const crm::common::v1::OrganizationKey& key,
                                      OrganizationKeyLookup find_web_domain,
                                      OrganizationKeyLookup find_tax_id);

}  // namespace crm::common

#endif  // CRM_COMMON_API_PARTY_VALIDATION_H_
