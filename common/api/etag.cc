#include "common/api/etag.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/api/quote.h"

namespace crm::common {
namespace {

// Crockford's base32 alphabet (no i, l, o, u), lowercase.
constexpr std::string_view kDigits = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr int kBitsPerDigit = 5;
// 64 bits need 13 digits, the leading one carrying only 4 bits.
constexpr size_t kMaxDigits = 13;

absl::Status MalformedEtag(std::string_view field, std::string_view etag) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %s is not an etag returned by this service; use the etag from your last read", field,
      QuoteValue(etag)));
}

}  // namespace

std::string FormatEtag(int64_t version) {
  // The bit pattern is encoded, so every int64 round-trips.
  auto bits = static_cast<uint64_t>(version);
  std::string etag;
  do {
    etag.push_back(kDigits[bits & 0x1F]);
    bits >>= kBitsPerDigit;
  } while (bits != 0);
  std::reverse(etag.begin(), etag.end());
  return etag;
}

absl::StatusOr<int64_t> ParseEtag(std::string_view field, std::string_view etag) {
  if (etag.empty() || etag.size() > kMaxDigits || (etag.size() > 1 && etag.front() == '0')) {
    return MalformedEtag(field, etag);
  }
  uint64_t bits = 0;
  for (char c : etag) {
    const size_t digit = kDigits.find(c);
    if (digit == std::string_view::npos) return MalformedEtag(field, etag);
    if (bits >> (64 - kBitsPerDigit) != 0) return MalformedEtag(field, etag);  // would overflow
    bits = (bits << kBitsPerDigit) | digit;
  }
  return static_cast<int64_t>(bits);
}

absl::Status CheckEtag(std::string_view supplied, int64_t current_version,
                       std::string_view resource_name, std::string_view field) {
  if (supplied.empty()) return absl::OkStatus();
  absl::StatusOr<int64_t> version = ParseEtag(field, supplied);
  if (!version.ok()) return version.status();
  if (*version != current_version) {
    return absl::AbortedError(absl::StrFormat(
        "etag %s is stale for %s: it was modified since you read it; re-read and retry",
        QuoteValue(supplied), resource_name));
  }
  return absl::OkStatus();
}

}  // namespace crm::common
