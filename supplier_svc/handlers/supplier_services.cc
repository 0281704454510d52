#include "supplier_svc/handlers/supplier_services.h"

#include "absl/time/clock.h"
#include "supplier_svc/handlers/audit_handler.h"
#include "supplier_svc/handlers/supplier_handler.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {

std::vector<std::unique_ptr<grpc::Service>> MakeSupplierServices(common::MySqlPool& pool,
                                                                  common::CallRunner& runner) {
  const Clock clock = [] { return absl::Now(); };
  auto suppliers = std::make_shared<MySqlSupplierRepository>(pool);
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<SupplierHandler>(runner, suppliers, clock));
  services.push_back(std::make_unique<AuditHandler>(runner, pool));
  return services;
}

}  // namespace crm::supplier
