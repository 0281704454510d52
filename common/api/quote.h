#ifndef CRM_COMMON_API_QUOTE_H_
#define CRM_COMMON_API_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace crm::common {

// Longest part of a caller-supplied value repeated back in an error message.
inline constexpr size_t kMaxQuotedCodePoints = 64;

// Renders a caller-supplied value for an error message: in double quotes, cut
// after kMaxQuotedCodePoints code points (then "..."), with `"` and `\`
// backslash-escaped, control, zero-width and bidirectional formatting
// characters as \n, \t, \r or \u{XXXX}, and ill-formed UTF-8 bytes as \xHH. The
// result is always one line of valid UTF-8 that shows what was sent, whatever
// the input.
std::string QuoteValue(std::string_view value);

}  // namespace crm::common

#endif  // CRM_COMMON_API_QUOTE_H_
