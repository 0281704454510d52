#include "common/mysql/driver.h"

namespace crm::common {
namespace {

sql::mysql::MySQL_Driver& SharedDriver() {
  // get_mysql_driver_instance() itself is not safe to race; a function-local
  // static makes the first call happen exactly once.
  static sql::mysql::MySQL_Driver* const driver = sql::mysql::get_mysql_driver_instance();
  return *driver;
}

// Thread-local objects are destroyed before statics, so threadEnd always runs
// while the driver still exists.
class ThreadRegistration {
 public:
  ThreadRegistration() { SharedDriver().threadInit(); }
  ~ThreadRegistration() { SharedDriver().threadEnd(); }
  ThreadRegistration(const ThreadRegistration&) = delete;
  ThreadRegistration& operator=(const ThreadRegistration&) = delete;
};

}  // namespace

sql::mysql::MySQL_Driver& MySqlDriver() {
  thread_local ThreadRegistration registration;
  return SharedDriver();
}

}  // namespace crm::common
