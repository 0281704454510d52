#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_REPOSITORY_H_

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
#include "crm/supplier/v1/supplier_communication.pb.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// A communication as stored; the message has its name and create_time.
struct StoredCommunication {
  int64_t id = 0;
  int64_t supplier_id = 0;
  v1::SupplierCommunication communication;
};

// Columns a communication filter can compare. kRelatedResource matches
// communications listing that resource among their related_resources.
enum class CommunicationColumn { kChannel, kDirection, kAuthor, kOccurTime, kRelatedResource };
using CommunicationCondition = common::Condition<CommunicationColumn>;

enum class CommunicationOrder { kOccurTime, kCreateTime };

// Where a keyset page starts: after the row with this time (MySQL DATETIME
// text) and id, in the query's direction.
struct CommunicationCursor {
  std::string time;
  int64_t id = 0;
};

struct CommunicationListQuery {
  std::optional<int64_t> supplier_id;  // nullopt: every supplier
  std::vector<CommunicationCondition> conditions;
  CommunicationOrder order = CommunicationOrder::kOccurTime;
  bool descending = true;
  std::optional<CommunicationCursor> after;
  int limit = 50;
};

// What a create does inside one transaction.
class CommunicationStore {
 public:
  virtual ~CommunicationStore() = default;

  // The suppliers of the same transaction.
  virtual SupplierStore& suppliers() = 0;
  // Inserts the communication (with its related resources) for the supplier.
  virtual absl::StatusOr<StoredCommunication> InsertCommunication(
      int64_t supplier_id, const v1::SupplierCommunication& communication) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of the communication log with suppliers.
class SupplierCommunicationRepository {
 public:
  virtual ~SupplierCommunicationRepository() = default;

  // Like SupplierRepository::TransactOnce.
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(CommunicationStore&)> body) = 0;
  // Whether suppliers/{id} exists (deleted or not).
  virtual absl::StatusOr<bool> SupplierExists(absl::Time deadline, int64_t supplier_id) = 0;
  // The communication `id` of supplier `supplier_id`, or nullopt.
  virtual absl::StatusOr<std::optional<StoredCommunication>> GetCommunication(absl::Time deadline,
                                                                              int64_t supplier_id,
                                                                              int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredCommunication>> ListCommunications(
      absl::Time deadline, const CommunicationListQuery& query) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_REPOSITORY_H_
