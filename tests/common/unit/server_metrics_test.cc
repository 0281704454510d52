#include <prometheus/text_serializer.h>

#include <string>

#include "common/server/db_pool_metrics.h"
#include "common/server/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

using ::testing::HasSubstr;

std::string Scrape(const prometheus::Collectable& collectable) {
  return prometheus::TextSerializer().Serialize(collectable.Collect());
}

TEST(CallMetricsTest, CountsCallsByMethodAndCode) {
  CallMetrics metrics;
  metrics.Record("/crm.x.v1.XService/Get", grpc::StatusCode::OK, absl::Milliseconds(3));
  metrics.Record("/crm.x.v1.XService/Get", grpc::StatusCode::OK, absl::Milliseconds(4));
  metrics.Record("/crm.x.v1.XService/Get", grpc::StatusCode::NOT_FOUND, absl::Milliseconds(1));
  std::string text = Scrape(*metrics.registry());
  EXPECT_THAT(text,
              HasSubstr(R"(crm_grpc_requests_total{code="OK",method="/crm.x.v1.XService/Get"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(crm_grpc_requests_total{code="NOT_FOUND",method="/crm.x.v1.XService/Get"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(crm_grpc_request_duration_seconds_count{method="/crm.x.v1.XService/Get"} 3)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(crm_grpc_request_duration_seconds_bucket{method="/crm.x.v1.XService/Get",le="0.0025"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(crm_grpc_request_duration_seconds_bucket{method="/crm.x.v1.XService/Get",le="0.005"} 3)"));
}

TEST(CallMetricsTest, NamesStatusCodesCanonically) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
}

TEST(DbPoolMetricsTest, ReportsPoolStatsAtScrapeTime) {
  PoolStats stats;
  DbPoolMetrics metrics([&stats] { return stats; }, 16);
  stats.in_use = 3;
  stats.idle = 2;
  stats.size = 5;
  stats.waiting = 4;
  stats.checkouts = 120;
  stats.checkout_timeouts = 7;
  stats.connects = 9;
  stats.discarded = 1;
  stats.wait_seconds_total = 2.5;
  std::string text = Scrape(metrics);
  EXPECT_THAT(text, HasSubstr(R"(crm_db_pool_connections{state="in_use"} 3)"));
  EXPECT_THAT(text, HasSubstr(R"(crm_db_pool_connections{state="idle"} 2)"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_max_connections 16"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_waiting 4"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_checkouts_total 120"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_checkout_timeouts_total 7"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_connects_total 9"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_discarded_total 1"));
  EXPECT_THAT(text, HasSubstr("crm_db_pool_wait_seconds_total 2.5"));
  EXPECT_THAT(text, HasSubstr("# TYPE crm_db_pool_checkouts_total counter"));

  stats.in_use = 0;  // read again on the next scrape
  EXPECT_THAT(Scrape(metrics), HasSubstr(R"(crm_db_pool_connections{state="in_use"} 0)"));
}

}  // namespace
}  // namespace crm::common
