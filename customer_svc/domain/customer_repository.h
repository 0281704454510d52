#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/duplicate.pb.h"
#include "customer_svc/domain/opportunity_repository.h"
#include "common/api/filter_fields.h"

namespace crm::customer {

class DuplicateStore;  // duplicate_repository.h

// A customer as stored: its id, its version (the etag's source) and the
// message with every field, output-only ones included (name, etag and times
// filled in by the repository).
struct StoredCustomer {
  int64_t id = 0;
  int64_t version = 0;
  v1::Customer customer;
};

// Columns a customer filter can compare.
enum class CustomerColumn {
  kDisplayName, kEmail, kKind, kLifecycleStage, kTier, kParent, kAccountManager,
  kWebDomain, kTaxId, kSourceKind, kCreateTime,
};
using CustomerCondition = common::Condition<CustomerColumn>;

enum class CustomerOrder { kCreateTime, kUpdateTime, kDisplayName };

// Where a keyset page starts: after the row with this sort value and id (in
// the query's direction). Times are MySQL DATETIME(6) text.
struct CustomerCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct CustomerListQuery {
  std::vector<CustomerCondition> conditions;
  CustomerOrder order = CustomerOrder::kCreateTime;
  bool descending = false;
  bool show_deleted = false;
  std::optional<CustomerCursor> after;
  int limit = 50;  // rows to return at most
};

enum class TransitionColumn { kFromStage, kToStage, kAutomatic, kTransitionTime };
using TransitionCondition = common::Condition<TransitionColumn>;

// Transitions newest first (descending id); `before_id` continues a listing.
struct TransitionListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<TransitionCondition> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

struct StoredTransition {
  int64_t id = 0;
  int64_t customer_id = 0;
  v1::LifecycleTransition transition;  // name filled in by the repository
};

struct FunnelQuery {
  absl::Time start;
  absl::Time end;
  std::vector<CustomerCondition> conditions;  // which customers count
};

// What a change does inside one transaction. Reads lock the rows they return
// until the transaction ends.
class CustomerStore {
 public:
  virtual ~CustomerStore() = default;

  // The customer (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredCustomer>> LockCustomer(int64_t id) = 0;
  // Id of the live customer with this normalized web domain / tax id, other than `except_id`.
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveByWebDomain(std::string_view web_domain,
                                                                     int64_t except_id) = 0;
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveByTaxId(std::string_view tax_id,
                                                                 int64_t except_id) = 0;
  // Inserts with version 1; returns the stored customer (with its new id and name).
  virtual absl::StatusOr<StoredCustomer> InsertCustomer(const v1::Customer& customer) = 0;
  // Writes every stored field of `customer` (id from its name) and bumps the
  // version from `expected_version`; returns the stored customer.
  virtual absl::StatusOr<StoredCustomer> UpdateCustomer(const v1::Customer& customer,
                                                        int64_t expected_version) = 0;
  virtual absl::StatusOr<StoredTransition> InsertTransition(
      int64_t customer_id, const v1::LifecycleTransition& transition) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
  // The opportunity tables in this same transaction (ConvertLead creates its
  // opportunity there, so customer and opportunity commit together).
  virtual OpportunityStore& Opportunities() = 0;
  // The merge journal in this same transaction (ConvertLead records a
  // conversion into an existing customer as a merge of the lead into it).
  virtual DuplicateStore& Merges() = 0;

  // Bulk forms for imports, in multi-row statements.
  // Inserts new customers (version 1, as InsertCustomer); returns their ids in order.
  virtual absl::StatusOr<std::vector<int64_t>> InsertCustomers(
      const std::vector<const v1::Customer*>& customers) = 0;
  // Inserts (customer id, transition) pairs for customers this transaction
  // inserted (InsertCustomers), so their ids need no foreign key check.
  virtual absl::Status InsertTransitions(
      const std::vector<std::pair<int64_t, v1::LifecycleTransition>>& transitions) = 0;
  virtual absl::Status InsertAuditEntries(
      const std::vector<crm::common::v1::AuditEntry>& entries) = 0;
  // Live customers owning any of these normalized web domains / tax ids: value → id.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FindLiveByWebDomains(
      const std::vector<std::string>& web_domains) = 0;
  virtual absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FindLiveByTaxIds(
      const std::vector<std::string>& tax_ids) = 0;
  // Those of `ids` that are live customers, locked against deletion until the
  // transaction ends.
  virtual absl::StatusOr<absl::flat_hash_set<int64_t>> LockLiveCustomerIds(
      const std::vector<int64_t>& ids) = 0;
  // The live, enabled duplicate rules (DuplicateService's duplicate_rules
  // table) by id, each with its name and conditions.
  virtual absl::StatusOr<std::vector<v1::DuplicateRule>> LoadEnabledDuplicateRules() = 0;
  // Calls `visit` with the id and the fields duplicate rules compare
  // (display_name, email, phone, organization_key and, when
  // `with_postal_address`, postal_address) of every live customer.
  virtual absl::Status ForEachLiveCustomer(
      bool with_postal_address,
      absl::FunctionRef<void(int64_t id, const v1::Customer& customer)> visit) = 0;
};

// Which customers GetCustomerSummary counts and since when purchases count.
struct SummaryQuery {
  std::vector<CustomerCondition> conditions;  // live customers matching all
  absl::Time purchases_since;                 // purchases at or after this time
};

// Storage of customers, their lifecycle transitions and audit log.
class CustomerRepository {
 public:
  virtual ~CustomerRepository() = default;

  // Runs `body` in one transaction: everything it writes commits together
  // when it returns OK and nothing is kept otherwise. May run `body` again
  // after a deadlock.
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(CustomerStore&)> body) = 0;

  // Like Transact, exactly once per (method, request_id): a replay returns
  // the bytes the first run returned (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(CustomerStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredCustomer>> GetCustomer(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredCustomer>> ListCustomers(
      absl::Time deadline, const CustomerListQuery& query) = 0;
  virtual absl::StatusOr<std::vector<StoredTransition>> ListTransitions(
      absl::Time deadline, const TransitionListQuery& query) = 0;
  // One entry per stage LEAD..WON_BACK: entered in [start, end), of those
  // moved on to a later stage before `end`, average time in stage of those
  // that left it in [start, end), and customers in the stage at `end`.
  virtual absl::StatusOr<std::vector<v1::LifecycleFunnelStage>> ComputeFunnel(
      absl::Time deadline, const FunnelQuery& query) = 0;
  // Counts of the matching live customers (in all, per stage and per tier,
  // every stage and tier listed) and the amounts of their live purchases since
  // `purchases_since` that are neither cancelled nor returned, per currency
  // (sorted by code).
  virtual absl::StatusOr<v1::CustomerSummary> ComputeSummary(absl::Time deadline,
                                                             const SummaryQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_REPOSITORY_H_
