// The server bootstrap (common/server/RunService) proved end to end: the
// probe server runs as a real process against a private MariaDB.
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/pool.h"
#include "crm/testing/v1/probe_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_health.h"
#include "tests/support/grpc_reflection.h"
#include "tests/support/http_get.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/service_process.h"
#include "tests/support/test_database.h"

namespace crm::testing {
namespace {

using ::crm::test_support::HealthStatus;
using ::crm::test_support::IsOk;
using ::crm::test_support::ServiceProcess;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReaderToken[] = "e2e-reader-token";  // customers.read
constexpr char kWriterToken[] = "e2e-writer-token";  // customers.read + write
constexpr char kProbeService[] = "crm.testing.v1.ProbeService";
constexpr absl::Duration kStartupTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(30);

#define ASSERT_OK(expression)                        \
  do {                                               \
    const absl::Status status_ = (expression);       \
    ASSERT_TRUE(status_.ok()) << status_.ToString(); \
  } while (false)

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream file(path);
  file << content;
}

std::string MakeTempDir() {
  std::string pattern = absl::StrCat(::testing::TempDir(), "/crm-probe-e2e-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// A CA plus a server certificate (for "localhost") and a client certificate
// signed by it, written to `dir` as ca.crt, server.{crt,key}, client.{crt,key}.
void GenerateCertificates(const std::string& dir) {
  const std::string script = absl::StrCat(
      "set -e; cd '", dir, "'\n",
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
      "-subj /CN=crm-test-ca\n",
      "printf 'subjectAltName=DNS:localhost\\n' > server.ext\n", "for who in server client; do\n",
      "  openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=$who\n",
      "  ext=; [ $who = server ] && ext='-extfile server.ext'\n",
      "  openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
      "-out $who.crt -days 2 $ext\n",
      "done\n");
  const std::string script_path = dir + "/make_certs.sh";
  WriteFile(script_path, script);
  ASSERT_EQ(
      std::system(absl::StrCat("sh '", script_path, "' >'", dir, "/openssl.log' 2>&1").c_str()), 0)
      << ReadFile(dir + "/openssl.log");
}

grpc::ClientContext* WithDeadline(grpc::ClientContext& context,
                                  absl::Duration timeout = absl::Seconds(30)) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return &context;
}

class ProbeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_dir_ = MakeTempDir();
    tokens_file_ = work_dir_ + "/tokens";
    WriteFile(
        tokens_file_,
        absl::StrCat("# e2e tokens\n", common::Sha256Hex(kReaderToken), " readers customers.read\n",
                     common::Sha256Hex(kWriterToken), " writers customers.read,customers.write\n"));
    password_file_ = work_dir_ + "/db.password";
    WriteFile(password_file_, "not-used-until-the-database-starts");
  }

  void TearDown() override {
    // What the probe and its database said, so a failure explains itself.
    if (HasFailure() && probe_ != nullptr) {
      std::fprintf(stderr, "--- probe output ---\n%s\n--- mariadb.log ---\n%s\n",
                   probe_->Output().c_str(), ReadFile(db_.dir() + "/mariadb.log").c_str());
    }
    probe_.reset();
    std::filesystem::remove_all(work_dir_);
  }

  // Starts the private MariaDB, creates the probe's (empty) schema and
  // writes the admin password where the probe reads it.
  void StartDatabase() {
    ASSERT_OK(db_.Start());
    common::MySqlPool admin(db_.options());
    ASSERT_OK(test_support::ExecuteSql(admin, "CREATE DATABASE IF NOT EXISTS crm_probe"));
    WriteFile(password_file_, db_.options().password);
  }

  // The probe's command line on fresh ports (picked just before the probe
  // binds them, so nothing else grabs them meanwhile); `overrides` replace
  // flags by name.
  std::vector<std::string> ProbeArgs(const std::map<std::string, std::string>& overrides = {}) {
    grpc_port_ = test_support::PickUnusedPort();
    do {
      metrics_port_ = test_support::PickUnusedPort();
    } while (metrics_port_ == grpc_port_);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ProbeService::NewStub(channel_);
    std::map<std::string, std::string> flags = {
        {"listen_address", absl::StrCat("127.0.0.1:", grpc_port_)},
        {"metrics_address", absl::StrCat("127.0.0.1:", metrics_port_)},
        {"db_host", "127.0.0.1"},
        {"db_port", absl::StrCat(db_.port())},
        {"db_user", "crm_admin"},
        {"db_password_file", password_file_},
        {"db_name", "crm_probe"},
        {"db_pool_size", "4"},
        {"auth_tokens_file", tokens_file_},
        {"shutdown_grace_ms", "10000"},
    };
    for (const auto& [name, value] : overrides) flags[name] = value;
    std::vector<std::string> args;
    for (const auto& [name, value] : flags) args.push_back(absl::StrCat("--", name, "=", value));
    return args;
  }

  void StartProbe(std::vector<std::string> args, const std::string& binary = PROBE_SERVER_PATH) {
    absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
        ServiceProcess::Start({.binary = binary, .args = std::move(args), .env = {}});
    ASSERT_OK(process.status());
    probe_ = *std::move(process);
  }

  void StartProbeAndWaitUntilServing() {
    StartProbe(ProbeArgs());
    ASSERT_OK(probe_->WaitForPort(grpc_port_, kStartupTimeout));
    ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout));
  }

  grpc::Status Sleep(int milliseconds, const std::string& token, v1::SleepResponse* response,
                     grpc::ClientContext* context) {
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    v1::SleepRequest request;
    request.set_milliseconds(milliseconds);
    return stub_->Sleep(WithDeadline(*context), request, response);
  }

  grpc::Status CountRows(const std::string& token, v1::CountRowsResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    return stub_->CountRows(WithDeadline(context), v1::CountRowsRequest(), response);
  }

  std::string work_dir_;
  std::string tokens_file_;
  std::string password_file_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  test_support::PrivateMariaDb db_;
  std::unique_ptr<ServiceProcess> probe_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ProbeService::Stub> stub_;
};

TEST_F(ProbeServerTest, ServesHealthAfterMigrations) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  EXPECT_EQ(test_support::CheckHealth(channel_, kProbeService, absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kServing);
  v1::CountRowsResponse count;
  grpc::Status status = CountRows(kWriterToken, &count);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(count.row_count(), 3);  // created and seeded by the probe's migrations
}

TEST_F(ProbeServerTest, WhileMigrationsWaitCallsAreUnavailableAndHealthIsNotServing) {
  StartDatabase();
  // Another replica is applying the migrations: this session holds their lock.
  common::MySqlOptions lock_options = db_.options();
  lock_options.pool_size = 1;
  common::MySqlPool lock_holder(lock_options);
  absl::StatusOr<int64_t> locked =
      test_support::QueryInt(lock_holder, "SELECT GET_LOCK('crm_migrations.crm_probe', 0)");
  ASSERT_OK(locked.status());
  ASSERT_EQ(*locked, 1);

  StartProbe(ProbeArgs());
  ASSERT_OK(probe_->WaitForPort(grpc_port_, kStartupTimeout));
  EXPECT_EQ(
      test_support::CheckHealth(channel_, "", absl::Seconds(10)).value_or(HealthStatus::kUnknown),
      HealthStatus::kNotServing);
  EXPECT_EQ(test_support::CheckHealth(channel_, kProbeService, absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kNotServing);
  v1::CountRowsResponse count;
  grpc::Status status = CountRows(kWriterToken, &count);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(),
            "the service is starting (its database schema is not up to date yet), retry");

  lock_holder.Close();  // the lock ends with its session
  ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout));
  status = CountRows(kWriterToken, &count);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(count.row_count(), 3);
}

TEST_F(ProbeServerTest, ReflectionListsTheProbeService) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  absl::StatusOr<std::vector<std::string>> services =
      test_support::ListServicesByReflection(channel_);
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(*services, ::testing::Contains(kProbeService));
  EXPECT_THAT(*services, ::testing::Contains("grpc.health.v1.Health"));
}

TEST_F(ProbeServerTest, ChecksTokensAndScopes) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  {
    grpc::ClientContext context;
    v1::SleepResponse response;
    grpc::Status status = Sleep(0, "", &response, &context);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(status.error_message(), "missing bearer token in the authorization metadata");
  }
  {
    grpc::ClientContext context;
    v1::SleepResponse response;
    grpc::Status status = Sleep(0, "not-a-known-token", &response, &context);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(status.error_message(), "unknown bearer token");
  }
  {
    v1::CountRowsResponse response;
    grpc::Status status = CountRows(kReaderToken, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(status.error_message(), "team readers lacks scope customers.write");
  }
  {
    grpc::ClientContext context;
    v1::SleepResponse response;
    grpc::Status status = Sleep(0, kReaderToken, &response, &context);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.team(), "readers");
  }
  {
    grpc::ClientContext context;
    v1::SleepResponse response;
    grpc::Status status = Sleep(-1, kReaderToken, &response, &context);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), "milliseconds: must be from 0 to 60000");
  }
  EXPECT_THAT(probe_->Output(), Not(HasSubstr("not-a-known-token")));
}

TEST_F(ProbeServerTest, EchoesTheRequestId) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "e2e-request-0001");
    v1::SleepResponse response;
    ASSERT_TRUE(Sleep(0, kReaderToken, &response, &context).ok());
    auto echoed = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "e2e-request-0001");
    EXPECT_EQ(response.request_id(), "e2e-request-0001");
  }
  {
    grpc::ClientContext context;
    v1::SleepResponse response;
    ASSERT_TRUE(Sleep(0, kReaderToken, &response, &context).ok());
    auto echoed = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
    std::string generated(echoed->second.data(), echoed->second.size());
    EXPECT_EQ(generated.size(), 32u);
    EXPECT_EQ(response.request_id(), generated);
  }
  // The access log line carries it too.
  ASSERT_OK(probe_->WaitForOutput("\"request_id\":\"e2e-request-0001\"", absl::Seconds(10)));
  EXPECT_THAT(probe_->Output(), HasSubstr("\"method\":\"/crm.testing.v1.ProbeService/Sleep\""));
}

TEST_F(ProbeServerTest, MetricsEndpointCountsCallsAndShowsThePool) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  grpc::ClientContext context;
  v1::SleepResponse response;
  ASSERT_TRUE(Sleep(0, kReaderToken, &response, &context).ok());
  v1::CountRowsResponse count;
  ASSERT_TRUE(CountRows(kWriterToken, &count).ok());

  absl::StatusOr<std::string> metrics = test_support::HttpGet(metrics_port_, "/metrics");
  ASSERT_OK(metrics.status());
  EXPECT_THAT(
      *metrics,
      HasSubstr(
          R"(crm_grpc_requests_total{code="OK",method="/crm.testing.v1.ProbeService/Sleep"} 1)"));
  EXPECT_THAT(
      *metrics,
      HasSubstr(
          R"(crm_grpc_requests_total{code="OK",method="/crm.testing.v1.ProbeService/CountRows"} 1)"));
  EXPECT_THAT(*metrics, HasSubstr("crm_grpc_request_duration_seconds_bucket"));
  EXPECT_THAT(*metrics, HasSubstr(R"(crm_db_pool_connections{state="idle"})"));
  EXPECT_THAT(*metrics, HasSubstr("crm_db_pool_max_connections 4"));
  EXPECT_THAT(*metrics, HasSubstr("crm_db_pool_checkouts_total"));
  EXPECT_THAT(*metrics, HasSubstr("crm_db_pool_wait_seconds_total"));
}

TEST_F(ProbeServerTest, HealthFollowsTheDatabaseDownAndBackUp) {
  StartDatabase();
  StartProbeAndWaitUntilServing();

  ASSERT_OK(db_.Stop());
  ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kNotServing, kStartupTimeout));
  EXPECT_EQ(test_support::CheckHealth(channel_, kProbeService, absl::Seconds(10))
                .value_or(HealthStatus::kUnknown),
            HealthStatus::kNotServing);
  v1::CountRowsResponse count;
  EXPECT_EQ(CountRows(kWriterToken, &count).error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_OK(db_.Start());
  ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout));
  grpc::Status status = CountRows(kWriterToken, &count);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(count.row_count(), 3);
}

TEST_F(ProbeServerTest, SigtermLetsTheInFlightCallFinishThenExitsZero) {
  StartDatabase();
  StartProbeAndWaitUntilServing();

  grpc::Status sleep_status;
  v1::SleepResponse sleep_response;
  std::jthread in_flight([&] {
    grpc::ClientContext context;
    sleep_status = Sleep(2000, kReaderToken, &sleep_response, &context);
  });
  ASSERT_OK(probe_->WaitForOutput("probe: sleeping", absl::Seconds(30)));
  ASSERT_OK(probe_->Signal(SIGTERM));

  // The listener closes at once: new connections are refused...
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (test_support::PortAcceptsConnections(grpc_port_) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_FALSE(test_support::PortAcceptsConnections(grpc_port_));
  auto fresh_channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                           grpc::InsecureChannelCredentials());
  auto fresh_stub = v1::ProbeService::NewStub(fresh_channel);
  grpc::ClientContext fresh_context;
  fresh_context.AddMetadata("authorization", absl::StrCat("Bearer ", kReaderToken));
  v1::SleepResponse fresh_response;
  EXPECT_EQ(fresh_stub
                ->Sleep(WithDeadline(fresh_context, absl::Seconds(5)), v1::SleepRequest(),
                        &fresh_response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // ...while the call already running completes normally.
  in_flight.join();
  EXPECT_TRUE(sleep_status.ok()) << sleep_status.error_message();
  EXPECT_EQ(sleep_response.team(), "readers");
  absl::StatusOr<int> exit_code = probe_->WaitForExit(kExitTimeout);
  ASSERT_OK(exit_code.status());
  EXPECT_EQ(*exit_code, 0) << probe_->Output();
  EXPECT_THAT(probe_->Output(), HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(ProbeServerTest, DatabaseDownAtStartIsNotServingUntilItComes) {
  StartDatabase();  // once, to create the data directory and the schema
  ASSERT_OK(db_.Stop());

  StartProbe(ProbeArgs());
  ASSERT_OK(probe_->WaitForPort(grpc_port_, kStartupTimeout));
  ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kNotServing, kStartupTimeout));
  ASSERT_OK(probe_->WaitForOutput("database not ready, retrying", kStartupTimeout));
  EXPECT_TRUE(probe_->IsRunning());

  ASSERT_OK(db_.Start());
  ASSERT_OK(test_support::WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout));
  v1::CountRowsResponse count;
  grpc::Status status = CountRows(kWriterToken, &count);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(count.row_count(), 3);
}

TEST_F(ProbeServerTest, EditedAppliedMigrationExitsOneNamingIt) {
  StartDatabase();
  StartProbeAndWaitUntilServing();
  ASSERT_OK(probe_->Signal(SIGTERM));
  absl::StatusOr<int> first_exit = probe_->WaitForExit(kExitTimeout);
  ASSERT_OK(first_exit.status());
  ASSERT_EQ(*first_exit, 0);

  StartProbe(ProbeArgs(), PROBE_SERVER_EDITED_MIGRATION_PATH);
  absl::StatusOr<int> exit_code = probe_->WaitForExit(kStartupTimeout);
  ASSERT_OK(exit_code.status());
  EXPECT_EQ(*exit_code, 1);
  EXPECT_THAT(probe_->Output(), HasSubstr("V001__create_probe_rows.sql"));
  EXPECT_THAT(probe_->Output(), HasSubstr("cannot start: migrations"));
}

TEST_F(ProbeServerTest, MissingTokensFileExitsTwoNamingIt) {
  StartProbe(ProbeArgs({{"auth_tokens_file", work_dir_ + "/no-such-tokens"}}));
  absl::StatusOr<int> exit_code = probe_->WaitForExit(kExitTimeout);
  ASSERT_OK(exit_code.status());
  EXPECT_EQ(*exit_code, 2);
  EXPECT_THAT(probe_->Output(), HasSubstr(work_dir_ + "/no-such-tokens"));
}

TEST_F(ProbeServerTest, MissingPasswordFileExitsTwoNamingIt) {
  StartProbe(ProbeArgs({{"db_password_file", work_dir_ + "/no-such-password"}}));
  absl::StatusOr<int> exit_code = probe_->WaitForExit(kExitTimeout);
  ASSERT_OK(exit_code.status());
  EXPECT_EQ(*exit_code, 2);
  EXPECT_THAT(probe_->Output(), HasSubstr("db_password_file"));
  EXPECT_THAT(probe_->Output(), HasSubstr(work_dir_ + "/no-such-password"));
}

TEST_F(ProbeServerTest, PortInUseExitsTwoNamingTheAddress) {
  std::vector<std::string> args = ProbeArgs();
  int blocker = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(blocker, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(grpc_port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(blocker, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(blocker, 1), 0);

  StartProbe(args);
  absl::StatusOr<int> exit_code = probe_->WaitForExit(kExitTimeout);
  close(blocker);
  ASSERT_OK(exit_code.status());
  EXPECT_EQ(*exit_code, 2);
  EXPECT_THAT(probe_->Output(), HasSubstr(absl::StrCat("cannot listen on 127.0.0.1:", grpc_port_)));
}

// A probe server over TLS (mutual when `client_ca` is set), serving once its
// migrations are applied.
class ProbeServerTlsTest : public ProbeServerTest {
 protected:
  void StartTlsProbe(bool mutual) {
    GenerateCertificates(work_dir_);
    if (HasFatalFailure()) return;
    StartDatabase();
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> tls = {
        {"tls_cert_file", work_dir_ + "/server.crt"},
        {"tls_key_file", work_dir_ + "/server.key"},
    };
    if (mutual) tls["tls_client_ca_file"] = work_dir_ + "/ca.crt";
    StartProbe(ProbeArgs(tls));
    ASSERT_OK(probe_->WaitForPort(grpc_port_, kStartupTimeout));
    ASSERT_OK(probe_->WaitForOutput(R"("msg":"serving")", kStartupTimeout));
  }

  grpc::Status SleepOver(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    grpc::ChannelArguments arguments;
    arguments.SetSslTargetNameOverride("localhost");
    auto channel =
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", grpc_port_), credentials, arguments);
    auto stub = v1::ProbeService::NewStub(channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kReaderToken));
    v1::SleepResponse response;
    return stub->Sleep(WithDeadline(context, absl::Seconds(10)), v1::SleepRequest(), &response);
  }

  grpc::SslCredentialsOptions TrustingTheCa() const {
    return {.pem_root_certs = ReadFile(work_dir_ + "/ca.crt"),
            .pem_private_key = "",
            .pem_cert_chain = ""};
  }
};

TEST_F(ProbeServerTlsTest, ServesTlsWithTheConfiguredCertificate) {
  StartTlsProbe(/*mutual=*/false);
  grpc::Status status = SleepOver(grpc::SslCredentials(TrustingTheCa()));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(SleepOver(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ProbeServerTlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  StartTlsProbe(/*mutual=*/true);
  EXPECT_EQ(SleepOver(grpc::SslCredentials(TrustingTheCa())).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions with_client_certificate = TrustingTheCa();
  with_client_certificate.pem_private_key = ReadFile(work_dir_ + "/client.key");
  with_client_certificate.pem_cert_chain = ReadFile(work_dir_ + "/client.crt");
  grpc::Status status = SleepOver(grpc::SslCredentials(with_client_certificate));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace crm::testing
