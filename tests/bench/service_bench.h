#ifndef CRM_TESTS_BENCH_SERVICE_BENCH_H_
#define CRM_TESTS_BENCH_SERVICE_BENCH_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/mysql/pool.h"
#include "tests/support/service_process.h"

namespace crm::bench {

// Runs `statements` one after another on one connection of `db`.
absl::Status RunSql(const common::MySqlOptions& db, const std::vector<std::string>& statements);

// What a service scenario suite needs to start the real binary.
struct BenchedServiceOptions {
  std::string binary;            // e.g. build/customer_svc/customer_svc
  common::MySqlOptions db;       // admin access; `schema` is recreated and dropped after
  std::string db_password_file;  // passed on to the service
  std::string schema;            // e.g. crm_bench_customer
  std::string scopes;            // of the bench token, e.g. "customers.read,customers.write"
};

// One real service binary started on a fresh schema, with a bench token and
// four client channels (distinct connections). The destructor stops the
// process (SIGTERM), drops the schema and removes its temporary files.
class BenchedService {
 public:
  explicit BenchedService(BenchedServiceOptions options);
  ~BenchedService();
  BenchedService(const BenchedService&) = delete;
  BenchedService& operator=(const BenchedService&) = delete;

  // Recreates the schema, starts the binary and waits until it is SERVING.
  // Prints why on failure.
  bool Start();

  // Bearer token and deadline for one call.
  static void Authorize(grpc::ClientContext& context, absl::Duration timeout);

  const std::shared_ptr<grpc::Channel>& channel(size_t index) const {
    return channels_[index % channels_.size()];
  }
  // Admin options on the service's schema (for bulk SQL).
  common::MySqlOptions SchemaDb() const;

 private:
  BenchedServiceOptions options_;
  const int port_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::unique_ptr<test_support::ServiceProcess> service_;
  std::string dir_;
};

}  // namespace crm::bench

#endif  // CRM_TESTS_BENCH_SERVICE_BENCH_H_
