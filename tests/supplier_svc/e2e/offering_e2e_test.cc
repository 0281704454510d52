// The real supplier_svc binary serves OfferingService and
// SupplierCommunicationService over gRPC with their scopes: a price list line
// created by procurement is found by BestPrice for a read-only team, and the
// communication log is recorded and listed.
#include <grpcpp/create_channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "crm/supplier/v1/offering_service.grpc.pb.h"
#include "crm/supplier/v1/supplier_communication_service.grpc.pb.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/supplier_svc/e2e/active_supplier.h"
#include "tests/support/grpc_reflection.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::Authorized;
using ::crm::test_support::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "offering-e2e-reader-token";
constexpr char kWriterToken[] = "offering-e2e-writer-token";

class OfferingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(SUPPLIER_SVC_PATH, "crm_supplier",
                               {{kReaderToken, "finance", "suppliers.read"},
                                {kWriterToken, "procurement", "suppliers.read,suppliers.write"}}),
                IsOk());
    suppliers_ = v1::SupplierService::NewStub(service_.channel());
    offerings_ = v1::OfferingService::NewStub(service_.channel());
    communications_ = v1::SupplierCommunicationService::NewStub(service_.channel());
  }

  void TearDown() override { EXPECT_THAT(service_.Stop(), IsOk()); }

  std::string ActiveSupplier(const std::string& display_name) {
    return e2e_support::ActiveSupplier(*suppliers_, kWriterToken, display_name);
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<v1::SupplierService::Stub> suppliers_;
  std::unique_ptr<v1::OfferingService::Stub> offerings_;
  std::unique_ptr<v1::SupplierCommunicationService::Stub> communications_;
};

TEST_F(OfferingE2eTest, CreatesOfferingsAndFindsTheBestPriceOverGrpc) {
  absl::StatusOr<std::vector<std::string>> services =
      test_support::ListServicesByReflection(service_.channel());
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(*services, Contains("crm.supplier.v1.OfferingService"));
  EXPECT_THAT(*services, Contains("crm.supplier.v1.SupplierCommunicationService"));

  const std::string supplier = ActiveSupplier("Bolt Works");
  v1::CreateOfferingRequest create;
  v1::Offering& offering = *create.mutable_offering();
  offering.set_supplier(supplier);
  offering.set_item("BOLT-M8");
  offering.mutable_unit_price()->set_amount_minor(12);
  offering.mutable_unit_price()->set_currency_code("EUR");
  offering.set_minimum_quantity(100);
  offering.set_lead_time_days(4);
  create.set_request_id("e2e-offering-1");

  grpc::ClientContext denied_context;
  v1::CreateOfferingResponse created;
  grpc::Status denied =
      offerings_->CreateOffering(Authorized(denied_context, kReaderToken), create, &created);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext create_context;
  grpc::Status status =
      offerings_->CreateOffering(Authorized(create_context, kWriterToken), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.offering().supplier(), supplier);

  grpc::ClientContext best_context;
  v1::BestPriceRequest best;
  best.set_item("BOLT-M8");
  best.set_quantity(250);
  v1::BestPriceResponse found;
  status = offerings_->BestPrice(Authorized(best_context, kReaderToken), best, &found);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(found.best().offering(), created.offering().name());
  EXPECT_EQ(found.best().supplier_display_name(), "Bolt Works");
  EXPECT_EQ(found.best().total_price().amount_minor(), 3000);

  grpc::ClientContext small_context;
  best.set_quantity(10);
  status = offerings_->BestPrice(Authorized(small_context, kReaderToken), best, &found);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext log_context;
  v1::CreateSupplierCommunicationRequest log;
  log.set_parent(supplier);
  log.mutable_supplier_communication()->set_channel(v1::COMMUNICATION_CHANNEL_EMAIL);
  log.mutable_supplier_communication()->set_subject("Price list 2024");
  v1::CreateSupplierCommunicationResponse logged;
  status = communications_->CreateSupplierCommunication(Authorized(log_context, kWriterToken), log,
                                                        &logged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext list_context;
  v1::ListSupplierCommunicationsRequest list;
  list.set_parent("suppliers/-");
  v1::ListSupplierCommunicationsResponse listed;
  status = communications_->ListSupplierCommunications(Authorized(list_context, kReaderToken), list,
                                                       &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed.supplier_communications_size(), 1);
  EXPECT_EQ(listed.supplier_communications(0).name(), logged.supplier_communication().name());

  grpc::ClientContext bad_context;
  log.mutable_supplier_communication()->clear_subject();
  status = communications_->CreateSupplierCommunication(Authorized(bad_context, kWriterToken), log,
                                                        &logged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("supplier_communication.subject"));
}

}  // namespace
}  // namespace crm::supplier
