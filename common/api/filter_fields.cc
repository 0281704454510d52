#include "common/api/filter_fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"

namespace crm::common {
namespace {

constexpr size_t kMaxFilterValueChars = 200;

absl::Status UnsupportedOperator(const FilterTerm& term, std::string_view allowed) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "filter: operator %s is not supported for %s (use %s)",
      common::QuoteValue(FilterOperatorText(term.op)), common::QuoteValue(term.field), allowed));
}

absl::Status BadValue(const FilterTerm& term, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrFormat("filter: %s is not a valid value for %s (%s)",
                                                    common::QuoteValue(term.value),
                                                    common::QuoteValue(term.field), expected));
}

}  // namespace

std::string UnknownFilterFieldMessage(std::string_view field,
                                      const std::vector<std::string_view>& known) {
  std::string names;
  for (std::string_view name : known) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return absl::StrFormat("filter: unknown field %s (filterable fields: %s)",
                         common::QuoteValue(field), names);
}

absl::StatusOr<Match> ResolveMatch(const FilterTerm& term, FilterValueKind kind) {
  switch (term.op) {
    case FilterOperator::kEqual:
      return Match::kEqual;
    case FilterOperator::kNotEqual:
      if (kind == FilterValueKind::kBool) return UnsupportedOperator(term, "=");
      return Match::kNotEqual;
    case FilterOperator::kHas:
      if (kind != FilterValueKind::kText) break;
      return Match::kContains;
    case FilterOperator::kLess:
    case FilterOperator::kLessOrEqual:
    case FilterOperator::kGreater:
    case FilterOperator::kGreaterOrEqual:
      if (kind != FilterValueKind::kTime && kind != FilterValueKind::kDate) break;
      switch (term.op) {
        case FilterOperator::kLess: return Match::kLess;
        case FilterOperator::kLessOrEqual: return Match::kLessOrEqual;
        case FilterOperator::kGreater: return Match::kGreater;
        default: return Match::kGreaterOrEqual;
      }
  }
  switch (kind) {
    case FilterValueKind::kText: return UnsupportedOperator(term, "=, != or :");
    case FilterValueKind::kTime:
    case FilterValueKind::kDate: return UnsupportedOperator(term, "=, !=, <, <=, > or >=");
    case FilterValueKind::kBool: return UnsupportedOperator(term, "=");
    default: return UnsupportedOperator(term, "= or !=");
  }
}

absl::StatusOr<std::variant<int64_t, std::string>> ResolveValue(
    const FilterTerm& term, FilterValueKind kind, const google::protobuf::EnumDescriptor* enum_type,
    std::string_view collection) {
  if (absl::Status utf8 = common::ValidateLength("filter", term.value, 0, kMaxFilterValueChars);
      !utf8.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "filter: the value for %s must be valid UTF-8 of at most %d characters",
        common::QuoteValue(term.field), kMaxFilterValueChars));
  }
  switch (kind) {
    case FilterValueKind::kText:
    case FilterValueKind::kExact:
      return std::string(term.value);
    case FilterValueKind::kDomain:
      return common::NormalizeDomain(term.value);
    case FilterValueKind::kUpper:
      return absl::AsciiStrToUpper(term.value);
    case FilterValueKind::kEnum: {
      // Values are named <ENUM>_<VALUE> with <ENUM>_UNSPECIFIED first; accept both forms.
      const std::string& unspecified = enum_type->value(0)->name();
      const std::string prefix = unspecified.substr(0, unspecified.rfind("UNSPECIFIED"));
      const google::protobuf::EnumValueDescriptor* value = enum_type->FindValueByName(term.value);
      if (value == nullptr) value = enum_type->FindValueByName(absl::StrCat(prefix, term.value));
      if (value == nullptr || value->number() == 0) {
        std::vector<std::string> names;
        for (int i = 1; i < enum_type->value_count(); ++i) {
          names.push_back(enum_type->value(i)->name().substr(prefix.size()));
        }
        return BadValue(term, absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      return static_cast<int64_t>(value->number());
    }
    case FilterValueKind::kResource: {
      absl::StatusOr<int64_t> id = common::ParseResourceId("filter", term.value, collection);
      if (!id.ok()) return BadValue(term, absl::StrFormat("expected %s/{id}", collection));
      return *id;
    }
    case FilterValueKind::kTime: {
      absl::Time time;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, term.value, &time, &error)) {
        return BadValue(term, "expected an RFC 3339 time such as 2024-01-31T12:00:00Z");
      }
      return common::FormatMysqlDatetime(time);
    }
    case FilterValueKind::kDate: {
      absl::StatusOr<CalendarDate> date = ParseIsoDate(term.value);
      if (!date.ok()) return BadValue(term, "expected a date such as 2024-01-31");
      return FormatIsoDate(*date);
    }
    case FilterValueKind::kBool:
      if (term.value == "true") return int64_t{1};
      if (term.value == "false") return int64_t{0};
      return BadValue(term, "expected true or false");
  }
  return BadValue(term, "unsupported field");
}

}  // namespace crm::common
