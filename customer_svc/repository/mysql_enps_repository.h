#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_ENPS_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_ENPS_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/enps_repository.h"

namespace crm::customer {

// EnpsRepository over the crm_customer schema (migrations/V003...).
class MySqlEnpsRepository final : public EnpsRepository {
 public:
  explicit MySqlEnpsRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(EnpsStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(EnpsStore&)> body) override;
  absl::StatusOr<std::optional<StoredSurvey>> GetSurvey(absl::Time deadline, int64_t id) override;
  absl::StatusOr<std::vector<StoredSurvey>> ListSurveys(absl::Time deadline,
                                                        const SurveyListQuery& query) override;
  absl::StatusOr<std::vector<EnpsTally>> ListTallies(absl::Time deadline,
                                                     int64_t survey_id) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_ENPS_REPOSITORY_H_
