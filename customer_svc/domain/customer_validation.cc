#include "customer_svc/domain/customer_validation.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/party_validation.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"

namespace crm::customer {
namespace {

using common::Validator;

constexpr size_t kMaxCampaignChars = 100;

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
  v.Check(common::NormalizeOrganizationKey("customer.organization_key",
                                           *customer.mutable_organization_key()));
  if (!customer.parent().empty()) {
    v.Check(common::ParseResourceId("customer.parent", customer.parent(), "customers").status());
  }
  v.Check(common::ValidateOptionalEmail("customer.email", customer.email()));
  v.Check(common::ValidateOptionalPhone("customer.phone", customer.phone()));
  v.Check(common::ValidatePostalAddress("customer.postal_address", customer.postal_address()));
  v.Check(common::NormalizeContacts("customer.contacts", *customer.mutable_contacts()));
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
