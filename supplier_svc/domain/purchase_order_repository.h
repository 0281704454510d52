#ifndef CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_REPOSITORY_H_

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
#include "crm/supplier/v1/offering.pb.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "supplier_svc/domain/contract_repository.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// A purchase order as stored: its id, version (the etag's source) and the
// message with every field, output-only ones included.
struct StoredPurchaseOrder {
  int64_t id = 0;
  int64_t version = 0;
  v1::PurchaseOrder order;
};

// Columns a purchase order filter can compare. kItem matches orders having a
// line for that item.
enum class PurchaseOrderColumn {
  kSupplier,
  kOriginalSupplier,
  kContract,
  kStatus,
  kOrderDate,
  kPromisedDeliveryDate,
  kActualDeliveryDate,
  kOnTimeDelivery,
  kItem,
  kCreateTime,
};
using PurchaseOrderCondition = common::Condition<PurchaseOrderColumn>;

enum class PurchaseOrderOrder { kCreateTime, kOrderDate, kPromisedDeliveryDate, kTotalAmount };

// Orders without a promised delivery date sort as if promised on this day.
inline constexpr char kNoPromisedDateSortValue[] = "1000-01-01";

struct PurchaseOrderCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct PurchaseOrderListQuery {
  std::vector<PurchaseOrderCondition> conditions;
  PurchaseOrderOrder order = PurchaseOrderOrder::kCreateTime;
  bool descending = true;
  std::optional<PurchaseOrderCursor> after;
  int limit = 50;
};

// What a purchase order change does inside one transaction. Reads lock the
// rows they return until the transaction ends.
class PurchaseOrderStore {
 public:
  virtual ~PurchaseOrderStore() = default;

  // The order and its lines locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredPurchaseOrder>> LockPurchaseOrder(int64_t id) = 0;
  // Inserts `order` (every stored field, lines included) with version 1 and
  // a new order number ("PO-000123"); returns it as stored.
  virtual absl::StatusOr<StoredPurchaseOrder> InsertPurchaseOrder(
      const v1::PurchaseOrder& order) = 0;
  // Writes every stored field of `order` (id from its name) and bumps the
  // version from `expected_version` (ABORTED when it moved); the lines are
  // rewritten only with `replace_lines`.
  virtual absl::StatusOr<StoredPurchaseOrder> UpdatePurchaseOrder(const v1::PurchaseOrder& order,
                                                                  int64_t expected_version,
                                                                  bool replace_lines) = 0;
  // The offering (deleted or not), or nullopt.
  virtual absl::StatusOr<std::optional<v1::Offering>> FindOffering(int64_t id) = 0;
  // The live offerings of the supplier for the item, in id order.
  virtual absl::StatusOr<std::vector<v1::Offering>> ListLiveOfferings(int64_t supplier_id,
                                                                      std::string_view item) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
  // Suppliers and contracts of the same transaction.
  virtual SupplierStore& Suppliers() = 0;
  virtual ContractStore& Contracts() = 0;
};

// Storage of purchase orders.
class PurchaseOrderRepository {
 public:
  virtual ~PurchaseOrderRepository() = default;

  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(PurchaseOrderStore&)> body) = 0;
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PurchaseOrderStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredPurchaseOrder>> GetPurchaseOrder(absl::Time deadline,
                                                                              int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredPurchaseOrder>> ListPurchaseOrders(
      absl::Time deadline, const PurchaseOrderListQuery& query) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_PURCHASE_ORDER_REPOSITORY_H_
