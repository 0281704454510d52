#include "supplier_svc/handlers/supplier_services.h"

#include "absl/time/clock.h"
#include "supplier_svc/handlers/audit_handler.h"
#include "supplier_svc/handlers/consolidation_handler.h"
#include "supplier_svc/handlers/scorecard_handler.h"
#include "supplier_svc/handlers/contract_handler.h"
#include "supplier_svc/handlers/offering_handler.h"
#include "supplier_svc/handlers/purchase_order_handler.h"
#include "supplier_svc/handlers/supplier_communication_handler.h"
#include "supplier_svc/handlers/supplier_handler.h"
#include "supplier_svc/repository/mysql_consolidation_repository.h"
#include "supplier_svc/repository/mysql_contract_repository.h"
#include "supplier_svc/repository/mysql_offering_repository.h"
#include "supplier_svc/repository/mysql_purchase_order_repository.h"
#include "supplier_svc/repository/mysql_scorecard_repository.h"
#include "supplier_svc/repository/mysql_supplier_communication_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {

std::vector<std::unique_ptr<grpc::Service>> MakeSupplierServices(common::MySqlPool& pool,
                                                                  common::CallRunner& runner) {
  const Clock clock = [] { return absl::Now(); };
  auto suppliers = std::make_shared<MySqlSupplierRepository>(pool);
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<SupplierHandler>(runner, suppliers, clock));
  services.push_back(std::make_unique<OfferingHandler>(
      runner, std::make_shared<MySqlOfferingRepository>(pool), clock));
  services.push_back(std::make_unique<SupplierCommunicationHandler>(
      runner, std::make_shared<MySqlSupplierCommunicationRepository>(pool), clock));
  services.push_back(std::make_unique<ContractHandler>(
      runner, std::make_shared<MySqlContractRepository>(pool), clock));
  services.push_back(std::make_unique<PurchaseOrderHandler>(
      runner, std::make_shared<MySqlPurchaseOrderRepository>(pool), clock));
  services.push_back(std::make_unique<ScorecardHandler>(
      runner, std::make_shared<MySqlScorecardRepository>(pool), clock));
  services.push_back(std::make_unique<ConsolidationHandler>(
      runner, std::make_shared<MySqlConsolidationRepository>(pool), clock));
  services.push_back(std::make_unique<AuditHandler>(runner, pool));
  return services;
}

}  // namespace crm::supplier
