#include "common/server/service_main.h"
#include "supplier_svc/handlers/supplier_services.h"

int main(int argc, char** argv) {
  crm::common::ServiceDefinition definition;
  definition.defaults.service_name = "supplier_svc";
  definition.defaults.listen_address = "127.0.0.1:50052";
  definition.defaults.metrics_address = "127.0.0.1:9092";
  definition.defaults.database = "crm_supplier";
  definition.migrations = crm::supplier::SupplierMigrations;
  definition.make_services =
      [](crm::common::MySqlPool& pool, crm::common::CallRunner& runner,
         const crm::common::ServiceConfig&) -> absl::StatusOr<crm::common::GrpcServices> {
    return crm::supplier::MakeSupplierServices(pool, runner);
  };
  return crm::common::RunService(definition, argc, argv);
}
