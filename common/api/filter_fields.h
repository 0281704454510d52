#ifndef CRM_COMMON_API_FILTER_FIELDS_H_
#define CRM_COMMON_API_FILTER_FIELDS_H_

#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/api/filter_parser.h"

namespace crm::common {

// How a filter compares a column with its value.
enum class Match { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual, kContains, kPrefix };

// What a filterable field holds, which decides the operators it accepts and
// how its value is read.
enum class FilterValueKind {
  kText,      // = != (a trailing * in = means "starts with"), : means "contains"
  kExact,     // = != on the value as written (ids, codes, team names)
  kDomain,    // = != on a web domain, compared lower-case
  kUpper,     // = != compared upper-case (tax ids)
  kEnum,      // = != on an enum value name, with or without its prefix (GOLD, TIER_GOLD)
  kResource,  // = != on a resource name "<collection>/<id>"; the value is the id
  kTime,      // = != < <= > >= on an RFC 3339 time; the value is a MySQL DATETIME text
  kDate,      // = != < <= > >= on a YYYY-MM-DD date; the value is that text (MySQL DATE)
  kBool,      // = on true / false
};

// One field a List filter may name.
template <typename Column>
struct FilterField {
  std::string_view name;
  Column column;
  FilterValueKind kind;
  const google::protobuf::EnumDescriptor* enum_type = nullptr;  // kEnum
  std::string_view collection = "";                             // kResource
};

// A resolved filter condition: ints for enums, ids and bools, strings otherwise.
template <typename Column>
struct Condition {
  Column column;
  Match match;
  std::variant<int64_t, std::string> value;
};

// Checks one term against the field's kind and converts its value.
// INVALID_ARGUMENT naming the field, operator or value that is not accepted.
absl::StatusOr<Match> ResolveMatch(const FilterTerm& term, FilterValueKind kind);
absl::StatusOr<std::variant<int64_t, std::string>> ResolveValue(
    const FilterTerm& term, FilterValueKind kind, const google::protobuf::EnumDescriptor* enum_type,
    std::string_view collection);

// Parses `filter` and resolves every term against `fields`; an unknown field is
// INVALID_ARGUMENT listing the known ones.
template <typename Column>
absl::StatusOr<std::vector<Condition<Column>>> ResolveFilter(
    std::string_view filter, absl::Span<const FilterField<Column>> fields);

std::string UnknownFilterFieldMessage(std::string_view field,
                                      const std::vector<std::string_view>& known);

template <typename Column>
absl::StatusOr<std::vector<Condition<Column>>> ResolveFilter(
    std::string_view filter, absl::Span<const FilterField<Column>> fields) {
  absl::StatusOr<std::vector<FilterTerm>> terms = ParseFilter(filter);
  if (!terms.ok()) return terms.status();
  std::vector<Condition<Column>> conditions;
  for (const FilterTerm& term : *terms) {
    const FilterField<Column>* field = nullptr;
    std::vector<std::string_view> known;
    for (const FilterField<Column>& candidate : fields) {
      known.push_back(candidate.name);
      if (candidate.name == term.field) field = &candidate;
    }
    if (field == nullptr) {
      return absl::InvalidArgumentError(UnknownFilterFieldMessage(term.field, known));
    }
    absl::StatusOr<Match> match = ResolveMatch(term, field->kind);
    if (!match.ok()) return match.status();
    auto value = ResolveValue(term, field->kind, field->enum_type, field->collection);
    if (!value.ok()) return value.status();
    if (*match == Match::kEqual && field->kind == FilterValueKind::kText &&
        term.value.size() > 1 && term.value.back() == '*') {
      *match = Match::kPrefix;
      value = std::string(term.value.substr(0, term.value.size() - 1));
    }
    conditions.push_back({field->column, *match, *std::move(value)});
  }
  return conditions;
}

}  // namespace crm::common

#endif  // CRM_COMMON_API_FILTER_FIELDS_H_
