// The real customer_svc binary against a private MariaDB: it migrates its
// schema, serves health and reflection, and answers CustomerService calls
// over gRPC with bearer-token authentication and scopes.
#include <grpcpp/create_channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"
#include "tests/support/grpc_reflection.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::Authorized;
using ::crm::test_support::HealthStatus;
using ::crm::test_support::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "customer-e2e-reader-token";  // customers.read
constexpr char kWriterToken[] = "customer-e2e-writer-token";  // customers.read + write
constexpr char kCustomerService[] = "crm.customer.v1.CustomerService";

class CustomerSvcE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(CUSTOMER_SVC_PATH, "crm_customer",
                               {{kReaderToken, "readers", "customers.read"},
                                {kWriterToken, "sales", "customers.read,customers.write"}}),
                IsOk());
    stub_ = v1::CustomerService::NewStub(service_.channel());
  }

  void TearDown() override { EXPECT_THAT(service_.Stop(), IsOk()); }

  grpc::Status Create(const std::string& token, const std::string& display_name,
                      v1::CreateCustomerResponse* response) {
    grpc::ClientContext context;
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->mutable_organization_key()->set_web_domain("Acme.Example");
    request.set_request_id("e2e-create-0001");
    return stub_->CreateCustomer(Authorized(context, token), request, response);
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

TEST_F(CustomerSvcE2eTest, ServesHealthAndReflection) {
  EXPECT_EQ(test_support::CheckHealth(service_.channel(), kCustomerService, absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kServing);
  absl::StatusOr<std::vector<std::string>> services =
      test_support::ListServicesByReflection(service_.channel());
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(*services, Contains(kCustomerService));
  EXPECT_THAT(*services, Contains("crm.customer.v1.AuditService"));
}

TEST_F(CustomerSvcE2eTest, CreateGetListRoundTrip) {
  v1::CreateCustomerResponse created;
  grpc::Status status = Create(kWriterToken, "Acme Ltd", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(created.customer().name(), ::testing::StartsWith("customers/"));
  EXPECT_EQ(created.customer().display_name(), "Acme Ltd");
  EXPECT_EQ(created.customer().organization_key().web_domain(), "acme.example");
  EXPECT_EQ(created.customer().lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_FALSE(created.customer().etag().empty());

  {
    grpc::ClientContext context;
    v1::GetCustomerRequest request;
    request.set_name(created.customer().name());
    v1::GetCustomerResponse response;
    status = stub_->GetCustomer(Authorized(context, kReaderToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.customer().SerializeAsString(), created.customer().SerializeAsString());
  }
  {
    grpc::ClientContext context;
    v1::GetCustomerRequest request;
    request.set_name("customers/999999");
    v1::GetCustomerResponse response;
    status = stub_->GetCustomer(Authorized(context, kReaderToken), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::ListCustomersRequest request;
    request.set_filter(R"(display_name : "acme")");
    v1::ListCustomersResponse response;
    status = stub_->ListCustomers(Authorized(context, kReaderToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.customers_size(), 1);
    EXPECT_EQ(response.customers(0).name(), created.customer().name());
    EXPECT_TRUE(response.next_page_token().empty());
  }
  {
    grpc::ClientContext context;
    v1::ListCustomersRequest request;
    request.set_filter("shoe_size = 42");
    v1::ListCustomersResponse response;
    status = stub_->ListCustomers(Authorized(context, kReaderToken), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("shoe_size"));
  }
}

TEST_F(CustomerSvcE2eTest, ChecksTokensAndScopes) {
  v1::CreateCustomerResponse response;
  grpc::Status status = Create("", "Acme Ltd", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "missing bearer token in the authorization metadata");

  status = Create(kReaderToken, "Acme Ltd", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "team readers lacks scope customers.write");

  grpc::ClientContext context;
  v1::ListCustomersResponse list;
  status = stub_->ListCustomers(Authorized(context, kReaderToken), v1::ListCustomersRequest(),
                                &list);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(list.customers_size(), 0);  // the refused create stored nothing
}

}  // namespace
}  // namespace crm::customer
