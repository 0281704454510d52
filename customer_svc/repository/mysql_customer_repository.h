#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_REPOSITORY_H_

#include <memory>

#include "common/mysql/pool.h"
#include "customer_svc/domain/customer_repository.h"

namespace crm::customer {

// The CustomerStore of an open transaction on `connection`, for another
// repository whose transaction also changes customers (e.g. merges).
std::unique_ptr<CustomerStore> MakeMySqlCustomerStore(sql::Connection& connection);

// CustomerRepository over the crm_customer schema (migrations/V001...):
// prepared statements only, keyset pagination only, every connector error
// mapped by common::SqlErrorToStatus.
class MySqlCustomerRepository final : public CustomerRepository {
 public:
  explicit MySqlCustomerRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(CustomerStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(CustomerStore&)> body) override;
  absl::StatusOr<std::optional<StoredCustomer>> GetCustomer(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredCustomer>> ListCustomers(
      absl::Time deadline, const CustomerListQuery& query) override;
  absl::StatusOr<std::vector<StoredTransition>> ListTransitions(
      absl::Time deadline, const TransitionListQuery& query) override;
  absl::StatusOr<std::vector<v1::LifecycleFunnelStage>> ComputeFunnel(
      absl::Time deadline, const FunnelQuery& query) override;
  absl::StatusOr<v1::CustomerSummary> ComputeSummary(absl::Time deadline,
                                                     const SummaryQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_REPOSITORY_H_
