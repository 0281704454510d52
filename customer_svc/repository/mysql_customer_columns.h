#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_COLUMNS_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_COLUMNS_H_

#include <string_view>

#include "customer_svc/domain/customer_repository.h"

namespace crm::customer {

// The SQL column of a customer filter field on the customers table aliased
// `c` (e.g. "c.display_name"), for common::AddConditions over customers.
std::string_view CustomerColumnSql(CustomerColumn column);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_CUSTOMER_COLUMNS_H_
