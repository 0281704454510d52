#include "customer_svc/domain/loyalty_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

absl::Status ValidateLoyaltyBooking(int64_t points, std::string_view reason,
                                    std::string_view reference) {
  common::Validator v;
  v.Check(common::ValidateRange("points", points, 1, kMaxLoyaltyPointsPerEntry));
  v.Check(common::ValidateRequiredText("reason", reason, kMaxLoyaltyReasonChars));
  if (!reference.empty()) v.Check(ValidateResourceReference("reference", reference));
  return v.status();
}

absl::Status CheckRedeemable(std::string_view customer_name, int64_t balance_points,
                             int64_t points) {
  if (points <= balance_points) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrFormat("%s has a balance of %d points; cannot redeem %d points",
                      std::string(customer_name), balance_points, points));
}

absl::StatusOr<LoyaltyBooking> BookLoyaltyEntry(LoyaltyStore& store,
                                                const common::CallContext& call,
                                                int64_t customer_id,
                                                v1::LoyaltyTransactionKind kind, int64_t points,
                                                std::string_view reason, std::string_view reference,
                                                std::string_view request_id, absl::Time now) {
  const std::string customer_name = common::FormatResourceName("customers", customer_id);
  absl::StatusOr<std::optional<LoyaltyCustomer>> customer = store.LockCustomer(customer_id);
  if (!customer.ok()) return customer.status();
  if (!customer->has_value())
    return absl::NotFoundError(absl::StrCat(customer_name, " does not exist"));
  if ((*customer)->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(customer_name, " is deleted; undelete it before booking loyalty points"));
  }
  absl::StatusOr<v1::LoyaltyBalance> balance = store.Balance(customer_id);
  if (!balance.ok()) return balance.status();
  const bool redeem = kind == v1::LOYALTY_TRANSACTION_KIND_REDEEM;
  if (redeem) {
    if (absl::Status s = CheckRedeemable(customer_name, balance->balance_points(), points);
        !s.ok()) {
      return s;
    }
  }
  v1::LoyaltyTransaction entry;
  entry.set_kind(kind);
  entry.set_points(redeem ? -points : points);
  entry.set_balance_after_points(balance->balance_points() + entry.points());
  entry.set_reason(std::string(reason));
  entry.set_reference(std::string(reference));
  entry.set_request_id(std::string(request_id));
  *entry.mutable_create_time() = common::ToProtoTimestamp(now);
  absl::StatusOr<v1::LoyaltyTransaction> stored = store.InsertTransaction(customer_id, entry);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = store.InsertAuditEntry(
          common::MakeAuditEntry(call, stored->name(), crm::common::v1::AUDIT_ACTION_CREATE,
                                 common::DiffFromEmpty(*stored), reason, now));
      !s.ok()) {
    return s;
  }
  LoyaltyBooking booking;
  booking.transaction = *std::move(stored);
  booking.balance = *std::move(balance);
  booking.balance.set_balance_points(booking.transaction.balance_after_points());
  if (redeem) {
    booking.balance.set_lifetime_redeemed_points(booking.balance.lifetime_redeemed_points() +
                                                 points);
  } else {
    booking.balance.set_lifetime_earned_points(booking.balance.lifetime_earned_points() + points);
  }
  *booking.balance.mutable_update_time() = booking.transaction.create_time();
  return booking;
}

}  // namespace crm::customer
