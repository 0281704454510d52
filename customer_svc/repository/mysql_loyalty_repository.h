#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_LOYALTY_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_LOYALTY_REPOSITORY_H_

#include <cppconn/connection.h>

#include <memory>

#include "common/mysql/pool.h"
#include "customer_svc/domain/loyalty_repository.h"

namespace crm::customer {

// The ledger operations on `connection`, inside the caller's transaction
// (ReferralService pays rewards through it).
std::unique_ptr<LoyaltyStore> MakeMySqlLoyaltyStore(sql::Connection& connection);

// LoyaltyRepository over the loyalty_transactions table (migrations/V005...).
class MySqlLoyaltyRepository final : public LoyaltyRepository {
 public:
  explicit MySqlLoyaltyRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(LoyaltyStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(LoyaltyStore&)> body) override;
  absl::StatusOr<std::optional<LoyaltyCustomer>> GetCustomer(absl::Time deadline,
                                                             int64_t customer_id) override;
  absl::StatusOr<v1::LoyaltyBalance> GetBalance(absl::Time deadline, int64_t customer_id) override;
  absl::StatusOr<std::vector<StoredLoyaltyTransaction>> ListTransactions(
      absl::Time deadline, const LoyaltyListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_LOYALTY_REPOSITORY_H_
