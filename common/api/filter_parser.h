#ifndef CRM_COMMON_API_FILTER_PARSER_H_
#define CRM_COMMON_API_FILTER_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::common {

// The small AIP-160 subset List filters accept: comparisons joined by AND.
//   lifecycle_stage = ACTIVE AND tier = GOLD AND display_name : "acme"
// A comparison is `<field> <operator> <value>`; the field is a dotted name
// (organization_key.web_domain), the operator one of = != < <= > >= : and the
// value either a bare word (letters, digits and _ . - / @ + *) or a double-quoted
// string in which \" and \\ are escapes. OR, NOT and parentheses are rejected.
enum class FilterOperator { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual, kHas };

struct FilterTerm {
  std::string field;
  FilterOperator op;
  std::string value;

  friend bool operator==(const FilterTerm&, const FilterTerm&) = default;
};

// "" gives no terms. Syntax errors are INVALID_ARGUMENT "filter: ..." naming
// what was found and where.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(std::string_view filter);

// "=", "!=", ... as written in a filter.
std::string_view FilterOperatorText(FilterOperator op);

}  // namespace crm::common

#endif  // CRM_COMMON_API_FILTER_PARSER_H_
