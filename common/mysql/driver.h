#ifndef CRM_COMMON_MYSQL_DRIVER_H_
#define CRM_COMMON_MYSQL_DRIVER_H_

#include <mysql_driver.h>

namespace crm::common {

// The process-wide Connector/C++ driver, created once in a thread-safe way.
// Every call also registers the calling thread with the client library
// (threadInit now, threadEnd when the thread exits), which libmysqlclient
// requires of every thread that touches a connection. Call it on each thread
// before using a connection; MySqlPool::Acquire does.
sql::mysql::MySQL_Driver& MySqlDriver();

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_DRIVER_H_
