#include "tests/support/private_mariadb.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace crm::test_support {
namespace {

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crm-mariadb-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(absl::StrCat("mkdtemp failed: ", std::strerror(errno)));
  }
  return pattern;
}

bool CanBind(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(absl::StrCat("socket failed: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return bound;
}

// A port free right now and outside the kernel's ephemeral range. Ports inside
// it (what binding port 0 hands out) are also given to outgoing connections, of
// which parallel tests open many: one of them could take the port while the
// server is stopped and make the restart fail.
int FreePort() {
  int ephemeral_low = 32768;
  int ephemeral_high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low >> ephemeral_high;
  int first = 10000;
  int last = ephemeral_low - 1;
  if (last - first < 1000) {
    first = ephemeral_high + 1;
    last = 65535;
  }
  if (last - first < 1000) {  // the ephemeral range covers (almost) everything
    first = 1024;
    last = 65535;
  }
  std::random_device random;
  std::uniform_int_distribution<int> candidates(first, last);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = candidates(random);
    if (CanBind(port)) return port;
  }
  throw std::runtime_error(absl::StrCat("no free port between ", first, " and ", last));
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return std::string(absl::StripTrailingAsciiWhitespace(text.str()));
}

}  // namespace

PrivateMariaDb::PrivateMariaDb() : dir_(MakeTempDir()), port_(FreePort()) {}

PrivateMariaDb::~PrivateMariaDb() {
  if (running_ && !Stop().ok()) Kill().IgnoreError();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::Status PrivateMariaDb::RunScript(const std::string& command, const std::string& extra_args) {
  // A private TMPDIR: mariadb-install-db runs that share /tmp collide on the
  // names of their temporary tables and fail.
  const std::string line =
      absl::StrCat("TMPDIR='", dir_, "' '", CRM_SOURCE_DIR, "/scripts/mariadb' ", command, " '",
                   dir_, "' ", extra_args, " 2>&1");
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) {
    return absl::InternalError(absl::StrCat("cannot run ", line, ": ", std::strerror(errno)));
  }
  std::string output;
  std::array<char, 4096> buffer;
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), read);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("`", line, "` failed: ", output));
  }
  return absl::OkStatus();
}

absl::Status PrivateMariaDb::Start() {
  absl::Status status = RunScript("start", std::to_string(port_));
  if (!status.ok()) return status;
  running_ = true;
  password_ = ReadFile(dir_ + "/admin.password");
  return absl::OkStatus();
}

absl::Status PrivateMariaDb::Stop() {
  absl::Status status = RunScript("stop");
  if (status.ok()) running_ = false;
  return status;
}

absl::Status PrivateMariaDb::Kill() {
  absl::Status status = RunScript("kill");
  if (status.ok()) running_ = false;
  return status;
}

common::MySqlOptions PrivateMariaDb::options(std::string database) const {
  common::MySqlOptions options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.user = "crm_admin";
  options.password = password_;
  options.database = std::move(database);
  return options;
}

}  // namespace crm::test_support
