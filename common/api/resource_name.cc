#include "common/api/resource_name.h"

#include <charconv>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/split.h"

namespace crm::common {
namespace {

// "customers/{id}/interactions/{id}".
std::string Pattern(absl::Span<const std::string_view> collections) {
  std::string pattern;
  for (std::string_view collection : collections) {
    if (!pattern.empty()) pattern.push_back('/');
    pattern.append(collection).append("/{id}");
  }
  return pattern;
}

absl::Status InvalidName(std::string_view field, std::string_view name,
                         absl::Span<const std::string_view> collections) {
  const std::string_view noun = collections.empty() ? "resource" : collections.back();
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s is not a valid %s name (expected %s)",
                                                    field, QuoteValue(name), noun,
                                                    Pattern(collections)));
}

// A positive int64 in canonical decimal: ASCII digits only, no leading zero.
bool ParseId(std::string_view text, int64_t* id) {
  if (text.empty() || text.front() == '0') return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  const char* end = text.data() + text.size();
  const auto [parsed_to, error] = std::from_chars(text.data(), end, *id);
  return error == std::errc() && parsed_to == end;  // fails above INT64_MAX
}

}  // namespace

absl::StatusOr<int64_t> ParseResourceId(std::string_view field, std::string_view name,
                                        std::string_view collection) {
  absl::StatusOr<std::vector<int64_t>> ids = ParseNestedResourceName(field, name, {collection});
  if (!ids.ok()) return ids.status();
  return ids->front();
}

absl::StatusOr<std::vector<int64_t>> ParseNestedResourceName(
    std::string_view field, std::string_view name, absl::Span<const std::string_view> collections) {
  const std::vector<std::string_view> segments = SplitOn(name, '/');
  if (collections.empty() || segments.size() != 2 * collections.size()) {
    return InvalidName(field, name, collections);
  }
  std::vector<int64_t> ids;
  ids.reserve(collections.size());
  for (size_t i = 0; i < collections.size(); ++i) {
    int64_t id = 0;
    if (segments[2 * i] != collections[i] || !ParseId(segments[2 * i + 1], &id)) {
      return InvalidName(field, name, collections);
    }
    ids.push_back(id);
  }
  return ids;
}

std::string FormatResourceName(std::string_view collection, int64_t id) {
  return absl::StrFormat("%s/%d", collection, id);
}

std::string FormatNestedResourceName(absl::Span<const ResourceSegment> segments) {
  std::string name;
  for (const ResourceSegment& segment : segments) {
    if (!name.empty()) name.push_back('/');
    absl::StrAppendFormat(&name, "%s/%d", segment.collection, segment.id);
  }
  return name;
}

}  // namespace crm::common
