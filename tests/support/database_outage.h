#ifndef CRM_TESTS_SUPPORT_DATABASE_OUTAGE_H_
#define CRM_TESTS_SUPPORT_DATABASE_OUTAGE_H_

#include <grpcpp/support/status.h>

#include <functional>
#include <string>

#include "tests/support/service_under_test.h"

namespace crm::test_support {

// The calls a test makes of a service through an outage of its database.
struct OutageProbes {
  // Reads a row committed before the outage.
  std::function<grpc::Status()> read;
  // Creates a row with idempotency key `request_id`; sets `name` to the
  // created resource's name.
  std::function<grpc::Status(const std::string& request_id, std::string* name)> create;
};

// Takes the service's database down (a clean shutdown, or SIGKILL when
// `crash`) under the running service and expects: health NOT_SERVING, and
// the read and a create answering UNAVAILABLE, naming the database, without
// hanging. Then starts the database again and expects: health SERVING, the
// read answering, and a create landing once (its replay returns the same
// name). The same service process throughout.
void ExpectServesThroughDatabaseOutage(ServiceUnderTest& service, bool crash,
                                       const OutageProbes& probes);

}  // namespace crm::test_support

#endif  // CRM_TESTS_SUPPORT_DATABASE_OUTAGE_H_
