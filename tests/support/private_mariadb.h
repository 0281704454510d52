#ifndef CRM_TESTS_SUPPORT_PRIVATE_MARIADB_H_
#define CRM_TESTS_SUPPORT_PRIVATE_MARIADB_H_

#include <string>

#include "absl/status/status.h"
#include "common/mysql/pool.h"

namespace crm::test_support {

// A MariaDB server of the test's own, for tests that stop, restart or kill the
// server (never do that to the shared one). Lives in a fresh temporary
// directory on a free port (outside the ephemeral range) and is controlled with
// ${CRM_SOURCE_DIR}/scripts/mariadb. The destructor stops it and removes the
// directory.
class PrivateMariaDb {
 public:
  PrivateMariaDb();  // picks the directory and port; does not start
  ~PrivateMariaDb();
  PrivateMariaDb(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;

  // Starts the server (initializing the data directory the first time) and
  // waits until it answers. Again after Stop() or Kill(): same data, same port.
  absl::Status Start();
  // Clean shutdown; returns once the process has exited.
  absl::Status Stop();
  // SIGKILL (a crash); returns once the process has exited.
  absl::Status Kill();

  // TCP connection options for the admin user (valid after the first Start()).
  common::MySqlOptions options(std::string database = "") const;

  const std::string& dir() const { return dir_; }
  int port() const { return port_; }
  std::string socket_path() const { return dir_ + "/mysqld.sock"; }

 private:
  absl::Status RunScript(const std::string& command, const std::string& extra_args = "");

  std::string dir_;
  int port_ = 0;
  std::string password_;
  bool running_ = false;
};

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_PRIVATE_MARIADB_H_
