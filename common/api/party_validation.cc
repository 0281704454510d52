#include "common/api/party_validation.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/country.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/api/validator.h"

namespace crm::common {
namespace {

// A tax or company registration id: two letters of country prefix, then 2 to
// 30 letters or digits ("DE123456789").
absl::Status NormalizeTaxId(const std::string& field, std::string* tax_id) {
  if (absl::Status utf8 = ValidateLength(field, *tax_id, 0, kMaxTaxIdChars); !utf8.ok()) {
    return utf8;
  }
  std::string upper = absl::AsciiStrToUpper(*tax_id);
  const bool well_formed =
      upper.size() >= 4 && std::isalpha(static_cast<unsigned char>(upper[0])) &&
      std::isalpha(static_cast<unsigned char>(upper[1])) &&
      std::all_of(upper.begin(), upper.end(),
                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  if (!well_formed) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %s must be a country prefix and 2 to 30 letters or digits, e.g. DE123456789", field,
        QuoteValue(*tax_id)));
  }
  *tax_id = std::move(upper);
  return absl::OkStatus();
}

}  // namespace

std::string NormalizeWebDomain(std::string_view domain) {
  std::string normalized = NormalizeDomain(domain);
  if (normalized.rfind("www.", 0) == 0) normalized.erase(0, 4);
  return normalized;
}

absl::Status NormalizeOrganizationKey(std::string_view prefix,
                                      crm::common::v1::OrganizationKey& key) {
  const std::string base(prefix);
  if (!key.web_domain().empty()) {
    absl::Status status = ValidateDomain(base + ".web_domain", key.web_domain());
    if (!status.ok()) return status;
    key.set_web_domain(NormalizeWebDomain(key.web_domain()));
  }
  if (!key.tax_id().empty()) return NormalizeTaxId(base + ".tax_id", key.mutable_tax_id());
  return absl::OkStatus();
}

absl::Status ValidatePostalAddress(std::string_view prefix,
                                   const crm::common::v1::PostalAddress& address) {
  const std::string base(prefix);
  Validator v;
  if (address.address_lines_size() > static_cast<int>(kMaxAddressLines)) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("%s.address_lines: at most %d lines", base, kMaxAddressLines)));
  }
  for (int i = 0; i < address.address_lines_size(); ++i) {
    v.Check(ValidateRequiredText(absl::StrCat(base, ".address_lines[", i, "]"),
                                 address.address_lines(i), kMaxAddressLineChars));
  }
  v.Check(ValidateLength(base + ".locality", address.locality(), 0, kMaxAddressPartChars));
  v.Check(ValidateLength(base + ".administrative_area", address.administrative_area(), 0,
                         kMaxAddressPartChars));
  v.Check(ValidateLength(base + ".postal_code", address.postal_code(), 0, kMaxPostalCodeChars));
  if (!address.region_code().empty()) {
    v.Check(ValidateCountryCode(base + ".region_code", address.region_code()));
  }
  return v.status();
}

absl::Status NormalizeContacts(
    std::string_view prefix,
    google::protobuf::RepeatedPtrField<crm::common::v1::ContactPerson>& contacts) {
  const std::string base(prefix);
  if (contacts.size() > static_cast<int>(kMaxContacts)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: at most %d contacts", base, kMaxContacts));
  }
  int primaries = 0;
  for (int i = 0; i < contacts.size(); ++i) {
    crm::common::v1::ContactPerson& contact = contacts[i];
    const std::string field = absl::StrCat(base, "[", i, "]");
    Validator v;
    v.Check(ValidateRequiredText(field + ".display_name", contact.display_name(),
                                 kMaxContactTextChars));
    v.Check(ValidateLength(field + ".role", contact.role(), 0, kMaxContactTextChars));
    v.Check(ValidateOptionalEmail(field + ".email", contact.email()));
    v.Check(ValidateOptionalPhone(field + ".phone", contact.phone()));
    if (!v.ok()) return v.status();
    if (!contact.phone().empty()) contact.set_phone(NormalizePhone(contact.phone()));
    if (contact.primary() && ++primaries > 1) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.primary: at most one contact may be primary", field));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOrganizationKeyFree(std::string_view prefix, std::string_view collection,
                                      const crm::common::v1::OrganizationKey& key,
                                      OrganizationKeyLookup find_web_domain,
                                      OrganizationKeyLookup find_tax_id) {
  struct Part {
    const std::string& value;
    OrganizationKeyLookup find;
    std::string_view field;
    std::string_view what;
  };
  for (const Part& part : {Part{key.web_domain(), find_web_domain, "web_domain", "web domain"},
                           Part{key.tax_id(), find_tax_id, "tax_id", "tax id"}}) {
    if (part.value.empty()) continue;
    absl::StatusOr<std::optional<int64_t>> owner = part.find(part.value);
    if (!owner.ok()) return owner.status();
    if (owner->has_value()) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "%s.%s: %s is already the %s of %s", std::string(prefix), std::string(part.field),
          QuoteValue(part.value), std::string(part.what),
          FormatResourceName(collection, **owner)));
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::common
