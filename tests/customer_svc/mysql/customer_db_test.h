// The base fixture of the customer_svc MySQL tests: a fresh TestDatabase
// schema with the common and customer_svc migration tracks applied, a pool on
// it, the customer service over its MySQL repository (to make customers), a
// CallContext (caller team, request_id "req-1", a deadline) and an injected
// clock `now_` every service of the test reads.
//
//   class InteractionServiceMySqlTest : public CustomerDbTest {
//    protected:
//     InteractionServiceMySqlTest()
//         : CustomerDbTest("support"), repository_(pool_),
//           service_(repository_, [this] { return now_; }) {}
//     ...
//   };
//
// A derived SetUp() calls ASSERT_NO_FATAL_FAILURE(CustomerDbTest::SetUp()) first.
#ifndef CRM_TESTS_CUSTOMER_SVC_MYSQL_CUSTOMER_DB_TEST_H_
#define CRM_TESTS_CUSTOMER_SVC_MYSQL_CUSTOMER_DB_TEST_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {

class CustomerDbTest : public ::testing::Test {
 protected:
  static constexpr int64_t kDefaultNowUnixSeconds = 1700000000;  // 2023-11-14T22:13:20Z

  explicit CustomerDbTest(const std::string& team,
                          absl::Time now = absl::FromUnixSeconds(kDefaultNowUnixSeconds),
                          absl::Duration deadline = absl::Seconds(60))
      : pool_(database_.options()),
        customer_repository_(pool_),
        now_(now),
        customers_(customer_repository_, [this] { return CustomerClock(); }) {
    call_.caller.team = team;
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + deadline;
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                test_support::IsOk());
  }

  // What customers_ reads as the time; a test guarding now_ with a mutex
  // overrides it.
  virtual absl::Time CustomerClock() { return now_; }

  // Creates an ORGANIZATION customer (with `tier`, when given), expecting
  // success; the clock does not move.
  v1::Customer CreateCustomer(const std::string& display_name,
                              v1::Tier tier = v1::TIER_UNSPECIFIED) {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->set_tier(tier);
    v1::CreateCustomerResponse response;
    absl::Status status = customers_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.customer();
  }

  // Moves customer `name` to lifecycle stage `to`, expecting success.
  void TransitionCustomer(const std::string& name, v1::LifecycleStage to,
                          const std::string& reason) {
    v1::TransitionLifecycleStageRequest request;
    request.set_name(name);
    request.set_to_stage(to);
    request.set_reason(reason);
    v1::TransitionLifecycleStageResponse response;
    EXPECT_THAT(customers_.TransitionLifecycleStage(call_, request, response),
                test_support::IsOk());
  }

  // Sets the account manager of customer `name` directly (the employee
  // service assigns it in production).
  void SetAccountManager(const std::string& name, const std::string& account_manager) {
    EXPECT_THAT(test_support::ExecuteSql(
                    pool_, absl::StrCat("UPDATE customers SET account_manager = '",
                                        account_manager, "' WHERE id = ", Id(name))),
                test_support::IsOk());
  }

  // The id part of a top-level resource name ("customers/12" → "12").
  static std::string Id(const std::string& name) { return name.substr(name.find('/') + 1); }

  // The single integer `query` selects (-1 and a failure when it fails).
  int64_t Count(const std::string& query) {
    absl::StatusOr<int64_t> count = test_support::QueryInt(pool_, query);
    EXPECT_TRUE(count.ok()) << count.status();
    return count.ok() ? *count : -1;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlCustomerRepository customer_repository_;
  absl::Time now_;
  CustomerService customers_;
  common::CallContext call_;
};

}  // namespace crm::customer

#endif  // CRM_TESTS_CUSTOMER_SVC_MYSQL_CUSTOMER_DB_TEST_H_
