#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_REFERRAL_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_REFERRAL_REPOSITORY_H_

#include <cppconn/connection.h>

#include "common/mysql/pool.h"
#include "customer_svc/domain/referral_repository.h"

namespace crm::customer {

// For the lifecycle code, inside its transaction, when customer
// `referred_customer_id` becomes ACTIVE: its PENDING referral (if any) becomes
// QUALIFIED at `time`. Returns the number of referrals qualified (0 or 1).
// Throws sql::SQLException like any statement.
int64_t QualifyReferralsOf(sql::Connection& connection, int64_t referred_customer_id,
                           absl::Time time);

// ReferralRepository over the referrals table (migrations/V005...); rewards
// are booked on loyalty_transactions in the same transaction.
class MySqlReferralRepository final : public ReferralRepository {
 public:
  explicit MySqlReferralRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(ReferralStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ReferralStore&)> body) override;
  absl::StatusOr<std::optional<StoredReferral>> GetReferral(absl::Time deadline,
                                                            int64_t customer_id,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredReferral>> ListReferrals(
      absl::Time deadline, const ReferralListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_REFERRAL_REPOSITORY_H_
