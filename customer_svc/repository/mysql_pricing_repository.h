#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PRICING_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PRICING_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/pricing_repository.h"

namespace crm::customer {

// PricingRepository over the tables of migrations/V008__create_pricing.sql
// (and the customers table for tiers): prepared statements only, keyset
// pagination only, connector errors mapped by the common transaction helpers.
class MySqlPricingRepository final : public PricingRepository {
 public:
  explicit MySqlPricingRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(PricingStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PricingStore&)> body) override;
  absl::Status Read(absl::Time deadline,
                    absl::FunctionRef<absl::Status(PricingStore&)> body) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PRICING_REPOSITORY_H_
