#include "customer_svc/domain/customer_validation.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"

namespace crm::customer {
namespace {

using common::Validator;

constexpr size_t kMaxTaxIdChars = 32;
constexpr size_t kMaxAddressLineChars = 200;
constexpr size_t kMaxAddressPartChars = 100;
constexpr size_t kMaxPostalCodeChars = 20;
constexpr size_t kMaxContactTextChars = 200;
constexpr size_t kMaxCampaignChars = 100;

std::string NormalizeWebDomain(std::string_view domain) {
  std::string normalized = common::NormalizeDomain(domain);
  if (normalized.rfind("www.", 0) == 0) normalized.erase(0, 4);
  return normalized;
}

// A tax or company registration id: two letters of country prefix, then 2 to
// 30 letters or digits ("DE123456789").
absl::Status NormalizeTaxId(std::string* tax_id) {
  constexpr std::string_view kField = "customer.organization_key.tax_id";
  if (absl::Status utf8 = common::ValidateLength(kField, *tax_id, 0, kMaxTaxIdChars); !utf8.ok()) {
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
        "%s: %s must be a country prefix and 2 to 30 letters or digits, e.g. DE123456789", kField,
        common::QuoteValue(*tax_id)));
  }
  *tax_id = std::move(upper);
  return absl::OkStatus();
}

absl::Status NormalizeOrganizationKey(crm::common::v1::OrganizationKey& key) {
  if (!key.web_domain().empty()) {
    absl::Status status = common::ValidateDomain("customer.organization_key.web_domain",
                                                 key.web_domain());
    if (!status.ok()) return status;
    key.set_web_domain(NormalizeWebDomain(key.web_domain()));
  }
  if (!key.tax_id().empty()) return NormalizeTaxId(key.mutable_tax_id());
  return absl::OkStatus();
}

absl::Status ValidatePostalAddress(const crm::common::v1::PostalAddress& address) {
  Validator v;
  if (address.address_lines_size() > static_cast<int>(kMaxAddressLines)) {
    v.Check(absl::InvalidArgumentError(absl::StrFormat(
        "customer.postal_address.address_lines: at most %d lines", kMaxAddressLines)));
  }
  for (int i = 0; i < address.address_lines_size(); ++i) {
    v.Check(common::ValidateRequiredText(
        absl::StrCat("customer.postal_address.address_lines[", i, "]"), address.address_lines(i),
        kMaxAddressLineChars));
  }
  v.Check(common::ValidateLength("customer.postal_address.locality", address.locality(), 0,
                                 kMaxAddressPartChars));
  v.Check(common::ValidateLength("customer.postal_address.administrative_area",
                                 address.administrative_area(), 0, kMaxAddressPartChars));
  v.Check(common::ValidateLength("customer.postal_address.postal_code", address.postal_code(), 0,
                                 kMaxPostalCodeChars));
  if (!address.region_code().empty()) {
    v.Check(common::ValidateCountryCode("customer.postal_address.region_code",
                                        address.region_code()));
  }
  return v.status();
}

absl::Status NormalizeContacts(v1::Customer& customer) {
  if (customer.contacts_size() > static_cast<int>(kMaxContacts)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("customer.contacts: at most %d contacts", kMaxContacts));
  }
  int primaries = 0;
  for (int i = 0; i < customer.contacts_size(); ++i) {
    crm::common::v1::ContactPerson& contact = *customer.mutable_contacts(i);
    const std::string field = absl::StrCat("customer.contacts[", i, "]");
    Validator v;
    v.Check(common::ValidateRequiredText(field + ".display_name", contact.display_name(),
                                         kMaxContactTextChars));
    v.Check(common::ValidateLength(field + ".role", contact.role(), 0, kMaxContactTextChars));
    v.Check(common::ValidateOptionalEmail(field + ".email", contact.email()));
    v.Check(common::ValidateOptionalPhone(field + ".phone", contact.phone()));
    if (!v.ok()) return v.status();
    if (!contact.phone().empty()) contact.set_phone(common::NormalizePhone(contact.phone()));
    if (contact.primary() && ++primaries > 1) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.primary: at most one contact may be primary", field));
    }
  }
  return absl::OkStatus();
}

bool IsTagChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

absl::Status NormalizeNeeds(v1::Needs& needs) {
  if (needs.tags_size() > static_cast<int>(kMaxNeedsTags)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("customer.needs.tags: at most %d tags", kMaxNeedsTags));
  }
  std::vector<std::string> tags;
  for (int i = 0; i < needs.tags_size(); ++i) {
    const std::string field = absl::StrCat("customer.needs.tags[", i, "]");
    std::string tag = absl::AsciiStrToLower(needs.tags(i));
    if (tag.empty() || tag.size() > kMaxNeedsTagChars ||
        !std::all_of(tag.begin(), tag.end(), IsTagChar)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s must be 1 to %d letters, digits or hyphens", field,
          common::QuoteValue(needs.tags(i)), kMaxNeedsTagChars));
    }
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  needs.clear_tags();
  for (std::string& tag : tags) needs.add_tags(std::move(tag));
  return common::ValidateLength("customer.needs.text", needs.text(), 0, kMaxNeedsTextChars);
}

absl::Status MustBeEmpty(std::string_view field, std::string_view value, std::string_view kind) {
  if (value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must be empty unless source.kind is %s", field, kind));
}

absl::Status ValidateSource(const v1::CustomerSource& source) {
  Validator v;
  v.Check(common::ValidateEnum("customer.source.kind", source.kind(),
                               *v1::SourceKind_descriptor(), /*allow_unspecified=*/true));
  if (!v.ok()) return v.status();
  if (source.kind() == v1::SOURCE_KIND_CAMPAIGN) {
    v.Check(common::ValidateRequiredText("customer.source.campaign", source.campaign(),
                                         kMaxCampaignChars));
  } else {
    v.Check(MustBeEmpty("customer.source.campaign", source.campaign(), "SOURCE_KIND_CAMPAIGN"));
  }
  if (source.kind() == v1::SOURCE_KIND_CUSTOMER_REFERRAL) {
    v.Check(common::ParseResourceId("customer.source.referrer", source.referrer(), "customers")
                .status());
  } else {
    v.Check(MustBeEmpty("customer.source.referrer", source.referrer(),
                        "SOURCE_KIND_CUSTOMER_REFERRAL"));
  }
  if (source.kind() == v1::SOURCE_KIND_PARTNER_DEAL) {
    constexpr std::string_view kDealCollections[] = {"partners", "dealRegistrations"};
    v.Check(common::ParseNestedResourceName("customer.source.partner_deal", source.partner_deal(),
                                            kDealCollections)
                .status());
  } else {
    v.Check(MustBeEmpty("customer.source.partner_deal", source.partner_deal(),
                        "SOURCE_KIND_PARTNER_DEAL"));
  }
  return v.status();
}

}  // namespace

absl::Status ValidateConsent(std::string_view field, const v1::Consent& consent) {
  const std::string evidence_field = absl::StrFormat("%s.evidence", field);
  if (consent.granted()) {
    return common::ValidateRequiredText(evidence_field, consent.evidence(), kMaxEvidenceChars);
  }
  return common::ValidateLength(evidence_field, consent.evidence(), 0, kMaxEvidenceChars);
}

absl::Status NormalizeCustomer(v1::Customer& customer) {
  Validator v;
  v.Check(common::ValidateEnum("customer.kind", customer.kind(), *v1::CustomerKind_descriptor()));
  v.Check(common::ValidateRequiredText("customer.display_name", customer.display_name(),
                                       kMaxDisplayNameChars));
  v.Check(NormalizeOrganizationKey(*customer.mutable_organization_key()));
  if (!customer.parent().empty()) {
    v.Check(common::ParseResourceId("customer.parent", customer.parent(), "customers").status());
  }
  v.Check(common::ValidateOptionalEmail("customer.email", customer.email()));
  v.Check(common::ValidateOptionalPhone("customer.phone", customer.phone()));
  v.Check(ValidatePostalAddress(customer.postal_address()));
  v.Check(NormalizeContacts(customer));
  v.Check(common::ValidateEnum("customer.lifecycle_stage", customer.lifecycle_stage(),
                               *v1::LifecycleStage_descriptor(), /*allow_unspecified=*/true));
  v.Check(common::ValidateEnum("customer.tier", customer.tier(), *v1::Tier_descriptor(),
                               /*allow_unspecified=*/true));
  v.Check(NormalizeNeeds(*customer.mutable_needs()));
  v.Check(ValidateSource(customer.source()));
  v.Check(ValidateConsent("customer.consents.marketing", customer.consents().marketing()));
  v.Check(ValidateConsent("customer.consents.data_sharing", customer.consents().data_sharing()));
  if (!v.ok()) return v.status();

  if (!customer.phone().empty()) customer.set_phone(common::NormalizePhone(customer.phone()));
  if (customer.lifecycle_stage() == v1::LIFECYCLE_STAGE_UNSPECIFIED) {
    customer.set_lifecycle_stage(v1::LIFECYCLE_STAGE_LEAD);
  }
  if (customer.tier() == v1::TIER_UNSPECIFIED) customer.set_tier(v1::TIER_STANDARD);
  return absl::OkStatus();
}

}  // namespace crm::customer
