#ifndef CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_
#define CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/flags.h"
#include "common/config/service_config.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"

namespace crm::customer {

// The flags only customer_svc has:
//   --max_concurrent_imports (CRM_MAX_CONCURRENT_IMPORTS): ImportCustomers
//     calls that write at the same time, 1 to 1000 (default 3); at most
//     --db_pool_size of them take effect.
std::vector<common::FlagSpec> CustomerServiceFlags();

// The gRPC services of customer_svc over `pool`, each owning the objects it
// works with (repository, domain service, real clock). INVALID_ARGUMENT
// naming the flag when an extra flag of `config` is out of range.
absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> MakeCustomerServices(
    common::MySqlPool& pool, common::CallRunner& runner, const common::ServiceConfig& config);

// customer_svc's migrations (customer_svc/migrations), embedded at build time.
const std::vector<common::Migration>& CustomerMigrations();

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_
