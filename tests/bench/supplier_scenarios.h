#ifndef CRM_TESTS_BENCH_SUPPLIER_SCENARIOS_H_
#define CRM_TESTS_BENCH_SUPPLIER_SCENARIOS_H_

#include <string>

#include "absl/time/time.h"
#include "common/mysql/pool.h"

namespace crm::bench {

struct SupplierBenchSettings {
  std::string binary;            // build/supplier_svc/supplier_svc
  common::MySqlOptions db;       // admin access; the schema crm_bench_supplier_svc is recreated
  std::string db_password_file;  // passed on to the service
  int concurrency = 16;
  absl::Duration seconds = absl::Seconds(5);
  int suppliers = 2000;  // created through CreateSupplier before the scenarios
  double bound_qps = 0;  // 1/(1/E0 + 1/D0), measured before
};

// Starts the real supplier_svc binary on a fresh schema, creates `suppliers`
// suppliers over gRPC and runs the supplier scenarios (see
// supplier_scenarios.cc; today G1 GetSupplier: qps, p50, p99, ratio to the
// bound). Prints figures; returns false when a scenario could not run.
bool RunSupplierScenarios(const SupplierBenchSettings& settings);

}  // namespace crm::bench

#endif  // CRM_TESTS_BENCH_SUPPLIER_SCENARIOS_H_
