#include "common/server/db_pool_metrics.h"

#include <string>
#include <utility>

namespace crm::common {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

prometheus::ClientMetric GaugeValue(double value,
                                    std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

prometheus::ClientMetric CounterValue(double value) {
  prometheus::ClientMetric metric;
  metric.counter.value = value;
  return metric;
}

prometheus::MetricFamily Gauge(std::string name, std::string help, double value) {
  prometheus::MetricFamily family =
      Family(std::move(name), std::move(help), prometheus::MetricType::Gauge);
  family.metric.push_back(GaugeValue(value));
  return family;
}

prometheus::MetricFamily Counter(std::string name, std::string help, double value) {
  prometheus::MetricFamily family =
      Family(std::move(name), std::move(help), prometheus::MetricType::Counter);
  family.metric.push_back(CounterValue(value));
  return family;
}

}  // namespace

DbPoolMetrics::DbPoolMetrics(std::function<PoolStats()> stats, int max_connections)
    : stats_(std::move(stats)), max_connections_(max_connections) {}

std::vector<prometheus::MetricFamily> DbPoolMetrics::Collect() const {
  const PoolStats stats = stats_();
  prometheus::MetricFamily connections =
      Family("crm_db_pool_connections", "Open database connections, by state.",
             prometheus::MetricType::Gauge);
  connections.metric.push_back(GaugeValue(stats.in_use, {{"state", "in_use"}}));
  connections.metric.push_back(GaugeValue(stats.idle, {{"state", "idle"}}));

  std::vector<prometheus::MetricFamily> families;
  families.push_back(std::move(connections));
  families.push_back(Gauge("crm_db_pool_max_connections", "Most connections the pool will open.",
                           max_connections_));
  families.push_back(
      Gauge("crm_db_pool_waiting", "Requests currently waiting for a connection.", stats.waiting));
  families.push_back(Counter("crm_db_pool_checkouts_total", "Connections handed out by the pool.",
                             static_cast<double>(stats.checkouts)));
  families.push_back(Counter("crm_db_pool_checkout_timeouts_total",
                             "Checkouts that failed because no connection freed up in time.",
                             static_cast<double>(stats.checkout_timeouts)));
  families.push_back(Counter("crm_db_pool_connects_total",
                             "New connections opened to the database.",
                             static_cast<double>(stats.connects)));
  families.push_back(Counter("crm_db_pool_discarded_total",
                             "Connections closed because they were broken.",
                             static_cast<double>(stats.discarded)));
  families.push_back(Counter("crm_db_pool_wait_seconds_total",
                             "Total time spent waiting for a connection.",
                             stats.wait_seconds_total));
  return families;
}

}  // namespace crm::common
