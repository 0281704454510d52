#ifndef CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_REPOSITORY_H_

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
#include "crm/customer/v1/win_back.pb.h"
#include "customer_svc/domain/customer_repository.h"

namespace crm::customer {

// A campaign as stored: id, version (the etag's source) and the message with
// every field (name, etag, times and attempt_counts filled in).
struct StoredCampaign {
  int64_t id = 0;
  int64_t version = 0;
  v1::WinBackCampaign campaign;
};

struct StoredAttempt {
  int64_t id = 0;
  int64_t campaign_id = 0;
  int64_t customer_id = 0;
  int64_t version = 0;
  v1::WinBackAttempt attempt;
};

enum class CampaignColumn { kState, kStartDate, kEndDate, kDisplayName };
using CampaignCondition = common::Condition<CampaignColumn>;
enum class CampaignOrder { kCreateTime, kStartDate };

enum class AttemptColumn { kState, kAssignee, kCustomer, kLastContactTime };
using AttemptCondition = common::Condition<AttemptColumn>;
enum class AttemptOrder { kCreateTime, kLastContactTime };

// Keyset cursor: after the row with this sort value (MySQL DATE/DATETIME
// text) and id, in the query's direction.
struct ListCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct CampaignListQuery {
  std::vector<CampaignCondition> conditions;
  CampaignOrder order = CampaignOrder::kCreateTime;
  bool descending = true;
  bool show_deleted = false;
  std::optional<ListCursor> after;
  int limit = 50;
};

struct AttemptListQuery {
  int64_t campaign_id = 0;
  std::vector<AttemptCondition> conditions;
  AttemptOrder order = AttemptOrder::kCreateTime;
  bool descending = false;
  std::optional<ListCursor> after;
  int limit = 50;
};

// A customer a campaign may target, as launch selects it.
struct LaunchTarget {
  int64_t customer_id = 0;
  std::string account_manager;  // "employees/{id}" or ""
};

// A customer's lifecycle stage, locked.
struct CustomerStage {
  int64_t id = 0;
  v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  bool deleted = false;
};

// A lifecycle move to store: the customer's stage column, stage_enter_time,
// version and update_time change, a lifecycle_transitions row and an audit
// entry of the customer are written.
struct StageMove {
  int64_t customer_id = 0;
  v1::LifecycleStage from = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  v1::LifecycleStage to = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  std::string actor;
  std::string reason;
  std::string request_id;
  bool automatic = false;
  absl::Time time;
};

// The operations of one transaction. Reads lock the rows they return.
class WinBackStore {
 public:
  virtual ~WinBackStore() = default;

  virtual absl::StatusOr<std::optional<StoredCampaign>> LockCampaign(int64_t id) = 0;
  // Inserts with version 1 and returns the stored campaign.
  virtual absl::StatusOr<StoredCampaign> InsertCampaign(const v1::WinBackCampaign& campaign) = 0;
  // Writes every stored field (id from the name), bumps the version.
  virtual absl::StatusOr<StoredCampaign> UpdateCampaign(const v1::WinBackCampaign& campaign,
                                                        int64_t expected_version) = 0;
  // Live customers in one of `stages` matching every condition, locked, by id.
  virtual absl::StatusOr<std::vector<LaunchTarget>> SelectTargets(
      const std::vector<v1::LifecycleStage>& stages,
      const std::vector<CustomerCondition>& conditions) = 0;
  // One PENDING attempt per target (assignee = its account manager).
  virtual absl::Status InsertAttempts(int64_t campaign_id, const std::vector<LaunchTarget>& targets,
                                      absl::Time now) = 0;
  // Sets every attempt of the campaign in PENDING/CONTACTED/RESPONDED to
  // `state`; returns how many changed.
  virtual absl::StatusOr<int64_t> CloseOpenAttempts(int64_t campaign_id,
                                                    v1::WinBackAttemptState state,
                                                    absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<StoredAttempt>> LockAttempt(int64_t campaign_id,
                                                                   int64_t attempt_id) = 0;
  virtual absl::StatusOr<StoredAttempt> UpdateAttempt(const StoredAttempt& attempt,
                                                      int64_t expected_version) = 0;
  virtual absl::StatusOr<std::optional<CustomerStage>> LockCustomerStage(int64_t customer_id) = 0;
  virtual absl::Status MoveStage(const StageMove& move) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of win-back campaigns and attempts.
class WinBackRepository {
 public:
  virtual ~WinBackRepository() = default;

  // One transaction; see CustomerRepository::Transact.
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(WinBackStore&)> body) = 0;
  // Exactly once per (method, request_id); see CustomerRepository::TransactOnce.
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(WinBackStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredCampaign>> GetCampaign(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredCampaign>> ListCampaigns(
      absl::Time deadline, const CampaignListQuery& query) = 0;
  virtual absl::StatusOr<std::optional<StoredAttempt>> GetAttempt(absl::Time deadline,
                                                                  int64_t campaign_id,
                                                                  int64_t attempt_id) = 0;
  virtual absl::StatusOr<std::vector<StoredAttempt>> ListAttempts(
      absl::Time deadline, const AttemptListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_WIN_BACK_REPOSITORY_H_
