#include "common/api/resource_reference.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/split.h"

namespace crm::common {
namespace {

bool IsCollection(std::string_view word) {
  if (word.empty() || !absl::ascii_islower(static_cast<unsigned char>(word[0]))) return false;
  for (char c : word) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsId(std::string_view word) {
  if (word.empty() || word.size() > 19 || word[0] == '0') return false;
  for (char c : word) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return word.size() < 19 || word <= "9223372036854775807";
}

}  // namespace

absl::Status ValidateOptionalEmployee(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::OkStatus();
  return ParseResourceId(field, value, "employees").status();
}

absl::Status ValidateResourceReference(std::string_view field, std::string_view value) {
  const std::vector<std::string_view> parts = SplitOn(value, '/');
  bool ok = value.size() <= kMaxResourceReferenceChars && parts.size() % 2 == 0;
  for (size_t i = 0; ok && i < parts.size(); i += 2) {
    ok = IsCollection(parts[i]) && IsId(parts[i + 1]);
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %s is not a resource name (expected e.g. suppliers/42 or customers/1/serviceCases/4, "
      "at most %d characters)",
      std::string(field), QuoteValue(value), kMaxResourceReferenceChars));
}

}  // namespace crm::common
