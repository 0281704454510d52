#include "common/api/order_by.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/quote.h"
#include "common/api/split.h"

namespace crm::common {

absl::StatusOr<OrderBy> ParseOrderBy(std::string_view order_by,
                                     const std::vector<std::string_view>& allowed) {
  std::vector<std::string_view> words;
  for (std::string_view word : SplitOn(order_by, ' ')) {
    if (!word.empty()) words.push_back(word);
  }
  if (words.empty()) return OrderBy{};
  const bool direction_ok =
      words.size() == 1 || (words.size() == 2 && (words[1] == "desc" || words[1] == "asc"));
  for (size_t i = 0; direction_ok && i < allowed.size(); ++i) {
    if (words[0] == allowed[i]) return OrderBy{i, words.size() == 2 && words[1] == "desc"};
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  std::string choices = names.size() <= 1 ? absl::StrJoin(names, "")
                                          : absl::StrCat(absl::StrJoin(names.begin(),
                                                                       names.end() - 1, ", "),
                                                         " or ", names.back());
  return absl::InvalidArgumentError(
      absl::StrFormat("order_by: %s is not supported (use %s, optionally followed by \" desc\")",
                      QuoteValue(order_by), choices));
}

absl::Status ParseOrderByInto(std::string_view order_by,
                              const std::vector<std::string_view>& allowed, size_t& index,
                              bool& descending) {
  const absl::string_view trimmed =
      absl::StripAsciiWhitespace(absl::string_view(order_by.data(), order_by.size()));
  if (trimmed.empty()) return absl::OkStatus();
  absl::StatusOr<OrderBy> parsed =
      ParseOrderBy(std::string_view(trimmed.data(), trimmed.size()), allowed);
  if (!parsed.ok()) return parsed.status();
  index = parsed->field;
  descending = parsed->descending;
  return absl::OkStatus();
}

}  // namespace crm::common
