#ifndef CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_RULES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/duplicate.pb.h"

namespace crm::customer {

// Limits of DuplicateRule (duplicate.proto documents them).
inline constexpr size_t kMaxRuleDisplayNameChars = 200;
inline constexpr int kMaxRuleConditions = 10;
inline constexpr int kMaxFuzzyEditDistance = 5;

// The customer fields a duplicate rule may compare.
enum class MatchField { kDisplayName, kEmail, kPhone, kWebDomain, kTaxId, kPostalCode };

// "email" → kEmail, ...; nullopt for any other path.
std::optional<MatchField> ParseMatchField(std::string_view field_path);
std::string_view MatchFieldPath(MatchField field);
// The stored value of `field` ("" when unset).
std::string MatchFieldValue(const v1::Customer& customer, MatchField field);
// Whether the field is a column of `customers`, so SQL can normalize and group
// it (postal_address.postal_code is serialized and is compared in C++ only).
bool IsColumnField(MatchField field);

// The normalizations of duplicate.proto. These are the definition; the MySQL
// repository computes the same keys in SQL for set-based grouping (a MySQL
// test keeps both in agreement). Letter case is folded for ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic; other characters are kept as they are.
//   NONE / UNSPECIFIED: as stored.
//   LOWERCASE: lower case, surrounding whitespace trimmed.
//   ALPHANUMERIC: lower case without ASCII characters other than a-z and 0-9
//     (non-ASCII letters are kept).
//   EMAIL: trimmed lower case, "+tag" removed from the part before the first "@".
//   PHONE: the digits only.
//   WEB_DOMAIN: trimmed lower case without "scheme://", anything up to the last
//     "@" (so an e-mail address gives its domain), anything from the first
//     "/", "?", "#" or ":" on, a leading "www." and trailing dots.
//   COMPANY_NAME: lower case, dots removed, other ASCII punctuation as word
//     breaks, single spaces, trailing legal-form words (gmbh, inc, ltd, sa, co,
//     llc, ...) removed while another word remains.
std::string NormalizeValue(v1::Normalizer normalizer, std::string_view value);

// The legal-form words COMPANY_NAME removes (lower case, without dots).
const absl::flat_hash_set<std::string>& LegalFormWords();

// Levenshtein distance between `a` and `b` counted in code points, or
// `limit` + 1 when it is larger than `limit`.
int EditDistance(std::string_view a, std::string_view b, int limit);

// Whether `a` and `b` match under `condition`: both normalized values are
// non-empty and equal (EXACT) or within max_edit_distance (FUZZY).
bool ConditionMatches(const v1::MatchCondition& condition, const v1::Customer& a,
                      const v1::Customer& b);
// Whether every condition of `rule` matches.
bool RuleMatches(const v1::DuplicateRule& rule, const v1::Customer& a, const v1::Customer& b);

// Checks the caller-settable fields of a rule (paths under "duplicate_rule.")
// and fills the defaults: normalizer NONE, match type EXACT. INVALID_ARGUMENT
// names the field. A rule needs at least one condition on a field other than
// postal_address.postal_code, which only refines candidates found through the
// others.
absl::Status NormalizeRule(v1::DuplicateRule& rule);

// The DuplicateRule paths UpdateDuplicateRule may change.
const absl::flat_hash_set<std::string>& RuleUpdatablePaths();

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_RULES_H_
