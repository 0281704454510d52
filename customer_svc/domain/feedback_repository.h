#ifndef CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/feedback.pb.h"
#include "customer_svc/domain/feedback_rules.h"

namespace crm::customer {

struct StoredFeedback {
  int64_t id = 0;
  v1::Feedback feedback;  // name filled in
};

enum class FeedbackColumn { kKind, kScore, kNpsCategory, kSubject, kRespondTime };
using FeedbackCondition = common::Condition<FeedbackColumn>;
enum class FeedbackOrder { kRespondTime, kScore };

struct FeedbackListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<FeedbackCondition> conditions;
  FeedbackOrder order = FeedbackOrder::kRespondTime;
  bool descending = true;
  std::optional<std::string> after_sort_value;  // DATETIME text or the score
  int64_t after_id = 0;
  int limit = 50;
};

struct FeedbackSummaryQuery {
  std::optional<int64_t> customer_id;
  std::vector<FeedbackCondition> conditions;
  std::optional<absl::Time> start;  // inclusive, by respond_time
  std::optional<absl::Time> end;    // exclusive
};

class FeedbackStore {
 public:
  virtual ~FeedbackStore() = default;
  // Whether the customer exists (nullopt) and is deleted; share-locked.
  virtual absl::StatusOr<std::optional<bool>> LockCustomerDeleted(int64_t customer_id) = 0;
  virtual absl::StatusOr<StoredFeedback> InsertFeedback(int64_t customer_id,
                                                        const v1::Feedback& feedback) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

class FeedbackRepository {
 public:
  virtual ~FeedbackRepository() = default;

  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(FeedbackStore&)> body) = 0;
  virtual absl::StatusOr<std::optional<StoredFeedback>> GetFeedback(absl::Time deadline,
                                                                    int64_t customer_id,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredFeedback>> ListFeedback(
      absl::Time deadline, const FeedbackListQuery& query) = 0;
  virtual absl::StatusOr<FeedbackCounts> CountFeedback(absl::Time deadline,
                                                       const FeedbackSummaryQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_REPOSITORY_H_
