#include "customer_svc/repository/mysql_parent_customer.h"

#include <memory>

#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::customer {

std::optional<ParentCustomer> SelectParentCustomer(sql::Connection& connection, int64_t customer_id,
                                                   bool share_lock) {
  common::SqlQuery query;
  query.Add(share_lock
                ? "SELECT tier, delete_time IS NOT NULL AS deleted FROM customers WHERE id = ? "
                  "LOCK IN SHARE MODE"
                : "SELECT tier, delete_time IS NOT NULL AS deleted FROM customers WHERE id = ?",
            {customer_id});
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return std::nullopt;
  ParentCustomer parent;
  parent.tier = static_cast<v1::Tier>(row->getInt("tier"));
  parent.deleted = row->getBoolean("deleted");
  return parent;
}

absl::StatusOr<std::optional<ParentCustomer>> ReadParentCustomer(common::MySqlPool& pool,
                                                                 absl::Time deadline,
                                                                 int64_t customer_id) {
  return common::ReadWithConnection(
      pool, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<ParentCustomer>> {
        return SelectParentCustomer(c, customer_id, /*share_lock=*/false);
      });
}

}  // namespace crm::customer
