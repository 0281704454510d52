#ifndef CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_
#define CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"

namespace crm::customer {

// The gRPC services of customer_svc over `pool`: CustomerService and
// AuditService, each owning the objects it works with (repository, domain
// service, real clock).
std::vector<std::unique_ptr<grpc::Service>> MakeCustomerServices(common::MySqlPool& pool,
                                                                  common::CallRunner& runner);

// customer_svc's migrations (customer_svc/migrations), embedded at build time.
const std::vector<common::Migration>& CustomerMigrations();

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_CUSTOMER_SERVICES_H_
