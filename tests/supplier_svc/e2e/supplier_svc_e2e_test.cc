// The real supplier_svc binary against a private MariaDB: it migrates its
// schema, serves health and reflection, and answers SupplierService calls over
// gRPC with bearer-token authentication and scopes.
#include <grpcpp/create_channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"
#include "tests/support/grpc_reflection.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::Authorized;
using ::crm::test_support::HealthStatus;
using ::crm::test_support::IsOk;
using ::testing::Contains;

constexpr char kReaderToken[] = "supplier-e2e-reader-token";
constexpr char kWriterToken[] = "supplier-e2e-writer-token";
constexpr char kSupplierService[] = "crm.supplier.v1.SupplierService";

class SupplierSvcE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(SUPPLIER_SVC_PATH, "crm_supplier",
                               {{kReaderToken, "finance", "suppliers.read"},
                                {kWriterToken, "procurement", "suppliers.read,suppliers.write"}}),
                IsOk());
    stub_ = v1::SupplierService::NewStub(service_.channel());
  }

  void TearDown() override { EXPECT_THAT(service_.Stop(), IsOk()); }

  grpc::Status Create(const std::string& token, const std::string& display_name,
                      v1::CreateSupplierResponse* response) {
    grpc::ClientContext context;
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name(display_name);
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
    request.mutable_supplier()->mutable_organization_key()->set_web_domain("Parts.Example");
    request.set_request_id("e2e-create-supplier-1");
    return stub_->CreateSupplier(Authorized(context, token), request, response);
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<v1::SupplierService::Stub> stub_;
};

TEST_F(SupplierSvcE2eTest, ServesHealthAndReflection) {
  EXPECT_EQ(test_support::CheckHealth(service_.channel(), kSupplierService, absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kServing);
  absl::StatusOr<std::vector<std::string>> services =
      test_support::ListServicesByReflection(service_.channel());
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(*services, Contains(kSupplierService));
  EXPECT_THAT(*services, Contains("crm.supplier.v1.AuditService"));
}

TEST_F(SupplierSvcE2eTest, CreateReplayGetAndStatusChangeOverGrpc) {
  v1::CreateSupplierResponse created;
  grpc::Status status = Create(kWriterToken, "Parts Inc", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.supplier().status(), v1::SUPPLIER_STATUS_PROSPECTIVE);
  EXPECT_EQ(created.supplier().organization_key().web_domain(), "parts.example");
  v1::CreateSupplierResponse replayed;
  ASSERT_TRUE(Create(kWriterToken, "Parts Inc", &replayed).ok());
  EXPECT_EQ(replayed.supplier().name(), created.supplier().name());

  grpc::ClientContext change_context;
  v1::ChangeSupplierStatusRequest change;
  change.set_name(created.supplier().name());
  change.set_status(v1::SUPPLIER_STATUS_PREFERRED);
  change.set_reason("skip the line");
  v1::ChangeSupplierStatusResponse changed;
  status = stub_->ChangeSupplierStatus(Authorized(change_context, kWriterToken), change, &changed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("PROSPECTIVE to PREFERRED"));

  grpc::ClientContext list_context;
  v1::ListSuppliersRequest list;
  list.set_filter("categories = COMPONENT");
  v1::ListSuppliersResponse listed;
  status = stub_->ListSuppliers(Authorized(list_context, kReaderToken), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed.suppliers_size(), 1);
  EXPECT_EQ(listed.suppliers(0).display_name(), "Parts Inc");
}

TEST_F(SupplierSvcE2eTest, ChecksTokensScopesAndInput) {
  v1::CreateSupplierResponse response;
  EXPECT_EQ(Create("", "Parts Inc", &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status denied = Create(kReaderToken, "Parts Inc", &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.error_message(), "team finance lacks scope suppliers.write");
  grpc::Status invalid = Create(kWriterToken, "", &response);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.error_message(), ::testing::HasSubstr("supplier.display_name"));
}

}  // namespace
}  // namespace crm::supplier
