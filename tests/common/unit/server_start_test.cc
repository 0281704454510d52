#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/server/server.h"
#include "crm/testing/v1/probe_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"

namespace crm::common {
namespace {

using ::crm::test_support::CheckHealth;
using ::crm::test_support::HealthStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(MakeServerCredentialsTest, PlaintextWhenTlsIsOff) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(TlsFiles{});
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_NE(*credentials, nullptr);
}

TEST(MakeServerCredentialsTest, UnreadableCertificateIsNotFoundNamingTheFile) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(TlsFiles{.cert_file = "/nonexistent/server.crt",
                                     .key_file = "/nonexistent/server.key",
                                     .client_ca_file = ""});
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(credentials.status().message()),
              HasSubstr("TLS certificate /nonexistent/server.crt"));
}

TEST(StartGrpcServerTest, PortInUseIsUnavailableNamingTheAddress) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string taken = absl::StrCat("127.0.0.1:", ntohs(address.sin_port));

  CallMetrics metrics;
  std::vector<std::unique_ptr<grpc::Service>> no_services;
  absl::StatusOr<StartedServer> server =
      StartGrpcServer(taken, grpc::InsecureServerCredentials(), no_services, metrics);
  close(fd);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("cannot listen on " + taken));
}

TEST(StartGrpcServerTest, ReportsTheBoundPort) {
  CallMetrics metrics;
  std::vector<std::unique_ptr<grpc::Service>> no_services;
  absl::StatusOr<StartedServer> server =
      StartGrpcServer("127.0.0.1:0", grpc::InsecureServerCredentials(), no_services, metrics);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT(server->port, 0);
  EXPECT_TRUE(server->service_names.empty());  // gRPC's own services are left out
  server->server->Shutdown();
}

// gRPC's own default is an overall SERVING; no client may see that before the
// service says it is ready (its migrations are applied).
TEST(StartGrpcServerTest, EveryHealthStatusIsNotServingUntilTheServiceSetsIt) {
  CallMetrics metrics;
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<::crm::testing::v1::ProbeService::CallbackService>());
  absl::StatusOr<StartedServer> server =
      StartGrpcServer("127.0.0.1:0", grpc::InsecureServerCredentials(), services, metrics);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_THAT(server->service_names, ElementsAre("crm.testing.v1.ProbeService"));
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server->port), grpc::InsecureChannelCredentials());

  EXPECT_EQ(CheckHealth(channel, "", absl::Seconds(10)).value_or(HealthStatus::kUnknown),
            HealthStatus::kNotServing);
  EXPECT_EQ(CheckHealth(channel, "crm.testing.v1.ProbeService", absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kNotServing);

  server->server->GetHealthCheckService()->SetServingStatus(true);
  EXPECT_EQ(CheckHealth(channel, "", absl::Seconds(10)).value_or(HealthStatus::kUnknown),
            HealthStatus::kServing);
  server->server->Shutdown();
}

}  // namespace
}  // namespace crm::common
