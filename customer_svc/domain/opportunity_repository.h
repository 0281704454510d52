#ifndef CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/opportunity.pb.h"

namespace crm::customer {

// A pipeline stage as stored (name, etag and times filled in by the repository).
struct StoredStage {
  int64_t id = 0;
  int64_t version = 0;
  v1::PipelineStage stage;
};

// An opportunity as stored (name, etag and times filled in by the repository).
struct StoredOpportunity {
  int64_t id = 0;
  int64_t customer_id = 0;
  int64_t version = 0;
  v1::Opportunity opportunity;
};

// Columns an opportunity filter can compare. kSku matches when the SKU is one
// of the opportunity's SKUs (kEqual) or is not (kNotEqual).
enum class OpportunityColumn {
  kPipelineStage,
  kState,
  kOwner,
  kExpectedCloseDate,
  kPartnerDeal,
  kSku
};
using OpportunityCondition = common::Condition<OpportunityColumn>;

enum class OpportunityOrder { kCreateTime, kExpectedCloseDate, kAmount };

// Where a keyset page starts: after the row with this sort value (DATETIME(6)
// text, DATE text or amount) and id, in the query's direction.
struct OpportunityCursor {
  std::variant<int64_t, std::string> sort_value;
  int64_t id = 0;
};

struct OpportunityListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<OpportunityCondition> conditions;
  OpportunityOrder order = OpportunityOrder::kCreateTime;
  bool descending = false;
  bool show_deleted = false;
  std::optional<OpportunityCursor> after;
  int limit = 50;
};

// Stages by (position, id); `after` continues a listing.
struct StageListQuery {
  bool show_deleted = false;
  std::optional<std::pair<int64_t, int64_t>> after;  // (position, id)
  int limit = 50;
};

// Live OPEN opportunities with expected_close_date in [start, end] ("YYYY-MM-DD",
// nullopt: unbounded) matching `conditions`, summed per group and currency.
struct ForecastQuery {
  std::optional<std::string> close_date_start;
  std::optional<std::string> close_date_end;
  v1::ForecastGrouping group_by = v1::FORECAST_GROUPING_STAGE;
  std::vector<OpportunityCondition> conditions;
};

enum class CustomerPresence { kMissing, kLive, kDeleted };

// What a change does inside one transaction. Reads lock the rows they return
// until the transaction ends.
class OpportunityStore {
 public:
  virtual ~OpportunityStore() = default;

  virtual absl::StatusOr<std::optional<StoredStage>> LockStage(int64_t id) = 0;
  // Id of the live stage with this display name / position, other than `except_id`.
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveStageByDisplayName(
      std::string_view display_name, int64_t except_id) = 0;
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveStageByPosition(int64_t position,
                                                                         int64_t except_id) = 0;
  // Opportunities in the stage: the live OPEN ones when `open_only`, else
  // every one, soft-deleted ones included (they may be restored).
  virtual absl::StatusOr<int64_t> CountOpportunitiesInStage(int64_t stage_id, bool open_only) = 0;
  // Inserts with version 1 and returns the stored stage.
  virtual absl::StatusOr<StoredStage> InsertStage(const v1::PipelineStage& stage) = 0;
  // Writes every stored field (id from the name), bumps the version from
  // `expected_version` (ABORTED when it moved on) and returns the stored stage.
  virtual absl::StatusOr<StoredStage> UpdateStage(const v1::PipelineStage& stage,
                                                  int64_t expected_version) = 0;

  // Whether the customer exists and is live; locks its row (shared).
  virtual absl::StatusOr<CustomerPresence> LockCustomerPresence(int64_t customer_id) = 0;
  virtual absl::StatusOr<std::optional<StoredOpportunity>> LockOpportunity(int64_t id) = 0;
  virtual absl::StatusOr<StoredOpportunity> InsertOpportunity(
      int64_t customer_id, const v1::Opportunity& opportunity) = 0;
  // As UpdateStage, for an opportunity (customer and id from its name).
  virtual absl::StatusOr<StoredOpportunity> UpdateOpportunity(const v1::Opportunity& opportunity,
                                                              int64_t expected_version) = 0;

  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of pipeline stages and opportunities.
class OpportunityRepository {
 public:
  virtual ~OpportunityRepository() = default;

  // Runs `body` in one transaction (see CustomerRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(OpportunityStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(OpportunityStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredStage>> GetStage(absl::Time deadline, int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredStage>> ListStages(absl::Time deadline,
                                                              const StageListQuery& query) = 0;
  virtual absl::StatusOr<std::optional<StoredOpportunity>> GetOpportunity(absl::Time deadline,
                                                                          int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredOpportunity>> ListOpportunities(
      absl::Time deadline, const OpportunityListQuery& query) = 0;
  virtual absl::StatusOr<CustomerPresence> GetCustomerPresence(absl::Time deadline,
                                                               int64_t customer_id) = 0;
  // One bucket per group and currency, with the group field set (stage name,
  // owner or first day of the month), in stage position / owner / month order
  // and then currency order.
  virtual absl::StatusOr<std::vector<v1::ForecastBucket>> ComputeForecast(
      absl::Time deadline, const ForecastQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_REPOSITORY_H_
