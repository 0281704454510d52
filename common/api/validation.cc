#include "common/api/validation.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/split.h"
#include "common/api/utf8.h"

namespace crm::common {
namespace {

constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxEmailLocalChars = 64;
constexpr size_t kMaxDomainChars = 253;
constexpr size_t kMaxDomainLabelChars = 63;
constexpr size_t kMaxPhoneInputChars = 32;
constexpr size_t kMinPhoneDigits = 8;
constexpr size_t kMaxPhoneDigits = 15;
constexpr size_t kMaxRequestIdChars = 128;

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", field, problem));
}

bool IsAscii(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Unicode White_Space.
bool IsWhitespace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// True when `value` (valid UTF-8) has only White_Space code points.
bool IsBlank(std::string_view value) {
  for (size_t offset = 0; offset < value.size();) {
    const Utf8Sequence sequence = DecodeUtf8(value, offset);
    if (!IsWhitespace(sequence.code_point)) return false;
    offset += sequence.length;
  }
  return true;
}

std::string QuoteChar(char c) { return QuoteValue(std::string_view(&c, 1)); }

// Why `domain` is not a valid domain name, or "" when it is.
std::string DomainProblem(std::string_view domain) {
  if (domain.empty()) return "the domain is empty";
  if (!IsAscii(domain)) {
    return "it has non-ASCII characters; write internationalized domains in punycode (xn--...)";
  }
  if (domain.find_first_of("/:") != std::string_view::npos) {
    return "give the bare domain, without scheme, port or path";
  }
  if (domain.size() > kMaxDomainChars) {
    return absl::StrFormat("the domain is longer than %d characters", kMaxDomainChars);
  }
  const std::vector<std::string_view> labels = SplitOn(domain, '.');
  if (labels.size() < 2) return "it needs at least two labels separated by a dot";
  for (std::string_view label : labels) {
    if (label.empty()) return "it has an empty label (a leading, trailing or double dot)";
    if (label.size() > kMaxDomainLabelChars) {
      return absl::StrFormat("label %s is longer than %d characters", QuoteValue(label),
                             kMaxDomainLabelChars);
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return absl::StrFormat(
            "label %s has %s; labels may contain only letters, digits and hyphens",
            QuoteValue(label), QuoteChar(c));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return absl::StrFormat("label %s starts or ends with a hyphen", QuoteValue(label));
    }
  }
  const std::string_view top_level = labels.back();
  if (std::all_of(top_level.begin(), top_level.end(),
                  [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return absl::StrFormat("the top-level label %s is all digits", QuoteValue(top_level));
  }
  return "";
}

// The characters HTML forms accept before the @ of an email address, besides
// letters, digits and dots.
bool IsEmailLocalSymbol(char c) {
  return std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

// Why `local` (the part before @) is not valid, or "" when it is.
std::string EmailLocalPartProblem(std::string_view local) {
  if (local.empty()) return "the part before @ is empty";
  if (local.size() > kMaxEmailLocalChars) {
    return absl::StrFormat("the part before @ is longer than %d characters", kMaxEmailLocalChars);
  }
  for (char c : local) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && !IsEmailLocalSymbol(c)) {
      return absl::StrFormat("the part before @ may not contain %s", QuoteChar(c));
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "the part before @ starts or ends with a dot or has two dots in a row";
  }
  return "";
}

// Why `email` (valid UTF-8) is not an address ValidateEmail accepts, or ""
// when it is.
std::string EmailProblem(std::string_view email) {
  if (!IsAscii(email)) {
    return "only ASCII characters are accepted; write internationalized domains in punycode "
           "(xn--...)";
  }
  const std::vector<std::string_view> parts = SplitOn(email, '@');
  if (parts.size() != 2) return "it must contain exactly one @";
  if (std::string problem = EmailLocalPartProblem(parts[0]); !problem.empty()) return problem;
  if (std::string problem = DomainProblem(parts[1]); !problem.empty()) {
    return absl::StrFormat("after the @: %s", problem);
  }
  return "";
}

bool IsPhoneSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

// Why `value` is not a phone number ValidatePhone accepts, or "" when it is.
// `value` must be non-empty valid UTF-8. On success `digits` holds the
// digits after the "+".
std::string PhoneProblem(std::string_view value, std::string* digits) {
  constexpr std::string_view kExpected =
      "must be an international number starting with + and the country code, like "
      "+14155550123";
  if (const size_t chars = CountCodePoints(value); chars > kMaxPhoneInputChars) {
    return absl::StrFormat("must be at most %d characters (got %d)", kMaxPhoneInputChars, chars);
  }
  if (value.front() != '+') return std::string(kExpected);
  if (value.find("(0)") != std::string_view::npos) {
    return "must not contain the national trunk prefix \"(0)\"; write the number as dialled "
           "from abroad";
  }
  bool in_parentheses = false;
  digits->clear();
  for (size_t i = 1; i < value.size(); ++i) {
    const char c = value[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits->push_back(c);
    } else if (c == '(' || c == ')') {
      if (in_parentheses == (c == '(')) return "has unbalanced parentheses";
      in_parentheses = c == '(';
    } else if (c == '+') {
      return std::string(kExpected);
    } else if (!IsPhoneSeparator(c)) {
      const Utf8Sequence sequence = DecodeUtf8(value, i);
      return absl::StrFormat(
          "may contain only digits, a leading +, spaces, dashes, dots and parentheses (found %s)",
          QuoteValue(value.substr(i, sequence.length)));
    }
  }
  if (in_parentheses) return "has unbalanced parentheses";
  if (digits->size() < kMinPhoneDigits || digits->size() > kMaxPhoneDigits) {
    return absl::StrFormat("must have %d to %d digits after the + (got %d)", kMinPhoneDigits,
                           kMaxPhoneDigits, digits->size());
  }
  if (digits->front() == '0') return "country codes do not start with 0";
  return "";
}

}  // namespace

absl::Status ValidateUtf8(std::string_view field, std::string_view value) {
  if (const std::optional<size_t> offset = FindInvalidUtf8(value); offset.has_value()) {
    return Invalid(field, absl::StrFormat("is not valid UTF-8 (bad byte at offset %d)", *offset));
  }
  if (const size_t offset = value.find('\0'); offset != std::string_view::npos) {
    return Invalid(field,
                   absl::StrFormat("must not contain NUL bytes (found at offset %d)", offset));
  }
  return absl::OkStatus();
}

absl::Status ValidateLength(std::string_view field, std::string_view value, size_t min_chars,
                            size_t max_chars) {
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  const size_t chars = CountCodePoints(value);
  if (chars == 0 && min_chars > 0) return Invalid(field, "must not be empty");
  if (chars < min_chars) {
    return Invalid(field,
                   absl::StrFormat("must be at least %d characters (got %d)", min_chars, chars));
  }
  if (chars > max_chars) {
    return Invalid(field,
                   absl::StrFormat("must be at most %d characters (got %d)", max_chars, chars));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequiredText(std::string_view field, std::string_view value,
                                  size_t max_chars) {
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  if (value.empty()) return Invalid(field, "must not be empty");
  if (IsBlank(value)) return Invalid(field, "must not be only whitespace");
  return ValidateLength(field, value, 1, max_chars);
}

absl::Status ValidateEmail(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "must not be empty");
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  const size_t chars = CountCodePoints(value);
  if (chars > kMaxEmailChars) {
    return Invalid(
        field, absl::StrFormat("must be at most %d characters (got %d)", kMaxEmailChars, chars));
  }
  const std::string problem = EmailProblem(value);
  if (problem.empty()) return absl::OkStatus();
  return Invalid(field,
                 absl::StrFormat("must be an email address like name@example.com (%s)", problem));
}

absl::Status ValidateOptionalEmail(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::OkStatus();
  return ValidateEmail(field, value);
}

absl::Status ValidatePhone(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "must not be empty");
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  std::string digits;
  if (const std::string problem = PhoneProblem(value, &digits); !problem.empty()) {
    return Invalid(field, problem);
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalPhone(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::OkStatus();
  return ValidatePhone(field, value);
}

std::string NormalizePhone(std::string_view value) {
  std::string digits;
  if (value.empty() || FindInvalidUtf8(value).has_value() ||
      !PhoneProblem(value, &digits).empty()) {
    return "";
  }
  return "+" + digits;
}

absl::Status ValidateEnum(std::string_view field, int value,
                          const google::protobuf::EnumDescriptor& descriptor,
                          bool allow_unspecified) {
  if (value == 0 && !allow_unspecified) return Invalid(field, "must be set");
  if (descriptor.FindValueByNumber(value) != nullptr) return absl::OkStatus();
  std::string names;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& candidate = *descriptor.value(i);
    if (candidate.number() == 0 && !allow_unspecified) continue;
    if (!names.empty()) names.append(", ");
    names.append(candidate.name());
  }
  return Invalid(field, absl::StrFormat("%d is not a valid %s value (expected one of %s)", value,
                                        descriptor.full_name(), names));
}

absl::Status ValidateRange(std::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return Invalid(field, absl::StrFormat("must be between %d and %d (got %d)", min, max, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateDomain(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "must not be empty");
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  if (const std::string problem = DomainProblem(value); !problem.empty()) {
    return Invalid(field, absl::StrFormat("must be a domain name like example.com (%s)", problem));
  }
  return absl::OkStatus();
}

std::string NormalizeDomain(std::string_view value) {
  std::string normalized(value);
  for (char& c : normalized) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return normalized;
}

absl::Status ValidateRequestId(std::string_view field, std::string_view value) {
  if (absl::Status status = ValidateUtf8(field, value); !status.ok()) return status;
  const size_t chars = CountCodePoints(value);
  if (chars > kMaxRequestIdChars) {
    return Invalid(field, absl::StrFormat("must be at most %d characters (got %d)",
                                          kMaxRequestIdChars, chars));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      const Utf8Sequence sequence = DecodeUtf8(value, i);
      return Invalid(field,
                     absl::StrFormat("may contain only letters, digits and . _ : - (found %s at "
                                     "offset %d)",
                                     QuoteValue(value.substr(i, sequence.length)), i));
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::common
