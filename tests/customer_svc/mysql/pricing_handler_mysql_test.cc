// PricingHandler served in-process over gRPC (callback API, CallRunner,
// bearer tokens) on a TestDatabase: every RPC is wired to the domain service,
// statuses and scopes reach the client.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/auth.h"
#include "common/server/call_runner.h"
#include "common/server/worker_pool.h"
#include "crm/customer/v1/pricing_service.grpc.pb.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/handlers/pricing_handler.h"
#include "customer_svc/repository/mysql_pricing_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "pricing-reader-token";
constexpr char kWriterToken[] = "pricing-writer-token";

class PricingHandlerMySqlTest : public ::testing::Test {
 protected:
  PricingHandlerMySqlTest() : pool_(database_.options()), workers_(4, 100) {}

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                IsOk());
    absl::StatusOr<common::TokenAuthenticator> auth = common::TokenAuthenticator::Parse(
        absl::StrCat(common::Sha256Hex(kReaderToken), " readers customers.read\n",
                     common::Sha256Hex(kWriterToken), " sales customers.read,customers.write\n"),
        "test tokens");
    ASSERT_THAT(auth, IsOk());
    auth_ = std::make_unique<common::TokenAuthenticator>(*std::move(auth));
    runner_ = std::make_unique<common::CallRunner>(workers_, *auth_, absl::Seconds(30));
    runner_->SetReady();
    handler_ = std::make_unique<PricingHandler>(
        *runner_, std::make_shared<MySqlPricingRepository>(pool_), [] { return absl::Now(); });
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(handler_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    stub_ = v1::PricingService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
    workers_.Shutdown();
  }

  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return context;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  common::WorkerPool workers_;
  std::unique_ptr<common::TokenAuthenticator> auth_;
  std::unique_ptr<common::CallRunner> runner_;
  std::unique_ptr<PricingHandler> handler_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::PricingService::Stub> stub_;
};

TEST_F(PricingHandlerMySqlTest, CreateAndQuoteOverGrpcWithScopes) {
  v1::CreatePriceListEntryRequest create;
  create.mutable_price_list_entry()->set_sku("SKU-1");
  create.mutable_price_list_entry()->mutable_list_price()->set_amount_minor(2500);
  create.mutable_price_list_entry()->mutable_list_price()->set_currency_code("EUR");
  create.mutable_price_list_entry()->mutable_valid_from()->set_year(2020);
  create.mutable_price_list_entry()->mutable_valid_from()->set_month(1);
  create.mutable_price_list_entry()->mutable_valid_from()->set_day(1);
  v1::CreatePriceListEntryResponse created;
  EXPECT_EQ(stub_->CreatePriceListEntry(Context("").get(), create, &created).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->CreatePriceListEntry(Context(kReaderToken).get(), create, &created).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->CreatePriceListEntry(Context(kWriterToken).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(created.price_list_entry().name(), ::testing::StartsWith("priceListEntries/"));

  v1::GetPriceListEntryRequest get;
  get.set_name(created.price_list_entry().name());
  v1::GetPriceListEntryResponse got;
  status = stub_->GetPriceListEntry(Context(kReaderToken).get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.price_list_entry().list_price().amount_minor(), 2500);

  // No customer 1 yet: the quote names it.
  v1::QuotePriceRequest quote;
  quote.set_customer("customers/1");
  quote.set_sku("SKU-1");
  quote.set_quantity(2);
  v1::QuotePriceResponse quoted;
  status = stub_->QuotePrice(Context(kReaderToken).get(), quote, &quoted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("customers/1"));
  quote.set_quantity(0);
  status = stub_->QuotePrice(Context(kReaderToken).get(), quote, &quoted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("quantity: "));
}

// Every RPC reaches its domain method: a request with a malformed name or
// missing fields comes back INVALID_ARGUMENT, never UNIMPLEMENTED.
TEST_F(PricingHandlerMySqlTest, EveryRpcIsServed) {
  auto check = [](const char* rpc, const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << rpc << ": " << status.error_message();
  };
#define CRM_PRICING_CHECK(Rpc, setup)                                         \
  {                                                                           \
    v1::Rpc##Request request;                                                 \
    setup;                                                                    \
    v1::Rpc##Response response;                                               \
    check(#Rpc, stub_->Rpc(Context(kWriterToken).get(), request, &response)); \
  }
  CRM_PRICING_CHECK(GetPriceListEntry, request.set_name("x"));
  CRM_PRICING_CHECK(ListPriceListEntries, request.set_page_size(-1));
  CRM_PRICING_CHECK(CreatePriceListEntry, {});
  CRM_PRICING_CHECK(UpdatePriceListEntry, {});
  CRM_PRICING_CHECK(DeletePriceListEntry, {});
  CRM_PRICING_CHECK(UndeletePriceListEntry, {});
  CRM_PRICING_CHECK(GetTierDiscount, {});
  CRM_PRICING_CHECK(ListTierDiscounts, request.set_filter("bogus = 1"));
  CRM_PRICING_CHECK(CreateTierDiscount, {});
  CRM_PRICING_CHECK(UpdateTierDiscount, {});
  CRM_PRICING_CHECK(DeleteTierDiscount, {});
  CRM_PRICING_CHECK(UndeleteTierDiscount, {});
  CRM_PRICING_CHECK(GetSpecialPrice, request.set_name("customers/1"));
  CRM_PRICING_CHECK(ListSpecialPrices, {});
  CRM_PRICING_CHECK(CreateSpecialPrice, {});
  CRM_PRICING_CHECK(UpdateSpecialPrice, {});
  CRM_PRICING_CHECK(DeleteSpecialPrice, {});
  CRM_PRICING_CHECK(UndeleteSpecialPrice, {});
  CRM_PRICING_CHECK(QuotePrice, {});
#undef CRM_PRICING_CHECK
}

}  // namespace
}  // namespace crm::customer
