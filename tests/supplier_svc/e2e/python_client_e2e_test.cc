// Another team's client: Python code generated from protos/ by grpc_tools
// (tests/clients/supplier_client.py) against the real supplier_svc
// binary. It creates, replays, reads and lists a supplier and checks the
// status codes and messages of bad calls, as a client team relies on them.
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/service_process.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;

constexpr char kToken[] = "python-client-e2e-token";
constexpr char kPython[] = "/usr/bin/python3";  // Debian's, with python3-grpcio and grpc-tools

TEST(PythonClientE2eTest, GeneratedPythonClientCreatesReadsListsAndGetsPreciseErrors) {
  test_support::ServiceUnderTest service;
  ASSERT_THAT(service.Start(SUPPLIER_SVC_PATH, "crm_supplier",
                            {{kToken, "partner-portal", "suppliers.read,suppliers.write"}}),
              IsOk());
  absl::StatusOr<std::unique_ptr<test_support::ServiceProcess>> client =
      test_support::ServiceProcess::Start(
          {.binary = kPython,
           .args = {CRM_SOURCE_DIR "/tests/clients/supplier_client.py",
                    absl::StrCat("--target=127.0.0.1:", service.grpc_port()),
                    absl::StrCat("--token=", kToken), "--proto_root=" CRM_SOURCE_DIR "/protos"},
           .env = {}});
  ASSERT_THAT(client, IsOk());
  absl::StatusOr<int> exit_code = (*client)->WaitForExit(absl::Minutes(2));
  ASSERT_THAT(exit_code, IsOk());
  EXPECT_EQ(*exit_code, 0) << (*client)->Output();
  EXPECT_THAT((*client)->Output(), testing::HasSubstr("every check passed"));
  EXPECT_THAT(service.Stop(), IsOk());
}

}  // namespace
}  // namespace crm::supplier
