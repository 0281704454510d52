#ifndef CRM_COMMON_SERVER_DB_POOL_METRICS_H_
#define CRM_COMMON_SERVER_DB_POOL_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <vector>

#include "common/mysql/pool.h"

namespace crm::common {

// Exposes MySqlPool statistics, read at scrape time:
//   crm_db_pool_connections{state="in_use"|"idle"}  gauge
//   crm_db_pool_max_connections                     gauge
//   crm_db_pool_waiting                             gauge
//   crm_db_pool_checkouts_total                     counter
//   crm_db_pool_checkout_timeouts_total             counter
//   crm_db_pool_connects_total                      counter
//   crm_db_pool_discarded_total                     counter
//   crm_db_pool_wait_seconds_total                  counter
class DbPoolMetrics : public prometheus::Collectable {
 public:
  // `stats` is called on every scrape, e.g. [&pool] { return pool.Stats(); }.
  DbPoolMetrics(std::function<PoolStats()> stats, int max_connections);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<PoolStats()> stats_;
  int max_connections_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_DB_POOL_METRICS_H_
