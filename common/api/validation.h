#ifndef CRM_COMMON_API_VALIDATION_H_
#define CRM_COMMON_API_VALIDATION_H_

#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/api/country.h"    // IWYU pragma: export
#include "common/api/currency.h"   // IWYU pragma: export
#include "common/api/validator.h"  // IWYU pragma: export

namespace crm::common {

// Input validators for request fields. Each returns OK or INVALID_ARGUMENT
// with a message that starts with `field` ("customer.email: ...") and says
// what is wrong. The code lists and the Validator collector live in the
// headers exported above.

// Rejects ill-formed UTF-8 (overlong forms, surrogates, truncated sequences,
// stray bytes) and NUL bytes, naming the byte offset of the first problem.
absl::Status ValidateUtf8(std::string_view field, std::string_view value);

// Valid UTF-8 of min_chars..max_chars code points.
absl::Status ValidateLength(std::string_view field, std::string_view value, size_t min_chars,
                            size_t max_chars);

// Valid UTF-8, not empty or only whitespace, at most max_chars code points.
absl::Status ValidateRequiredText(std::string_view field, std::string_view value, size_t max_chars);

// A pragmatic email address check: one @; before it 1..64 of the characters
// HTML forms accept (letters, digits, !#$%&'*+/=?^_`{|}~-, and dots that do
// not lead, trail or double); after it a domain as ValidateDomain checks it;
// at most 254 characters. ASCII only: internationalized domains in punycode.
absl::Status ValidateEmail(std::string_view field, std::string_view value);

// Empty is OK (the field is optional); anything else as ValidateEmail.
absl::Status ValidateOptionalEmail(std::string_view field, std::string_view value);

// An international phone number: "+", the country code and number, 8 to 15
// digits in all (E.164), optionally grouped with spaces, dashes, dots and
// parentheses ("+1 (415) 555-0123"). The national trunk prefix "(0)" is
// rejected, since dropping it silently would change the number.
absl::Status ValidatePhone(std::string_view field, std::string_view value);

// Empty is OK (the field is optional); anything else as ValidatePhone.
absl::Status ValidateOptionalPhone(std::string_view field, std::string_view value);

// The E.164 form of a number ValidatePhone accepts ("+14155550123"); "" for
// anything it rejects.
std::string NormalizePhone(std::string_view value);

// `value` must be a number defined in `descriptor`. 0 (the *_UNSPECIFIED
// value) is "<field>: must be set" unless allow_unspecified.
absl::Status ValidateEnum(std::string_view field, int value,
                          const google::protobuf::EnumDescriptor& descriptor,
                          bool allow_unspecified = false);

// min <= value <= max.
absl::Status ValidateRange(std::string_view field, int64_t value, int64_t min, int64_t max);

// A web domain name ("example.com", any letter case): at least two labels of
// 1..63 letters, digits and hyphens, not starting or ending with a hyphen, a
// top-level label that is not all digits, at most 253 characters. ASCII only:
// internationalized domains in punycode ("xn--...").
absl::Status ValidateDomain(std::string_view field, std::string_view value);

// The form a domain is stored and compared in: ASCII lowercase.
std::string NormalizeDomain(std::string_view value);

// A client-chosen idempotency key: empty (none) or at most 128 of
// [A-Za-z0-9._:-], so UUIDs and ULIDs pass.
absl::Status ValidateRequestId(std::string_view field, std::string_view value);

}  // namespace crm::common

#endif  // CRM_COMMON_API_VALIDATION_H_
