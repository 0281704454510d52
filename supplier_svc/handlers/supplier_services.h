#ifndef CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_SERVICES_H_
#define CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"

namespace crm::supplier {

// The gRPC services of supplier_svc over `pool`, each owning the objects it
// works with (repository, domain service, real clock).
std::vector<std::unique_ptr<grpc::Service>> MakeSupplierServices(common::MySqlPool& pool,
                                                                  common::CallRunner& runner);

// supplier_svc's migrations (supplier_svc/migrations), embedded at build time.
const std::vector<common::Migration>& SupplierMigrations();

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_SERVICES_H_
