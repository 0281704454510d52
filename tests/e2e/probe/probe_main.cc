#include "common/server/service_main.h"
#include "tests/e2e/probe/probe_service.h"

int main(int argc, char** argv) {
  return crm::common::RunService(crm::testing::ProbeServiceDefinition(), argc, argv);
}
