#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_PURCHASE_ORDER_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_PURCHASE_ORDER_REPOSITORY_H_

#include <cppconn/connection.h>

#include <memory>

#include "common/mysql/pool.h"
#include "supplier_svc/domain/purchase_order_repository.h"

namespace crm::supplier {

// The PurchaseOrderStore of an open transaction on `connection`.
std::unique_ptr<PurchaseOrderStore> MakeMySqlPurchaseOrderStore(sql::Connection& connection);

// PurchaseOrderRepository over purchase_orders and purchase_order_lines (V002,
// V003): prepared statements only, keyset pagination only.
class MySqlPurchaseOrderRepository final : public PurchaseOrderRepository {
 public:
  explicit MySqlPurchaseOrderRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(PurchaseOrderStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PurchaseOrderStore&)> body) override;
  absl::StatusOr<std::optional<StoredPurchaseOrder>> GetPurchaseOrder(absl::Time deadline,
                                                                      int64_t id) override;
  absl::StatusOr<std::vector<StoredPurchaseOrder>> ListPurchaseOrders(
      absl::Time deadline, const PurchaseOrderListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_PURCHASE_ORDER_REPOSITORY_H_
