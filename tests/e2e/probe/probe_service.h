#ifndef CRM_TESTS_E2E_PROBE_PROBE_SERVICE_H_
#define CRM_TESTS_E2E_PROBE_PROBE_SERVICE_H_

#include <vector>

#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "common/server/service_main.h"
#include "crm/testing/v1/probe_service.grpc.pb.h"

namespace crm::testing {

// The probe's handlers, written exactly as a real service's are.
class ProbeService final : public v1::ProbeService::CallbackService {
 public:
  ProbeService(common::MySqlPool& pool, common::CallRunner& runner);

  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* context,
                                  const v1::SleepRequest* request,
                                  v1::SleepResponse* response) override;
  grpc::ServerUnaryReactor* CountRows(grpc::CallbackServerContext* context,
                                      const v1::CountRowsRequest* request,
                                      v1::CountRowsResponse* response) override;
  grpc::ServerWriteReactor<v1::TickResponse>* Tick(grpc::CallbackServerContext* context,
                                                   const v1::TickRequest* request) override;

 private:
  common::MySqlPool& pool_;
  common::CallRunner& runner_;
};

// The probe's migrations (table probe_rows with three rows); generated from
// a migrations directory by crm_embed_migrations in each probe executable.
const std::vector<common::Migration>& ProbeMigrations();

// The probe server's definition for RunService (service name "probe_server",
// schema "crm_probe").
common::ServiceDefinition ProbeServiceDefinition();

}  // namespace crm::testing

#endif  // CRM_TESTS_E2E_PROBE_PROBE_SERVICE_H_
