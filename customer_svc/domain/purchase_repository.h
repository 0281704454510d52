#ifndef CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_REPOSITORY_H_

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
#include "crm/customer/v1/purchase.pb.h"

namespace crm::customer {

// A purchase as stored: ids, version (the etag's source) and the message with
// every field, output-only ones included.
struct StoredPurchase {
  int64_t id = 0;
  int64_t customer_id = 0;
  int64_t version = 0;
  v1::Purchase purchase;
};

// What the purchase rules need to know about the customer a purchase belongs to.
struct PurchaseCustomer {
  int64_t id = 0;
  bool deleted = false;
};

enum class PurchaseColumn { kSku, kStatus, kSupplier, kPurchaseTime, kOrderReference };
using PurchaseCondition = common::Condition<PurchaseColumn>;

enum class PurchaseOrder { kPurchaseTime, kAmount };

struct PurchaseListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every customer
  std::vector<PurchaseCondition> conditions;
  PurchaseOrder order = PurchaseOrder::kPurchaseTime;
  bool descending = true;
  bool show_deleted = false;
  // Keyset: continue after the row with this sort value (DATETIME text or the
  // decimal amount) and id, in the query's direction.
  std::optional<std::string> after_sort_value;
  int64_t after_id = 0;
  int limit = 50;
};

// One (customer, supplier) pair of ListSupplierDependentCustomers.
struct DependentQuery {
  std::vector<int64_t> supplier_ids;
  bool include_closed = false;
  // Keyset over (customer_id, supplier_id), ascending.
  std::optional<std::pair<int64_t, int64_t>> after;
  int limit = 50;
};

struct DependentRow {
  int64_t customer_id = 0;
  int64_t supplier_id = 0;
  v1::SupplierDependentCustomer entry;  // every field filled in
};

// What a change does inside one transaction. Reads lock the rows they return.
class PurchaseStore {
 public:
  virtual ~PurchaseStore() = default;

  // The customer row, share-locked so it cannot be deleted meanwhile; nullopt
  // when there is no such customer.
  virtual absl::StatusOr<std::optional<PurchaseCustomer>> LockCustomer(int64_t customer_id) = 0;
  // The purchase (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredPurchase>> LockPurchase(int64_t customer_id,
                                                                     int64_t id) = 0;
  // Inserts with version 1; returns the stored purchase with its name.
  virtual absl::StatusOr<StoredPurchase> InsertPurchase(int64_t customer_id,
                                                        const v1::Purchase& purchase) = 0;
  // Writes every stored field of `purchase` and bumps the version from
  // `expected_version` (ABORTED when it moved meanwhile).
  virtual absl::StatusOr<StoredPurchase> UpdatePurchase(const StoredPurchase& stored,
                                                        const v1::Purchase& purchase) = 0;
  // Live OPEN purchases sourced from the supplier, locked, in id order.
  virtual absl::StatusOr<std::vector<StoredPurchase>> LockOpenPurchasesOfSupplier(
      int64_t supplier_id) = 0;
  // Account managers of the customers ("" when unassigned), by customer id.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> AccountManagers(
      const std::vector<int64_t>& customer_ids) = 0;
  virtual absl::Status InsertReplacement(int64_t from_supplier_id, int64_t to_supplier_id,
                                         std::string_view request_id, std::string_view reference,
                                         int64_t count, absl::Time time) = 0;
  // Records a "supplier changed" note on the customer's timeline for its
  // account manager; returns the interaction's name (the caller writes its audit entry).
  virtual absl::StatusOr<std::string> InsertSupplierChangeInteraction(
      int64_t customer_id, std::string_view employee, std::string_view subject,
      std::string_view summary, const std::vector<std::string>& related_resources,
      absl::Time time) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

class PurchaseRepository {
 public:
  virtual ~PurchaseRepository() = default;

  // One transaction; may run `body` again after a deadlock.
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(PurchaseStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PurchaseStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredPurchase>> GetPurchase(absl::Time deadline,
                                                                    int64_t customer_id,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredPurchase>> ListPurchases(
      absl::Time deadline, const PurchaseListQuery& query) = 0;
  virtual absl::StatusOr<std::vector<DependentRow>> ListDependents(absl::Time deadline,
                                                                   const DependentQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PURCHASE_REPOSITORY_H_
