#include "tests/support/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace crm::test_support {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    merged[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const auto& [name, value] : overrides) merged[name] = value;
  std::vector<std::string> entries;
  for (const auto& [name, value] : merged) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(Options options) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string output_path =
      absl::StrCat(tmpdir != nullptr ? tmpdir : "/tmp", "/crm-process-XXXXXX");
  int output_fd = mkstemp(output_path.data());
  if (output_fd < 0) {
    return absl::InternalError(absl::StrCat("mkstemp failed: ", std::strerror(errno)));
  }

  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> argv_strings = {options.binary};
  argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv = NullTerminated(argv_strings);
  std::vector<std::string> env_strings = MergedEnvironment(options.env);
  std::vector<char*> envp = NullTerminated(env_strings);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    close(output_fd);
    return absl::InternalError(absl::StrCat("fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the test died before prctl
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(output_fd, STDOUT_FILENO);
    dup2(output_fd, STDERR_FILENO);
    close(output_fd);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execve(argv[0], argv.data(), envp.data());
    const char message[] = "ServiceProcess: execve failed\n";
    (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  close(output_fd);
  return std::unique_ptr<ServiceProcess>(
      new ServiceProcess(pid, options.binary, std::move(output_path)));
}

ServiceProcess::ServiceProcess(pid_t pid, std::string binary, std::string output_path)
    : pid_(pid), binary_(std::move(binary)), output_path_(std::move(output_path)) {}

ServiceProcess::~ServiceProcess() {
  if (!Reap()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  unlink(output_path_.c_str());
}

bool ServiceProcess::Reap() {
  if (exit_code_.has_value()) return true;
  int status = 0;
  pid_t result = waitpid(pid_, &status, WNOHANG);
  if (result != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool ServiceProcess::IsRunning() { return !Reap(); }

absl::Status ServiceProcess::Signal(int signal_number) {
  if (Reap()) {
    return absl::FailedPreconditionError(
        absl::StrCat(binary_, " already exited with code ", *exit_code_));
  }
  if (kill(pid_, signal_number) != 0) {
    return absl::InternalError(absl::StrCat("kill failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ServiceProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!Reap()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(binary_, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  return *exit_code_;
}

std::string ServiceProcess::Output() const {
  std::ifstream file(output_path_);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

absl::Status ServiceProcess::ExitedEarly(std::string_view waiting_for) {
  return absl::FailedPreconditionError(absl::StrCat(binary_, " exited with code ", *exit_code_,
                                                    " while waiting for ", std::string(waiting_for),
                                                    "; output:\n", Output()));
}

absl::Status ServiceProcess::WaitForPort(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!PortAcceptsConnections(port)) {
    if (Reap()) return ExitedEarly(absl::StrCat("port ", port));
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(binary_, " did not listen on port ", port,
                                                      " within ", absl::FormatDuration(timeout),
                                                      "; output:\n", Output()));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

absl::Status ServiceProcess::WaitForOutput(std::string_view text, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (Output().find(text) == std::string::npos) {
    if (Reap() && Output().find(text) == std::string::npos) {
      return ExitedEarly(absl::StrCat("output \"", std::string(text), "\""));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(binary_, " did not write \"", std::string(text), "\" within ",
                       absl::FormatDuration(timeout), "; output:\n", Output()));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

int PickUnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool PortAcceptsConnections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address = Loopback(port);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

}  // namespace crm::test_support
