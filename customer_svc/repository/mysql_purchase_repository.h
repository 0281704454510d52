#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PURCHASE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PURCHASE_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/purchase_repository.h"

namespace crm::customer {

// PurchaseRepository over the purchases table (migrations/V005...); the
// "supplier changed" interactions go to the interactions table of V004.
class MySqlPurchaseRepository final : public PurchaseRepository {
 public:
  explicit MySqlPurchaseRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(PurchaseStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PurchaseStore&)> body) override;
  absl::StatusOr<std::optional<StoredPurchase>> GetPurchase(absl::Time deadline,
                                                            int64_t customer_id,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredPurchase>> ListPurchases(
      absl::Time deadline, const PurchaseListQuery& query) override;
  absl::StatusOr<std::vector<DependentRow>> ListDependents(absl::Time deadline,
                                                           const DependentQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PURCHASE_REPOSITORY_H_
