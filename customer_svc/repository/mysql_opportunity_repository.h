#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_OPPORTUNITY_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_OPPORTUNITY_REPOSITORY_H_

#include <cppconn/connection.h>

#include <memory>

#include "common/mysql/pool.h"
#include "customer_svc/domain/opportunity_repository.h"

namespace crm::customer {

// OpportunityRepository over the crm_customer schema (migrations/V002...):
// prepared statements only, keyset pagination only, connector errors mapped
// by the common transaction helpers.
class MySqlOpportunityRepository final : public OpportunityRepository {
 public:
  explicit MySqlOpportunityRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(OpportunityStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(OpportunityStore&)> body) override;
  absl::StatusOr<std::optional<StoredStage>> GetStage(absl::Time deadline, int64_t id) override;
  absl::StatusOr<std::vector<StoredStage>> ListStages(absl::Time deadline,
                                                      const StageListQuery& query) override;
  absl::StatusOr<std::optional<StoredOpportunity>> GetOpportunity(absl::Time deadline,
                                                                  int64_t id) override;
  absl::StatusOr<std::vector<StoredOpportunity>> ListOpportunities(
      absl::Time deadline, const OpportunityListQuery& query) override;
  absl::StatusOr<CustomerPresence> GetCustomerPresence(absl::Time deadline,
                                                       int64_t customer_id) override;
  absl::StatusOr<std::vector<v1::ForecastBucket>> ComputeForecast(
      absl::Time deadline, const ForecastQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

// The opportunity operations of a transaction already open on `connection`
// (used by the customer store so ConvertLead writes both in one transaction).
std::unique_ptr<OpportunityStore> MakeMySqlOpportunityStore(sql::Connection& connection);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_OPPORTUNITY_REPOSITORY_H_
