#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INSIGHT_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INSIGHT_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/insight_repository.h"

namespace crm::customer {

// InsightRepository over the customer_svc schema: set-based SQL with window
// functions over customers (V001), interactions and service_cases (V004),
// purchases, loyalty_transactions and feedback (V005). Nothing is cached.
class MySqlInsightRepository final : public InsightRepository {
 public:
  explicit MySqlInsightRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(InsightStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(InsightStore&)> body) override;
  absl::StatusOr<std::optional<CustomerBasics>> GetCustomer(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<RfmRow>> ListRfm(absl::Time deadline, const RfmQuery& query) override;
  absl::StatusOr<std::vector<SegmentCount>> CountSegments(absl::Time deadline,
                                                          absl::Time now) override;
  absl::StatusOr<HealthInputs> GetHealthInputs(absl::Time deadline, int64_t customer_id,
                                               absl::Time now) override;
  absl::StatusOr<std::optional<absl::Time>> GetLastFeedbackTime(absl::Time deadline,
                                                                int64_t customer_id) override;
  absl::StatusOr<CoPurchaseStats> GetCoPurchaseStats(absl::Time deadline,
                                                     int64_t customer_id) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INSIGHT_REPOSITORY_H_
