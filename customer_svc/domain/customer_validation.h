#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_VALIDATION_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_VALIDATION_H_

#include "absl/status/status.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {

// Limits of the Customer fields (customer.proto documents them).
inline constexpr size_t kMaxDisplayNameChars = 200;
inline constexpr size_t kMaxNeedsTags = 50;
inline constexpr size_t kMaxNeedsTagChars = 50;
inline constexpr size_t kMaxNeedsTextChars = 4000;
inline constexpr size_t kMaxContacts = 100;
inline constexpr size_t kMaxAddressLines = 5;
inline constexpr size_t kMaxEvidenceChars = 500;
inline constexpr size_t kMaxReasonChars = 1000;

// Checks every caller-settable field of `customer` (field paths are reported
// under "customer.") and brings it into its stored form: web domain lower-case
// without "www.", tax id upper-case, phones in E.164, needs tags lower-case and
// de-duplicated, empty lifecycle stage / tier defaulted to LEAD / STANDARD.
// Output-only fields are not looked at. The first problem is INVALID_ARGUMENT
// naming the field and why.
absl::Status NormalizeCustomer(v1::Customer& customer);

// A consent as given on create or through SetCustomerConsent: evidence is
// required (at most 500 characters) when the consent is granted.
absl::Status ValidateConsent(std::string_view field, const v1::Consent& consent);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_VALIDATION_H_
