// The base fixture of the supplier_svc MySQL tests: a fresh TestDatabase
// schema with the common and supplier_svc migration tracks applied, a pool on
// it, a CallContext (team "procurement", request_id "req-1", a deadline) and
// an injected clock `now_` the services of the test read.
//
//   class OfferingServiceMySqlTest : public SupplierDbTest {
//    protected:
//     OfferingServiceMySqlTest()
//         : SupplierDbTest(absl::FromUnixSeconds(1710504000)), repository_(pool_),
//           service_(repository_, [this] { return now_; }) {}
//     ...
//   };
//
// A derived SetUp() calls ASSERT_NO_FATAL_FAILURE(SupplierDbTest::SetUp()) first.
#ifndef CRM_TESTS_SUPPLIER_SVC_MYSQL_SUPPLIER_DB_TEST_H_
#define CRM_TESTS_SUPPLIER_SVC_MYSQL_SUPPLIER_DB_TEST_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "tests/support/test_database.h"

namespace crm::supplier {

class SupplierDbTest : public ::testing::Test {
 protected:
  explicit SupplierDbTest(absl::Time now, absl::Duration deadline = absl::Seconds(60))
      : pool_(database_.options()), now_(now) {
    call_.caller.team = "procurement";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + deadline;
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "supplier_svc", SupplierMigrations()),
                test_support::IsOk());
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  absl::Time now_;
  common::CallContext call_;
};

}  // namespace crm::supplier

#endif  // CRM_TESTS_SUPPLIER_SVC_MYSQL_SUPPLIER_DB_TEST_H_
