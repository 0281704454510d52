#include "common/server/service_main.h"
#include "customer_svc/handlers/customer_services.h"

int main(int argc, char** argv) {
  crm::common::ServiceDefinition definition;
  definition.defaults.service_name = "customer_svc";
  definition.defaults.listen_address = "127.0.0.1:50051";
  definition.defaults.metrics_address = "127.0.0.1:9091";
  definition.defaults.database = "crm_customer";
  definition.migrations = crm::customer::CustomerMigrations;
  definition.defaults.extra_flags = crm::customer::CustomerServiceFlags();
  definition.make_services = crm::customer::MakeCustomerServices;
  return crm::common::RunService(definition, argc, argv);
}
