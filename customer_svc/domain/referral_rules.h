#ifndef CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "crm/customer/v1/referral.pb.h"

namespace crm::customer {

inline constexpr size_t kMaxRefereeDisplayNameChars = 200;
inline constexpr size_t kMaxDeclineReasonChars = 1000;

// Clears every output-only field (name, state, reward, decline, times, etag).
void ClearReferralOutputOnlyFields(v1::Referral& referral);

// The client-set fields: referred_customer empty or "customers/{id}" other
// than the referrer (`referrer_id`), referee_display_name up to 200
// characters, referee_email empty or an address; a display name or a
// referred customer is required. Errors name "referral.<field>".
absl::Status ValidateReferral(const v1::Referral& referral, int64_t referrer_id);

// The state machine PENDING → QUALIFIED → REWARDED, PENDING | QUALIFIED →
// DECLINED: FAILED_PRECONDITION naming both states for anything else.
absl::Status CheckReferralTransition(v1::ReferralState from, v1::ReferralState to,
                                     std::string_view name);

// Paths UpdateReferral accepts.
const absl::flat_hash_set<std::string>& ReferralUpdatablePaths();

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_RULES_H_
