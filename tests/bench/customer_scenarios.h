#ifndef CRM_TESTS_BENCH_CUSTOMER_SCENARIOS_H_
#define CRM_TESTS_BENCH_CUSTOMER_SCENARIOS_H_

#include <string>

#include "absl/time/time.h"
#include "common/mysql/pool.h"

namespace crm::bench {

struct CustomerBenchSettings {
  std::string binary;            // build/customer_svc/customer_svc
  common::MySqlOptions db;       // admin access; the schema crm_bench_customer is recreated
  std::string db_password_file;  // passed on to the service
  int concurrency = 16;
  absl::Duration seconds = absl::Seconds(5);
  int small_rows = 10000;
  int large_rows = 1000000;
  double bound_qps = 0;  // 1/(1/E0 + 1/D0), measured before
};

// Starts the real customer_svc binary on a fresh schema and drives it over
// gRPC: GetCustomer (qps, p50, p99, ratio to the bound), ListCustomers page 50
// at small_rows and at large_rows rows (p50 and the ratio of both), and
// ImportCustomers rows/s. Prints figures; returns false when a scenario could
// not run (errors are printed).
bool RunCustomerScenarios(const CustomerBenchSettings& settings);

}  // namespace crm::bench

#endif  // CRM_TESTS_BENCH_CUSTOMER_SCENARIOS_H_
