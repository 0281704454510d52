#include "customer_svc/domain/duplicate_rules.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/quote.h"
#include "common/api/utf8.h"
#include "common/api/validation.h"

namespace crm::customer {
namespace {

struct FieldInfo {
  MatchField field;
  std::string_view path;
};

constexpr FieldInfo kFields[] = {
    {MatchField::kDisplayName, "display_name"},
    {MatchField::kEmail, "email"},
    {MatchField::kPhone, "phone"},
    {MatchField::kWebDomain, "organization_key.web_domain"},
    {MatchField::kTaxId, "organization_key.tax_id"},
    {MatchField::kPostalCode, "postal_address.postal_code"},
};

// Simple lower-case mapping of the scripts NormalizeValue folds (the same
// mapping MariaDB's LOWER() applies to them).
char32_t LowerCodePoint(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    const bool even_upper =
        (c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (even_upper && c % 2 == 0) return c + 1;
    if (odd_upper && c % 2 == 1) return c + 1;
    return c;
  }
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  return c;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Code points of `text`; an ill-formed byte becomes one code point of its own.
std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) {
    common::Utf8Sequence sequence = common::DecodeUtf8(text, i);
    if (sequence.length == 0) {
      points.push_back(0xDC00 + static_cast<unsigned char>(text[i]));  // never a letter
      ++i;
    } else {
      points.push_back(sequence.code_point);
      i += static_cast<size_t>(sequence.length);
    }
  }
  return points;
}

std::string Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    common::Utf8Sequence sequence = common::DecodeUtf8(text, i);
    if (sequence.length == 0) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    AppendUtf8(out, LowerCodePoint(sequence.code_point));
    i += static_cast<size_t>(sequence.length);
  }
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string Alphanumeric(std::string_view text) {
  std::string lower = Lower(text);
  std::string out;
  for (char c : lower) {
    if (static_cast<unsigned char>(c) >= 0x80 || IsAsciiAlnum(c)) out.push_back(c);
  }
  return out;
}

std::string Email(std::string_view text) {
  std::string lower = Lower(Trim(text));
  const size_t at = lower.find('@');
  if (at == std::string::npos) return lower;
  const std::string local = lower.substr(0, at);
  return absl::StrCat(local.substr(0, local.find('+')), lower.substr(at));
}

std::string Digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

// "scheme://" as in RFC 3986: a letter, then letters, digits, "+", "." or "-".
size_t SchemeLength(std::string_view text) {
  if (text.empty() || !(text[0] >= 'a' && text[0] <= 'z')) return 0;
  size_t i = 1;
  while (i < text.size() &&
         (IsAsciiAlnum(text[i]) || text[i] == '+' || text[i] == '.' || text[i] == '-')) {
    ++i;
  }
  return text.substr(i).starts_with("://") ? i + 3 : 0;
}

std::string WebDomain(std::string_view text) {
  std::string lower = Lower(Trim(text));
  std::string_view host = lower;
  host.remove_prefix(SchemeLength(host));
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (size_t end = host.find_first_of("/?#:"); end != std::string_view::npos) {
    host = host.substr(0, end);
  }
  if (host.starts_with("www.")) host.remove_prefix(4);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return std::string(host);
}

std::string CompanyName(std::string_view text) {
  std::string lower = Lower(text);
  std::string spaced;
  for (char c : lower) {
    if (c == '.') continue;
    spaced.push_back(static_cast<unsigned char>(c) >= 0x80 || IsAsciiAlnum(c) ? c : ' ');
  }
  std::vector<std::string> words = absl::StrSplit(spaced, ' ', absl::SkipEmpty());
  while (words.size() > 1 && LegalFormWords().contains(words.back())) words.pop_back();
  return absl::StrJoin(words, " ");
}

}  // namespace

std::optional<MatchField> ParseMatchField(std::string_view field_path) {
  for (const FieldInfo& info : kFields) {
    if (info.path == field_path) return info.field;
  }
  return std::nullopt;
}

std::string_view MatchFieldPath(MatchField field) {
  for (const FieldInfo& info : kFields) {
    if (info.field == field) return info.path;
  }
  return "";
}

std::string MatchFieldValue(const v1::Customer& customer, MatchField field) {
  switch (field) {
    case MatchField::kDisplayName:
      return customer.display_name();
    case MatchField::kEmail:
      return customer.email();
    case MatchField::kPhone:
      return customer.phone();
    case MatchField::kWebDomain:
      return customer.organization_key().web_domain();
    case MatchField::kTaxId:
      return customer.organization_key().tax_id();
    case MatchField::kPostalCode:
      return customer.postal_address().postal_code();
  }
  return "";
}

bool IsColumnField(MatchField field) { return field != MatchField::kPostalCode; }

const absl::flat_hash_set<std::string>& LegalFormWords() {
  static const auto* const kWords = new absl::flat_hash_set<std::string>{
      "ab",          "ag",   "as",   "asa",          "aps", "bv",  "co",      "company", "corp",
      "corporation", "gmbh", "inc",  "incorporated", "kg",  "kk",  "limited", "llc",     "llp",
      "lp",          "ltd",  "mbh",  "nv",           "ohg", "oy",  "oyj",     "plc",     "pty",
      "pvt",         "sa",   "sarl", "sas",          "se",  "spa", "srl",     "ug"};
  return *kWords;
}

std::string NormalizeValue(v1::Normalizer normalizer, std::string_view value) {
  switch (normalizer) {
    case v1::NORMALIZER_LOWERCASE:
      return Lower(Trim(value));
    case v1::NORMALIZER_ALPHANUMERIC:
      return Alphanumeric(value);
    case v1::NORMALIZER_EMAIL:
      return Email(value);
    case v1::NORMALIZER_PHONE:
      return Digits(value);
    case v1::NORMALIZER_WEB_DOMAIN:
      return WebDomain(value);
    case v1::NORMALIZER_COMPANY_NAME:
      return CompanyName(value);
    default:
      break;
  }
  return std::string(value);
}

int EditDistance(std::string_view a, std::string_view b, int limit) {
  const std::vector<char32_t> x = CodePoints(a);
  const std::vector<char32_t> y = CodePoints(b);
  const int n = static_cast<int>(x.size());
  const int m = static_cast<int>(y.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<int> previous(m + 1);
  std::vector<int> current(m + 1);
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_min = current[0];
    for (int j = 1; j <= m; ++j) {
      const int substitute = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(previous, current);
  }
  return std::min(previous[m], limit + 1);
}

bool ConditionMatches(const v1::MatchCondition& condition, const v1::Customer& a,
                      const v1::Customer& b) {
  std::optional<MatchField> field = ParseMatchField(condition.field_path());
  if (!field.has_value()) return false;
  const std::string x = NormalizeValue(condition.normalizer(), MatchFieldValue(a, *field));
  const std::string y = NormalizeValue(condition.normalizer(), MatchFieldValue(b, *field));
  if (x.empty() || y.empty()) return false;
  if (condition.match_type() == v1::MATCH_TYPE_FUZZY) {
    return EditDistance(x, y, condition.max_edit_distance()) <= condition.max_edit_distance();
  }
  return x == y;
}

bool RuleMatches(const v1::DuplicateRule& rule, const v1::Customer& a, const v1::Customer& b) {
  for (const v1::MatchCondition& condition : rule.conditions()) {
    if (!ConditionMatches(condition, a, b)) return false;
  }
  return !rule.conditions().empty();
}

absl::Status NormalizeRule(v1::DuplicateRule& rule) {
  if (absl::Status s = common::ValidateRequiredText("duplicate_rule.display_name",
                                                    rule.display_name(), kMaxRuleDisplayNameChars);
      !s.ok()) {
    return s;
  }
  if (rule.conditions().empty() || rule.conditions_size() > kMaxRuleConditions) {
    return absl::InvalidArgumentError(
        absl::StrFormat("duplicate_rule.conditions: must have 1 to %d entries, got %d",
                        kMaxRuleConditions, rule.conditions_size()));
  }
  bool has_column_field = false;
  for (int i = 0; i < rule.conditions_size(); ++i) {
    v1::MatchCondition& condition = *rule.mutable_conditions(i);
    const std::string prefix = absl::StrCat("duplicate_rule.conditions[", i, "].");
    std::optional<MatchField> field = ParseMatchField(condition.field_path());
    if (!field.has_value()) {
      std::vector<std::string> known;
      for (const FieldInfo& info : kFields) known.push_back(std::string(info.path));
      return absl::InvalidArgumentError(
          absl::StrFormat("%sfield_path: %s is not a comparable field; use one of %s", prefix,
                          common::QuoteValue(condition.field_path()), absl::StrJoin(known, ", ")));
    }
    has_column_field = has_column_field || IsColumnField(*field);
    if (absl::Status s =
            common::ValidateEnum(absl::StrCat(prefix, "normalizer"), condition.normalizer(),
                                 *v1::Normalizer_descriptor(), true);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            common::ValidateEnum(absl::StrCat(prefix, "match_type"), condition.match_type(),
                                 *v1::MatchType_descriptor(), true);
        !s.ok()) {
      return s;
    }
    if (condition.normalizer() == v1::NORMALIZER_UNSPECIFIED) {
      condition.set_normalizer(v1::NORMALIZER_NONE);
    }
    if (condition.match_type() == v1::MATCH_TYPE_UNSPECIFIED) {
      condition.set_match_type(v1::MATCH_TYPE_EXACT);
    }
    if (condition.match_type() == v1::MATCH_TYPE_FUZZY) {
      if (absl::Status s =
              common::ValidateRange(absl::StrCat(prefix, "max_edit_distance"),
                                    condition.max_edit_distance(), 1, kMaxFuzzyEditDistance);
          !s.ok()) {
        return s;
      }
    } else if (condition.max_edit_distance() != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, "max_edit_distance: only allowed with match_type MATCH_TYPE_FUZZY"));
    }
  }
  if (!has_column_field) {
    return absl::InvalidArgumentError(
        "duplicate_rule.conditions: at least one condition must compare a field other than "
        "postal_address.postal_code (postal codes only refine the candidates of the others)");
  }
  return absl::OkStatus();
}

const absl::flat_hash_set<std::string>& RuleUpdatablePaths() {
  static const auto* const kPaths =
      new absl::flat_hash_set<std::string>{"display_name", "conditions", "enabled"};
  return *kPaths;
}

}  // namespace crm::customer
