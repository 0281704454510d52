#ifndef CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::test_support {

// A binary run as a real child process by an end-to-end test: started with
// arguments and extra environment, its stdout and stderr captured, signalled,
// and its exit status collected. Killed (SIGKILL) and reaped on destruction
// if still running; also killed if the test process dies.
class ServiceProcess {
 public:
  struct Options {
    std::string binary;
    std::vector<std::string> args;  // without argv[0]
    // Added to the test's own environment (replacing variables of the same
    // name). An empty value sets the variable to "".
    std::map<std::string, std::string> env;
  };

  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(Options options);
  ~ServiceProcess();

  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Sends `signal_number` (e.g. SIGTERM); FAILED_PRECONDITION once exited.
  absl::Status Signal(int signal_number);

  // The exit code (0..255), or 128 + N when killed by signal N.
  // DEADLINE_EXCEEDED when still running after `timeout`.
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);

  bool IsRunning();

  // Everything written to stdout and stderr so far.
  std::string Output() const;

  // Waits until 127.0.0.1:`port` accepts TCP connections. FAILED_PRECONDITION
  // (with the output) when the process exits first; DEADLINE_EXCEEDED.
  absl::Status WaitForPort(int port, absl::Duration timeout);

  // Waits until Output() contains `text`; same errors as WaitForPort.
  absl::Status WaitForOutput(std::string_view text, absl::Duration timeout);

 private:
  ServiceProcess(pid_t pid, std::string binary, std::string output_path);

  // Reaps the child if it has exited; true when it has.
  bool Reap();
  absl::Status ExitedEarly(std::string_view waiting_for);

  const pid_t pid_;
  const std::string binary_;
  const std::string output_path_;
  std::optional<int> exit_code_;
};

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel
// picks it; it is free until someone else binds it).
int PickUnusedPort();

// True when 127.0.0.1:`port` accepts a TCP connection.
bool PortAcceptsConnections(int port);

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_
