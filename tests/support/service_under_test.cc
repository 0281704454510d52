#include "tests/support/service_under_test.h"

#include <grpcpp/create_channel.h>
#include <signal.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/pool.h"
#include "tests/support/grpc_health.h"
#include "tests/support/test_database.h"

namespace crm::test_support {
namespace {

constexpr absl::Duration kStartupTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(30);

}  // namespace

absl::Status ServiceUnderTest::Start(const std::string& binary, const std::string& schema,
                                     const std::vector<TestToken>& tokens) {
  if (absl::Status started = db_.Start(); !started.ok()) return started;
  {
    common::MySqlPool admin(db_.options());
    absl::Status created =
        ExecuteSql(admin, absl::StrCat("CREATE DATABASE IF NOT EXISTS ", schema));
    if (!created.ok()) return created;
  }
  // The private server's directory (removed with it) holds its admin
  // password already; the tokens file goes next to it.
  const std::string password_file = db_.dir() + "/admin.password";
  const std::string tokens_file = db_.dir() + "/tokens";
  {
    std::ofstream out(tokens_file);
    for (const TestToken& token : tokens) {
      out << common::Sha256Hex(token.token) << " " << token.team << " " << token.scopes << "\n";
    }
  }
  grpc_port_ = PickUnusedPort();
  int metrics_port = 0;
  do {
    metrics_port = PickUnusedPort();
  } while (metrics_port == grpc_port_);
  binary_ = binary;
  args_ = {absl::StrCat("--listen_address=127.0.0.1:", grpc_port_),
           absl::StrCat("--metrics_address=127.0.0.1:", metrics_port),
           "--db_host=127.0.0.1",
           absl::StrCat("--db_port=", db_.port()),
           "--db_user=crm_admin",
           absl::StrCat("--db_password_file=", password_file),
           absl::StrCat("--db_name=", schema),
           absl::StrCat("--auth_tokens_file=", tokens_file)};
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                 grpc::InsecureChannelCredentials());
  return StartProcess();
}

absl::Status ServiceUnderTest::StartProcess() {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({.binary = binary_, .args = args_, .env = {}});
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  if (absl::Status listening = process_->WaitForPort(grpc_port_, kStartupTimeout);
      !listening.ok()) {
    return listening;
  }
  return WaitForHealth(channel_, "", HealthStatus::kServing, kStartupTimeout);
}

absl::Status ServiceUnderTest::Kill() {
  if (process_ == nullptr || !process_->IsRunning()) {
    return absl::FailedPreconditionError("the service is not running");
  }
  if (absl::Status signalled = process_->Signal(SIGKILL); !signalled.ok()) return signalled;
  return process_->WaitForExit(kExitTimeout).status();
}

absl::Status ServiceUnderTest::Restart() {
  if (process_ != nullptr && process_->IsRunning()) {
    return absl::FailedPreconditionError("the service is still running; Stop() or Kill() it");
  }
  return StartProcess();
}

absl::Status ServiceUnderTest::Stop() {
  if (process_ == nullptr || !process_->IsRunning()) return absl::OkStatus();
  if (absl::Status signalled = process_->Signal(SIGTERM); !signalled.ok()) return signalled;
  absl::StatusOr<int> exit_code = process_->WaitForExit(kExitTimeout);
  if (!exit_code.ok()) return exit_code.status();
  if (*exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("service exited with ", *exit_code, ":\n", process_->Output()));
  }
  return absl::OkStatus();
}

grpc::ClientContext* Authorized(grpc::ClientContext& context, const std::string& token,
                                absl::Duration timeout) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return &context;
}

}  // namespace crm::test_support
