#include "customer_svc/handlers/customer_services.h"

#include "absl/time/clock.h"
#include "customer_svc/handlers/audit_handler.h"
#include "customer_svc/handlers/customer_handler.h"
#include "customer_svc/repository/mysql_customer_repository.h"

namespace crm::customer {

std::vector<std::unique_ptr<grpc::Service>> MakeCustomerServices(common::MySqlPool& pool,
                                                                  common::CallRunner& runner) {
  auto repository = std::make_shared<MySqlCustomerRepository>(pool);
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<CustomerHandler>(runner, repository, [] { return absl::Now(); }));
  services.push_back(std::make_unique<AuditHandler>(runner, pool));
  return services;
}

}  // namespace crm::customer
