#ifndef CRM_TESTS_SUPPORT_HTTP_GET_H_
#define CRM_TESTS_SUPPORT_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::test_support {

// A plain HTTP/1.0 GET of http://127.0.0.1:<port><path> over a socket (e.g.
// a Prometheus /metrics endpoint). Returns the body of a 200 response;
// UNAVAILABLE when nothing listens, INTERNAL for any other status line.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    absl::Duration timeout = absl::Seconds(10));

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_HTTP_GET_H_
