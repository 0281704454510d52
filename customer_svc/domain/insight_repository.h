#ifndef CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_REPOSITORY_H_

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
#include "crm/customer/v1/insight.pb.h"
#include "customer_svc/domain/insight_rules.h"
#include "customer_svc/domain/win_back_repository.h"

namespace crm::customer {

enum class RfmColumn { kSegment, kRecencyScore, kFrequencyScore, kMonetaryScore };
using RfmCondition = common::Condition<RfmColumn>;
enum class RfmOrder { kCustomer, kRecencyScore, kFrequencyScore, kMonetaryScore };

// Keyset cursor of ListRfmScores: after the row with this sort value (the
// score, or the customer id for kCustomer) and customer id.
struct RfmCursor {
  int64_t sort_value = 0;
  int64_t customer_id = 0;
};

// The scores are computed over every scored customer (see insight_rules.h)
// at `now`; the other fields select which rows come back.
struct RfmQuery {
  absl::Time now;
  std::optional<int64_t> customer_id;  // one customer only
  std::vector<RfmCondition> conditions;
  RfmOrder order = RfmOrder::kCustomer;
  bool descending = false;
  std::optional<RfmCursor> after;
  int limit = 50;
};

struct RfmRow {
  int64_t customer_id = 0;
  absl::Time last_purchase_time;
  int64_t purchase_count = 0;  // in the window
  int64_t monetary_minor = 0;  // in the window, main currency
  std::string currency;        // main currency
  int recency_score = 0;
  int frequency_score = 0;
  int monetary_score = 0;
  v1::RfmSegment segment = v1::RFM_SEGMENT_UNSPECIFIED;
};

struct SegmentCount {
  v1::RfmSegment segment = v1::RFM_SEGMENT_UNSPECIFIED;
  int64_t customers = 0;
};

// The customer fields insights need.
struct CustomerBasics {
  int64_t id = 0;
  v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  std::string account_manager;
  bool deleted = false;
};

// Co-purchase statistics for one customer's recommendations.
struct CoPurchaseStats {
  int64_t baskets = 0;                  // live customers with counted purchases
  std::vector<std::string> owned_skus;  // SKUs the customer bought
  std::vector<CoPurchase> candidates;   // X (owned) → Y (not owned), with counts
};

// A customer RefreshLifecycle found inactive.
struct InactiveCustomer {
  int64_t id = 0;
  v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  absl::Time last_activity;  // latest of stage entry, purchase and interaction
};

class InsightStore {
 public:
  virtual ~InsightStore() = default;
  // Live ACTIVE and WON_BACK customers whose stage entry, last counted
  // purchase and last interaction are all before `cutoff`, by id; locked.
  virtual absl::StatusOr<std::vector<InactiveCustomer>> LockInactiveCustomers(
      absl::Time cutoff) = 0;
  virtual absl::Status MoveStage(const StageMove& move) = 0;
};

// Reads for InsightService; every figure is computed from the stored
// purchases, interactions, service cases, feedback and loyalty rows.
class InsightRepository {
 public:
  virtual ~InsightRepository() = default;

  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(InsightStore&)> body) = 0;
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(InsightStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<CustomerBasics>> GetCustomer(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<RfmRow>> ListRfm(absl::Time deadline,
                                                      const RfmQuery& query) = 0;
  // Scored customers per segment (segments without customers omitted).
  virtual absl::StatusOr<std::vector<SegmentCount>> CountSegments(absl::Time deadline,
                                                                  absl::Time now) = 0;
  virtual absl::StatusOr<HealthInputs> GetHealthInputs(absl::Time deadline, int64_t customer_id,
                                                       absl::Time now) = 0;
  // Latest NPS or CSAT response time of the customer.
  virtual absl::StatusOr<std::optional<absl::Time>> GetLastFeedbackTime(absl::Time deadline,
                                                                        int64_t customer_id) = 0;
  virtual absl::StatusOr<CoPurchaseStats> GetCoPurchaseStats(absl::Time deadline,
                                                             int64_t customer_id) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_REPOSITORY_H_
