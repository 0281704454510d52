#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_SERVICE_CASE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_SERVICE_CASE_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/service_case_repository.h"

namespace crm::customer {

// ServiceCaseRepository over the tables service_cases and
// service_case_escalations (migrations/V004...): prepared statements
// only, keyset pagination only, connector errors mapped by the common
// transaction helpers.
class MySqlServiceCaseRepository final : public ServiceCaseRepository {
 public:
  explicit MySqlServiceCaseRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(ServiceCaseStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ServiceCaseStore&)> body) override;
  absl::StatusOr<std::optional<ParentCustomer>> GetParentCustomer(absl::Time deadline,
                                                                  int64_t customer_id) override;
  absl::StatusOr<std::optional<StoredServiceCase>> GetServiceCase(absl::Time deadline,
                                                                  int64_t customer_id,
                                                                  int64_t id) override;
  absl::StatusOr<std::vector<StoredServiceCase>> ListServiceCases(
      absl::Time deadline, const ServiceCaseListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_SERVICE_CASE_REPOSITORY_H_
