#include "customer_svc/domain/referral_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"

namespace crm::customer {

void ClearReferralOutputOnlyFields(v1::Referral& referral) {
  referral.clear_name();
  referral.clear_state();
  referral.clear_reward_points();
  referral.clear_reward_transaction();
  referral.clear_decline_reason();
  referral.clear_qualify_time();
  referral.clear_reward_time();
  referral.clear_etag();
  referral.clear_create_time();
  referral.clear_update_time();
}

absl::Status ValidateReferral(const v1::Referral& referral, int64_t referrer_id) {
  common::Validator v;
  if (!referral.referred_customer().empty()) {
    absl::StatusOr<int64_t> referred = common::ParseResourceId(
        "referral.referred_customer", referral.referred_customer(), "customers");
    v.Check(referred.status());
    if (referred.ok() && *referred == referrer_id) {
      v.Check(
          absl::InvalidArgumentError("referral.referred_customer: a customer cannot refer itself"));
    }
  }
  v.Check(common::ValidateLength("referral.referee_display_name", referral.referee_display_name(),
                                 0, kMaxRefereeDisplayNameChars));
  v.Check(common::ValidateOptionalEmail("referral.referee_email", referral.referee_email()));
  if (v.ok() && referral.referred_customer().empty() &&
      absl::StripAsciiWhitespace(referral.referee_display_name()).empty()) {
    v.Check(absl::InvalidArgumentError(
        "referral.referee_display_name: must be set when referred_customer is empty"));
  }
  return v.status();
}

absl::Status CheckReferralTransition(v1::ReferralState from, v1::ReferralState to,
                                     std::string_view name) {
  const bool legal = (from == v1::REFERRAL_STATE_PENDING &&
                      (to == v1::REFERRAL_STATE_QUALIFIED || to == v1::REFERRAL_STATE_DECLINED)) ||
                     (from == v1::REFERRAL_STATE_QUALIFIED &&
                      (to == v1::REFERRAL_STATE_REWARDED || to == v1::REFERRAL_STATE_DECLINED));
  if (legal) return absl::OkStatus();
  std::string hint;
  if (from == v1::REFERRAL_STATE_PENDING && to == v1::REFERRAL_STATE_REWARDED) {
    hint = "; the referred customer has not become ACTIVE yet";
  }
  return absl::FailedPreconditionError(
      absl::StrFormat("%s cannot move from %s to %s%s", std::string(name),
                      v1::ReferralState_Name(from), v1::ReferralState_Name(to), hint));
}

const absl::flat_hash_set<std::string>& ReferralUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "referred_customer", "referee_display_name", "referee_email"};
  return *paths;
}

}  // namespace crm::customer
