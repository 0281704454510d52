#include "tests/e2e/probe/probe_service.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/mysql/transaction.h"
#include "common/server/scopes.h"

namespace crm::testing {

ProbeService::ProbeService(common::MySqlPool& pool, common::CallRunner& runner)
    : pool_(pool), runner_(runner) {}

grpc::ServerUnaryReactor* ProbeService::Sleep(grpc::CallbackServerContext* context,
                                              const v1::SleepRequest* request,
                                              v1::SleepResponse* response) {
  return runner_.Run(context, common::kCustomersRead,
                     [request, response](const common::CallContext& call) {
                       if (request->milliseconds() < 0 || request->milliseconds() > 60000) {
                         return absl::InvalidArgumentError("milliseconds: must be from 0 to 60000");
                       }
                       common::LogInfo("probe: sleeping",
                                       {{"milliseconds", std::to_string(request->milliseconds())}});
                       absl::SleepFor(absl::Milliseconds(request->milliseconds()));
                       response->set_request_id(call.request_id);
                       response->set_team(call.caller.team);
                       return absl::OkStatus();
                     });
}

grpc::ServerUnaryReactor* ProbeService::CountRows(grpc::CallbackServerContext* context,
                                                  const v1::CountRowsRequest* /*request*/,
                                                  v1::CountRowsResponse* response) {
  return runner_.Run(
      context, common::kCustomersWrite, [this, response](const common::CallContext& call) {
        return common::RunWithConnection(
            pool_, call.deadline, [response](sql::Connection& connection) {
              std::unique_ptr<sql::Statement> statement(connection.createStatement());
              std::unique_ptr<sql::ResultSet> rows(
                  statement->executeQuery("SELECT COUNT(*) FROM probe_rows"));
              rows->next();
              response->set_row_count(rows->getInt64(1));
              return absl::OkStatus();
            });
      });
}

grpc::ServerWriteReactor<v1::TickResponse>* ProbeService::Tick(grpc::CallbackServerContext* context,
                                                               const v1::TickRequest* request) {
  return runner_.RunServerStream<v1::TickResponse>(
      context, common::kCustomersRead,
      [request](const common::CallContext& /*call*/,
                common::StreamWriter<v1::TickResponse>& writer) {
        if (request->count() < 0 || request->count() > 1000) {
          return absl::InvalidArgumentError("count: must be from 0 to 1000");
        }
        for (int i = 0; i < request->count(); ++i) {
          v1::TickResponse tick;
          tick.set_index(i);
          if (!writer.Write(tick)) {
            return absl::CancelledError("the client went away");
          }
        }
        return absl::OkStatus();
      });
}

common::ServiceDefinition ProbeServiceDefinition() {
  common::ServiceDefinition definition;
  definition.defaults.service_name = "probe_server";
  definition.defaults.listen_address = "127.0.0.1:34250";
  definition.defaults.metrics_address = "127.0.0.1:34251";
  definition.defaults.database = "crm_probe";
  definition.migrations = ProbeMigrations;
  definition.make_services =
      [](common::MySqlPool& pool, common::CallRunner& runner,
         const common::ServiceConfig&) -> absl::StatusOr<common::GrpcServices> {
    common::GrpcServices services;
    services.push_back(std::make_unique<ProbeService>(pool, runner));
    return services;
  };
  definition.health_check_interval = absl::Milliseconds(500);
  return definition;
}

}  // namespace crm::testing
