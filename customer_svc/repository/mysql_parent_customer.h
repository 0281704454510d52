#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_

#include <cppconn/connection.h>

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql/pool.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

// Tier and deletion of customer `customer_id` (nullopt when there is none),
// for the repositories of resources under "customers/{id}". With
// `share_lock` the row stays share-locked until the transaction ends, so the
// customer cannot be deleted or re-tiered meanwhile. Throws sql::SQLException.
std::optional<ParentCustomer> SelectParentCustomer(sql::Connection& connection, int64_t customer_id,
                                                   bool share_lock);

// SelectParentCustomer (no lock) on a pooled connection, for the repositories'
// GetParentCustomer reads.
absl::StatusOr<std::optional<ParentCustomer>> ReadParentCustomer(common::MySqlPool& pool,
                                                                 absl::Time deadline,
                                                                 int64_t customer_id);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_
