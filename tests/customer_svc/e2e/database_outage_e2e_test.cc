// The real customer_svc binary keeps serving through outages of its
// database: it answers UNAVAILABLE while the database is down and serves
// again, without a restart and without losing a row, once it is back.
#include <memory>
#include <string>

#include "common/mysql/pool.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/database_outage.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::Authorized;
using ::crm::test_support::IsOk;

constexpr char kWriterToken[] = "outage-e2e-writer-token";

class DatabaseOutageE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(CUSTOMER_SVC_PATH, "crm_customer",
                               {{kWriterToken, "sales", "customers.read,customers.write"}}),
                IsOk());
    stub_ = v1::CustomerService::NewStub(service_.channel());
  }

  void TearDown() override { EXPECT_THAT(service_.Stop(), IsOk()); }

  grpc::Status Create(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateCustomerRequest request;
    request.set_request_id(request_id);
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
    request.mutable_customer()->set_display_name("Ada Restart");
    v1::CreateCustomerResponse response;
    grpc::Status status = stub_->CreateCustomer(Authorized(context, kWriterToken), request, &response);
    *name = response.customer().name();
    return status;
  }

  grpc::Status Get(const std::string& name) {
    grpc::ClientContext context;
    v1::GetCustomerRequest request;
    request.set_name(name);
    v1::GetCustomerResponse response;
    return stub_->GetCustomer(Authorized(context, kWriterToken), request, &response);
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

TEST_F(DatabaseOutageE2eTest, ServesAgainAfterItsDatabaseRestartsOrCrashesWithoutLosingARow) {
  std::string first;
  grpc::Status created = Create("created-before-the-outages", &first);
  ASSERT_TRUE(created.ok()) << created.error_message();
  const test_support::OutageProbes probes{
      .read = [&] { return Get(first); },
      .create = [&](const std::string& request_id,
                    std::string* name) { return Create(request_id, name); }};
  for (const bool crash : {false, true}) {
    test_support::ExpectServesThroughDatabaseOutage(service_, crash, probes);
  }
  // The one from before and one per outage: none lost, none doubled, none
  // written while the database was down.
  common::MySqlPool pool(service_.database().options("crm_customer"));
  EXPECT_EQ(test_support::QueryInt(pool, "SELECT COUNT(*) FROM customers").value_or(-1), 3);
}

}  // namespace
}  // namespace crm::customer
