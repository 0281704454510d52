#ifndef CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_REPOSITORY_H_

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
#include "crm/customer/v1/interaction.pb.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

// An interaction as stored: its ids, its version (the etag's source) and the
// message with every field, output-only ones included.
struct StoredInteraction {
  int64_t id = 0;
  int64_t customer_id = 0;
  int64_t version = 0;
  v1::Interaction interaction;
};

// Columns an interaction filter can compare. kRelatedResource matches when
// any related resource compares (kNotEqual: when none is equal).
enum class InteractionColumn {
  kChannel,
  kDirection,
  kSentiment,
  kEmployee,
  kOccurTime,
  kCreateTime,
  kRelatedResource,
};
using InteractionCondition = common::Condition<InteractionColumn>;

enum class InteractionOrder { kOccurTime, kCreateTime };

// Where a keyset page starts: after the row with this sort time (MySQL
// DATETIME(6) text) and id, in the query's direction.
struct InteractionCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct InteractionListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<InteractionCondition> conditions;
  InteractionOrder order = InteractionOrder::kOccurTime;
  bool descending = true;
  bool show_deleted = false;
  std::optional<InteractionCursor> after;
  int limit = 50;
};

// What a change does inside one transaction.
class InteractionStore {
 public:
  virtual ~InteractionStore() = default;

  // The customer `customer_id`, share-locked until the transaction ends, or nullopt.
  virtual absl::StatusOr<std::optional<ParentCustomer>> LockParentCustomer(int64_t customer_id) = 0;
  // The interaction (deleted or not) of that customer, locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredInteraction>> LockInteraction(int64_t customer_id,
                                                                           int64_t id) = 0;
  // Inserts with version 1; returns it as stored (with its id and name).
  virtual absl::StatusOr<StoredInteraction> InsertInteraction(
      int64_t customer_id, const v1::Interaction& interaction) = 0;
  // Writes every stored field of `interaction` over row `id` and bumps the
  // version from `expected_version` (ABORTED when it moved); returns it as stored.
  virtual absl::StatusOr<StoredInteraction> UpdateInteraction(int64_t customer_id, int64_t id,
                                                              const v1::Interaction& interaction,
                                                              int64_t expected_version) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of the customer timeline.
class InteractionRepository {
 public:
  virtual ~InteractionRepository() = default;

  // Runs `body` in one transaction (see CustomerRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(InteractionStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(InteractionStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<ParentCustomer>> GetParentCustomer(absl::Time deadline,
                                                                          int64_t customer_id) = 0;
  virtual absl::StatusOr<std::optional<StoredInteraction>> GetInteraction(absl::Time deadline,
                                                                          int64_t customer_id,
                                                                          int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredInteraction>> ListInteractions(
      absl::Time deadline, const InteractionListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_REPOSITORY_H_
