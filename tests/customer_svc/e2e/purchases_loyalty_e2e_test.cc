// The real customer_svc binary serving PurchaseService, LoyaltyService,
// ReferralService and FeedbackService over gRPC, with scopes enforced.
#include <grpcpp/create_channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/customer/v1/feedback_service.grpc.pb.h"
#include "crm/customer/v1/loyalty_service.grpc.pb.h"
#include "crm/customer/v1/purchase_service.grpc.pb.h"
#include "crm/customer/v1/referral_service.grpc.pb.h"
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

constexpr char kReaderToken[] = "purchases-e2e-reader-token";  // customers.read
constexpr char kWriterToken[] = "purchases-e2e-writer-token";  // customers.read + write

class PurchasesLoyaltyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(CUSTOMER_SVC_PATH, "crm_customer",
                               {{kReaderToken, "readers", "customers.read"},
                                {kWriterToken, "sales", "customers.read,customers.write"}}),
                IsOk());
    customers_ = v1::CustomerService::NewStub(service_.channel());
    purchases_ = v1::PurchaseService::NewStub(service_.channel());
    loyalty_ = v1::LoyaltyService::NewStub(service_.channel());
    referrals_ = v1::ReferralService::NewStub(service_.channel());
    feedback_ = v1::FeedbackService::NewStub(service_.channel());
  }

  void TearDown() override { EXPECT_THAT(service_.Stop(), IsOk()); }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<v1::CustomerService::Stub> customers_;
  std::unique_ptr<v1::PurchaseService::Stub> purchases_;
  std::unique_ptr<v1::LoyaltyService::Stub> loyalty_;
  std::unique_ptr<v1::ReferralService::Stub> referrals_;
  std::unique_ptr<v1::FeedbackService::Stub> feedback_;
};

TEST_F(PurchasesLoyaltyE2eTest, ServesTheFourServicesWithScopes) {
  absl::StatusOr<std::vector<std::string>> services =
      test_support::ListServicesByReflection(service_.channel());
  ASSERT_THAT(services, IsOk());
  for (const char* name : {"crm.customer.v1.PurchaseService", "crm.customer.v1.LoyaltyService",
                           "crm.customer.v1.ReferralService", "crm.customer.v1.FeedbackService"}) {
    EXPECT_THAT(*services, Contains(name));
  }

  v1::CreateCustomerRequest create_customer;
  create_customer.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  create_customer.mutable_customer()->set_display_name("Acme");
  v1::CreateCustomerResponse customer;
  {
    grpc::ClientContext context;
    grpc::Status status =
        customers_->CreateCustomer(Authorized(context, kWriterToken), create_customer, &customer);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::string name = customer.customer().name();

  v1::CreatePurchaseRequest create_purchase;
  create_purchase.set_parent(name);
  create_purchase.mutable_purchase()->set_sku("SKU-1");
  create_purchase.mutable_purchase()->set_quantity(2);
  create_purchase.mutable_purchase()->mutable_unit_price()->set_amount_minor(999);
  create_purchase.mutable_purchase()->mutable_unit_price()->set_currency_code("EUR");
  create_purchase.mutable_purchase()->set_supplier("suppliers/5");
  v1::CreatePurchaseResponse purchase;
  {
    grpc::ClientContext context;
    grpc::Status status =
        purchases_->CreatePurchase(Authorized(context, kReaderToken), create_purchase, &purchase);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    grpc::Status status =
        purchases_->CreatePurchase(Authorized(context, kWriterToken), create_purchase, &purchase);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(purchase.purchase().amount().amount_minor(), 1998);
  }
  {
    v1::ListSupplierDependentCustomersRequest request;
    request.add_suppliers("suppliers/5");
    v1::ListSupplierDependentCustomersResponse response;
    grpc::ClientContext context;
    grpc::Status status = purchases_->ListSupplierDependentCustomers(
        Authorized(context, kReaderToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.dependent_customers_size(), 1);
    EXPECT_EQ(response.dependent_customers(0).customer(), name);
  }

  {
    v1::EarnLoyaltyPointsRequest request;
    request.set_customer(name);
    request.set_points(20);
    request.set_reason("purchase");
    request.set_reference(purchase.purchase().name());
    v1::EarnLoyaltyPointsResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        loyalty_->EarnLoyaltyPoints(Authorized(context, kWriterToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    v1::RedeemLoyaltyPointsRequest request;
    request.set_customer(name);
    request.set_points(21);
    request.set_reason("voucher");
    v1::RedeemLoyaltyPointsResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        loyalty_->RedeemLoyaltyPoints(Authorized(context, kWriterToken), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr("balance of 20 points"));
  }

  {
    v1::CreateReferralRequest request;
    request.set_parent(name);
    request.mutable_referral()->set_referred_customer(name);
    v1::CreateReferralResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        referrals_->CreateReferral(Authorized(context, kWriterToken), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }

  {
    v1::CreateFeedbackRequest request;
    request.set_parent(name);
    request.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_NPS);
    request.mutable_feedback()->set_score(10);
    v1::CreateFeedbackResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        feedback_->CreateFeedback(Authorized(context, kWriterToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    v1::GetFeedbackSummaryRequest request;
    request.set_parent("customers/-");
    v1::GetFeedbackSummaryResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        feedback_->GetFeedbackSummary(Authorized(context, kReaderToken), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.summary().nps(), 100);
  }
}

}  // namespace
}  // namespace crm::customer
