#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_

#include <cppconn/connection.h>

#include <cstdint>
#include <optional>

#include "customer_svc/domain/resource_references.h"

namespace crm::customer {

// Tier and deletion of customer `customer_id` (nullopt when there is none),
// for the repositories of resources under "customers/{id}". With
// `share_lock` the row stays share-locked until the transaction ends, so the
// customer cannot be deleted or re-tiered meanwhile. Throws sql::SQLException.
std::optional<ParentCustomer> SelectParentCustomer(sql::Connection& connection, int64_t customer_id,
                                                   bool share_lock);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_PARENT_CUSTOMER_H_
