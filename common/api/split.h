#ifndef CRM_COMMON_API_SPLIT_H_
#define CRM_COMMON_API_SPLIT_H_

#include <string_view>
#include <vector>

namespace crm::common {

// Splits `text` at every `separator`, keeping empty pieces: "a..b" on '.'
// gives {"a", "", "b"}, "" gives {""}. (absl::StrSplit does not take
// std::string_view with this Abseil build.)
std::vector<std::string_view> SplitOn(std::string_view text, char separator);

}  // namespace crm::common

#endif  // CRM_COMMON_API_SPLIT_H_
