#include "tests/support/database_outage.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"
#include "tests/support/test_database.h"

namespace crm::test_support {
namespace {

// Far below any hang, well above a service's 1 s health probe and its
// database connect timeout.
constexpr absl::Duration kNoticed = absl::Seconds(20);

}  // namespace

void ExpectServesThroughDatabaseOutage(ServiceUnderTest& service, bool crash,
                                       const OutageProbes& probes) {
  SCOPED_TRACE(crash ? "database killed (SIGKILL)" : "database shut down cleanly");
  ASSERT_THAT(crash ? service.database().Kill() : service.database().Stop(), IsOk());
  EXPECT_THAT(WaitForHealth(service.channel(), "", HealthStatus::kNotServing, kNoticed), IsOk());
  absl::Time start = absl::Now();
  const grpc::Status read = probes.read();
  EXPECT_EQ(read.error_code(), grpc::StatusCode::UNAVAILABLE) << read.error_message();
  EXPECT_THAT(read.error_message(), testing::HasSubstr("database"));
  EXPECT_LT(absl::Now() - start, kNoticed);
  start = absl::Now();
  std::string refused;
  const grpc::Status write = probes.create("created-while-the-database-is-down", &refused);
  EXPECT_EQ(write.error_code(), grpc::StatusCode::UNAVAILABLE) << write.error_message();
  EXPECT_LT(absl::Now() - start, kNoticed);

  ASSERT_THAT(service.database().Start(), IsOk());
  EXPECT_THAT(WaitForHealth(service.channel(), "", HealthStatus::kServing, kNoticed), IsOk());
  const grpc::Status read_again = probes.read();
  EXPECT_TRUE(read_again.ok()) << read_again.error_message();
  const std::string request_id = absl::StrCat("created-after-the-", crash ? "crash" : "restart");
  std::string created;
  std::string replayed;
  const grpc::Status create = probes.create(request_id, &created);
  EXPECT_TRUE(create.ok()) << create.error_message();
  const grpc::Status replay = probes.create(request_id, &replayed);
  EXPECT_TRUE(replay.ok()) << replay.error_message();
  EXPECT_EQ(replayed, created);
}

}  // namespace crm::test_support
