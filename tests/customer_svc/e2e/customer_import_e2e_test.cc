// ImportCustomers streamed over gRPC to the real customer_svc binary (private
// MariaDB): the client-streaming call path (CallRunner::RunClientStream), the
// per-row results, the scope check and GetCustomerSummary over the result.
#include <grpcpp/create_channel.h>
#include <signal.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/pool.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/service_process.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::HealthStatus;
using ::crm::test_support::IsOk;
using ::crm::test_support::ServiceProcess;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "import-e2e-reader-token";  // customers.read
constexpr char kWriterToken[] = "import-e2e-writer-token";  // customers.read + write
constexpr absl::Duration kStartupTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(30);

grpc::ClientContext* Authorized(grpc::ClientContext& context, const std::string& token) {
  return test_support::Authorized(context, token, absl::Seconds(60));
}

class CustomerImportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(db_.Start(), IsOk());
    common::MySqlPool admin(db_.options());
    ASSERT_THAT(test_support::ExecuteSql(admin, "CREATE DATABASE IF NOT EXISTS crm_customer"),
                IsOk());
    std::ofstream(db_.dir() + "/tokens")
        << common::Sha256Hex(kReaderToken) << " readers customers.read\n"
        << common::Sha256Hex(kWriterToken) << " data-team customers.read,customers.write\n";
    grpc_port_ = test_support::PickUnusedPort();
    absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(
        {.binary = CUSTOMER_SVC_PATH, .args = ServiceArgs(grpc_port_), .env = {}});
    ASSERT_THAT(process.status(), IsOk());
    service_ = *std::move(process);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::CustomerService::NewStub(channel_);
    ASSERT_THAT(service_->WaitForPort(grpc_port_, kStartupTimeout), IsOk());
    ASSERT_THAT(
        test_support::WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout),
        IsOk());
  }

  std::vector<std::string> ServiceArgs(int grpc_port) const {
    int metrics_port = 0;
    do {
      metrics_port = test_support::PickUnusedPort();
    } while (metrics_port == grpc_port);
    return {absl::StrCat("--listen_address=127.0.0.1:", grpc_port),
            absl::StrCat("--metrics_address=127.0.0.1:", metrics_port), "--db_host=127.0.0.1",
            absl::StrCat("--db_port=", db_.port()), "--db_user=crm_admin",
            absl::StrCat("--db_password_file=", db_.dir(), "/admin.password"),
            "--db_name=crm_customer", absl::StrCat("--auth_tokens_file=", db_.dir(), "/tokens"),
            // Calls without a client deadline get this one (the stalled-stream test).
            "--default_deadline_ms=8000"};
  }

  void TearDown() override {
    if (service_ != nullptr && service_->IsRunning()) {
      EXPECT_TRUE(service_->Signal(SIGTERM).ok());
      absl::StatusOr<int> exit_code = service_->WaitForExit(kExitTimeout);
      EXPECT_TRUE(exit_code.ok()) << exit_code.status();
      EXPECT_EQ(exit_code.value_or(-1), 0) << service_->Output();
    }
    service_.reset();
  }

  // Streams `messages` and closes the stream; returns the call's status.
  grpc::Status Stream(const std::string& token, const std::vector<v1::ImportCustomersRequest>& messages,
                      v1::ImportCustomersResponse* response) {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer =
        stub_->ImportCustomers(Authorized(context, token), response);
    for (const v1::ImportCustomersRequest& message : messages) {
      if (!writer->Write(message)) break;  // the server ended the call early
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // `chunks` messages of `per_chunk` rows numbered from `first`; every 100th
  // row has a bad e-mail.
  static std::vector<v1::ImportCustomersRequest> Rows(int chunks, int per_chunk,
                                                      const std::string& request_id,
                                                      int first = 0) {
    std::vector<v1::ImportCustomersRequest> messages;
    for (int chunk = 0; chunk < chunks; ++chunk) {
      v1::ImportCustomersRequest& message = messages.emplace_back();
      if (chunk == 0) {
        message.set_mode(v1::IMPORT_MODE_CREATE);
        message.set_request_id(request_id);
      }
      for (int i = 0; i < per_chunk; ++i) {
        const int n = first + chunk * per_chunk + i;
        v1::ImportRow& row = *message.add_rows();
        row.set_row_id(absl::StrCat("line-", n + 2));
        v1::Customer& customer = *row.mutable_customer();
        customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
        customer.set_display_name(absl::StrCat("Company ", n));
        customer.mutable_organization_key()->set_web_domain(absl::StrCat("company", n, ".example"));
        customer.set_tier(n % 4 == 0 ? v1::TIER_GOLD : v1::TIER_STANDARD);
        customer.set_email(n % 100 == 99 ? "broken-address" : absl::StrCat("info@company", n, ".example"));
      }
    }
    return messages;
  }

  int grpc_port_ = 0;
  test_support::PrivateMariaDb db_;
  std::unique_ptr<ServiceProcess> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

TEST_F(CustomerImportE2eTest, StreamedImportReportsEveryRowAndIsCountedBySummary) {
  v1::ImportCustomersResponse response;
  grpc::Status status = Stream(kWriterToken, Rows(3, 1000, "e2e-import-1"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 3000);
  EXPECT_EQ(response.created_count(), 2970);
  EXPECT_EQ(response.failed_count(), 30);
  EXPECT_EQ(response.results(0).row_id(), "line-2");
  EXPECT_EQ(response.results(2999).row_id(), "line-3001");
  EXPECT_EQ(response.results(99).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(99).error_field(), "customer.email");

  {
    grpc::ClientContext context;
    v1::GetCustomerRequest request;
    request.set_name(response.results(1234).customer());
    v1::GetCustomerResponse customer;
    status = stub_->GetCustomer(Authorized(context, kReaderToken), request, &customer);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(customer.customer().display_name(), "Company 1234");
  }
  {
    grpc::ClientContext context;
    v1::GetCustomerSummaryRequest request;
    request.set_filter("tier = GOLD");
    v1::GetCustomerSummaryResponse summary;
    status = stub_->GetCustomerSummary(Authorized(context, kReaderToken), request, &summary);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(summary.summary().customer_count(), 750);  // n % 4 == 0, none has n % 100 == 99
  }
  // A retry of the same import (e.g. after a lost response) creates nothing.
  v1::ImportCustomersResponse replay;
  status = Stream(kWriterToken, Rows(3, 1000, "e2e-import-1"), &replay);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replay.SerializeAsString(), response.SerializeAsString());
  grpc::ClientContext context;
  v1::GetCustomerSummaryResponse all;
  status = stub_->GetCustomerSummary(Authorized(context, kReaderToken),
                                     v1::GetCustomerSummaryRequest(), &all);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(all.summary().customer_count(), 2970);
}

TEST_F(CustomerImportE2eTest, RefusesCallersWithoutWriteScopeAndStreamsWithoutMode) {
  v1::ImportCustomersResponse response;
  grpc::Status status = Stream(kReaderToken, Rows(1, 10, ""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "team readers lacks scope customers.write");

  std::vector<v1::ImportCustomersRequest> no_mode = Rows(2, 10, "");
  no_mode[0].clear_mode();
  status = Stream(kWriterToken, no_mode, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("mode: required"));

  grpc::ClientContext context;
  v1::GetCustomerSummaryResponse summary;
  status = stub_->GetCustomerSummary(Authorized(context, kReaderToken),
                                     v1::GetCustomerSummaryRequest(), &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.summary().customer_count(), 0);
}

TEST_F(CustomerImportE2eTest, AStreamThatStallsEndsAtTheDeadlineAndWritesNothing) {
  grpc::ClientContext context;  // no client deadline: the server's default applies
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kWriterToken));
  v1::ImportCustomersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer =
      stub_->ImportCustomers(&context, &response);
  ASSERT_TRUE(writer->Write(Rows(1, 10, "stalled")[0]));
  // The client neither sends more nor closes the stream.
  absl::SleepFor(absl::Seconds(10));
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();

  // The worker was released and nothing of the stalled import was written.
  grpc::ClientContext summary_context;
  v1::GetCustomerSummaryResponse summary;
  status = stub_->GetCustomerSummary(Authorized(summary_context, kReaderToken),
                                     v1::GetCustomerSummaryRequest(), &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.summary().customer_count(), 0);
  v1::ImportCustomersResponse after;
  status = Stream(kWriterToken, Rows(1, 5, "after-stall"), &after);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(after.created_count(), 5);
}

TEST_F(CustomerImportE2eTest, ConcurrentImportsAllLandThroughTheWriteSlots) {
  // Eight streams at once against the default of three writing imports: the
  // others wait for a slot, none fails, every valid row is written once.
  constexpr int kStreams = 8;
  std::vector<v1::ImportCustomersResponse> responses(kStreams);
  std::vector<grpc::Status> statuses(kStreams);
  std::vector<std::thread> streams;
  for (int t = 0; t < kStreams; ++t) {
    streams.emplace_back([&, t] {
      statuses[t] =
          Stream(kWriterToken, Rows(2, 250, absl::StrCat("parallel-", t), t * 500), &responses[t]);
    });
  }
  for (std::thread& stream : streams) stream.join();
  for (int t = 0; t < kStreams; ++t) {
    ASSERT_TRUE(statuses[t].ok()) << t << ": " << statuses[t].error_message();
    EXPECT_EQ(responses[t].created_count(), 495) << t;  // 5 of 500 rows have a bad e-mail
    EXPECT_EQ(responses[t].failed_count(), 5) << t;
  }
  grpc::ClientContext summary_context;
  v1::GetCustomerSummaryResponse summary;
  grpc::Status status = stub_->GetCustomerSummary(Authorized(summary_context, kReaderToken),
                                                  v1::GetCustomerSummaryRequest(), &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.summary().customer_count(), kStreams * 495);
}

TEST_F(CustomerImportE2eTest, AnImportLimitOutOfRangeStopsTheStartNamingTheFlag) {
  std::vector<std::string> args = ServiceArgs(test_support::PickUnusedPort());
  args.push_back("--max_concurrent_imports=0");
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({.binary = CUSTOMER_SVC_PATH, .args = args, .env = {}});
  ASSERT_THAT(process.status(), IsOk());
  absl::StatusOr<int> exit_code = (*process)->WaitForExit(kExitTimeout);
  ASSERT_THAT(exit_code.status(), IsOk());
  EXPECT_EQ(*exit_code, 2);
  EXPECT_THAT((*process)->Output(),
              HasSubstr("--max_concurrent_imports (CRM_MAX_CONCURRENT_IMPORTS): must be a whole "
                        "number from 1 to 1000"));
  EXPECT_THAT((*process)->Output(), HasSubstr("cannot start: service flags"));
}

}  // namespace
}  // namespace crm::customer
