#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_FEEDBACK_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_FEEDBACK_REPOSITORY_H_

#include <cppconn/connection.h>

#include <cstdint>

#include "common/mysql/pool.h"
#include "customer_svc/domain/feedback_repository.h"

namespace crm::customer {

// Inserts one feedback row for `customer_id` from `feedback` (kind, score,
// comment, nps_category, subject, respond_time, create_time) on `connection`
// and returns its id. Shared by every repository that records feedback.
// Throws sql::SQLException.
int64_t InsertFeedbackRow(sql::Connection& connection, int64_t customer_id,
                          const v1::Feedback& feedback);

// FeedbackRepository over the feedback table (migrations/V005...).
class MySqlFeedbackRepository final : public FeedbackRepository {
 public:
  explicit MySqlFeedbackRepository(common::MySqlPool& pool);

  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(FeedbackStore&)> body) override;
  absl::StatusOr<std::optional<StoredFeedback>> GetFeedback(absl::Time deadline,
                                                            int64_t customer_id,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredFeedback>> ListFeedback(absl::Time deadline,
                                                           const FeedbackListQuery& query) override;
  absl::StatusOr<FeedbackCounts> CountFeedback(absl::Time deadline,
                                               const FeedbackSummaryQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_FEEDBACK_REPOSITORY_H_
