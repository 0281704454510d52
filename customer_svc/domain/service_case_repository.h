#ifndef CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_REPOSITORY_H_

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
#include "crm/customer/v1/feedback.pb.h"
#include "crm/customer/v1/service_case.pb.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

// A service case as stored: its ids, its version (the etag's source) and the
// message with every stored field, escalations oldest first. sla_breached is
// not stored: it depends on the time it is read at (see IsSlaBreached).
struct StoredServiceCase {
  int64_t id = 0;
  int64_t customer_id = 0;
  int64_t version = 0;
  v1::ServiceCase service_case;
};

// Columns a service case filter can compare. kSlaBreached compares the
// breach as of ServiceCaseListQuery::now.
enum class ServiceCaseColumn {
  kStatus,
  kPriority,
  kAssignee,
  kSlaBreached,
  kSlaDueTime,
  kCreateTime,
};
using ServiceCaseCondition = common::Condition<ServiceCaseColumn>;

enum class ServiceCaseOrder { kSlaDueTime, kPriority, kCreateTime };

// Where a keyset page starts: after the row with this sort value (a priority
// number, or a MySQL DATETIME(6) text) and id, in the query's direction.
struct ServiceCaseCursor {
  std::variant<int64_t, std::string> sort_value;
  int64_t id = 0;
};

struct ServiceCaseListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<ServiceCaseCondition> conditions;
  ServiceCaseOrder order = ServiceCaseOrder::kCreateTime;
  bool descending = true;
  bool show_deleted = false;
  std::optional<ServiceCaseCursor> after;
  int limit = 50;
  absl::Time now;  // for the sla_breached filter
};

// What a change does inside one transaction.
class ServiceCaseStore {
 public:
  virtual ~ServiceCaseStore() = default;

  // The customer `customer_id`, share-locked until the transaction ends, or nullopt.
  virtual absl::StatusOr<std::optional<ParentCustomer>> LockParentCustomer(int64_t customer_id) = 0;
  // The case (deleted or not) of that customer, locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredServiceCase>> LockServiceCase(int64_t customer_id,
                                                                           int64_t id) = 0;
  // Inserts with version 1 and assigns the case number (unique, from the new
  // id, in this transaction); returns the case as stored.
  virtual absl::StatusOr<StoredServiceCase> InsertServiceCase(
      int64_t customer_id, const v1::ServiceCase& service_case) = 0;
  // Writes every stored column of `service_case` (its escalations are not
  // written: see InsertEscalation) over row `id` and bumps the version from
  // `expected_version` (ABORTED when it moved); returns the case as stored.
  virtual absl::StatusOr<StoredServiceCase> UpdateServiceCase(int64_t customer_id, int64_t id,
                                                              const v1::ServiceCase& service_case,
                                                              int64_t expected_version) = 0;
  // Appends one escalation to case `id`.
  virtual absl::Status InsertEscalation(int64_t id, const v1::Escalation& escalation) = 0;
  // Records `feedback` (a CSAT response given on close) for the customer, in
  // the table FeedbackService reads; returns its name.
  virtual absl::StatusOr<std::string> InsertFeedback(int64_t customer_id,
                                                     const v1::Feedback& feedback) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of service cases and their escalations.
class ServiceCaseRepository {
 public:
  virtual ~ServiceCaseRepository() = default;

  // Runs `body` in one transaction (see CustomerRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(ServiceCaseStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ServiceCaseStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<ParentCustomer>> GetParentCustomer(absl::Time deadline,
                                                                          int64_t customer_id) = 0;
  virtual absl::StatusOr<std::optional<StoredServiceCase>> GetServiceCase(absl::Time deadline,
                                                                          int64_t customer_id,
                                                                          int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredServiceCase>> ListServiceCases(
      absl::Time deadline, const ServiceCaseListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_REPOSITORY_H_
