#ifndef CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_RULES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/loyalty.pb.h"
#include "customer_svc/domain/loyalty_repository.h"

namespace crm::customer {

inline constexpr int64_t kMaxLoyaltyPointsPerEntry = 1'000'000'000;
inline constexpr size_t kMaxLoyaltyReasonChars = 200;

// The fields of an Earn or Redeem request: points 1..kMaxLoyaltyPointsPerEntry,
// a reason of 1..200 characters, an optional reference resource name.
absl::Status ValidateLoyaltyBooking(int64_t points, std::string_view reason,
                                    std::string_view reference);

// A redeem of `points` against `balance_points`: FAILED_PRECONDITION naming
// both when it would take the balance below zero.
absl::Status CheckRedeemable(std::string_view customer_name, int64_t balance_points,
                             int64_t points);

struct LoyaltyBooking {
  v1::LoyaltyTransaction transaction;
  v1::LoyaltyBalance balance;
};

// Books one ledger entry for a customer inside the caller's transaction:
// locks the customer (NOT_FOUND when missing, FAILED_PRECONDITION when
// deleted), reads its balance, refuses a redeem beyond it, appends the entry
// with its balance_after_points and writes its audit entry. Used by
// LoyaltyService and by ReferralService's reward.
absl::StatusOr<LoyaltyBooking> BookLoyaltyEntry(LoyaltyStore& store,
                                                const common::CallContext& call,
                                                int64_t customer_id,
                                                v1::LoyaltyTransactionKind kind, int64_t points,
                                                std::string_view reason, std::string_view reference,
                                                std::string_view request_id, absl::Time now);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_RULES_H_
