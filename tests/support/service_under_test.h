#ifndef CRM_TESTS_SUPPORT_SERVICE_UNDER_TEST_H_
#define CRM_TESTS_SUPPORT_SERVICE_UNDER_TEST_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/service_process.h"

namespace crm::test_support {

// A bearer token the service accepts: its team and comma-separated scopes.
struct TestToken {
  std::string token;
  std::string team;
  std::string scopes;
};

// One real service binary against its own private MariaDB, as the e2e tests
// run it: an empty schema, a tokens file, fresh ports, health SERVING.
class ServiceUnderTest {
 public:
  // Starts MariaDB, creates `schema`, starts `binary` and waits (up to a
  // minute) until its health check reports SERVING.
  absl::Status Start(const std::string& binary, const std::string& schema,
                     const std::vector<TestToken>& tokens);
  // SIGTERM and the exit code, which must be 0 (else an error with the
  // service's output).
  absl::Status Stop();
  // SIGKILL (a crash); returns once the process has exited.
  absl::Status Kill();
  // Starts the binary again with the same flags and ports, against the same
  // database, and waits for SERVING as Start() does; channel() stays valid.
  absl::Status Restart();

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // The port the service's gRPC server listens on (127.0.0.1).
  int grpc_port() const { return grpc_port_; }
  PrivateMariaDb& database() { return db_; }
  ServiceProcess& process() { return *process_; }

 private:
  // Runs binary_ with args_ and waits for SERVING on grpc_port_.
  absl::Status StartProcess();

  PrivateMariaDb db_;
  std::string binary_;
  std::vector<std::string> args_;
  int grpc_port_ = 0;
  std::unique_ptr<ServiceProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Sets `token` as the bearer token of `context` (none when empty) and a
// deadline `timeout` from now; returns `context` for the stub call.
grpc::ClientContext* Authorized(grpc::ClientContext& context, const std::string& token,
                                absl::Duration timeout = absl::Seconds(30));

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_SERVICE_UNDER_TEST_H_
