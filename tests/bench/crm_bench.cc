// crm_bench: measures our server path against the two bounds it cannot beat
// on this machine, in one invocation:
//   E0  a bare gRPC echo (callback API, answered on the gRPC thread);
//   D0  a bare prepared primary-key SELECT through Connector/C++, one
//       connection per client thread, no gRPC;
//   bound = 1/(1/E0 + 1/D0): a request that pays both costs in sequence.
// and then the two ways a service could run blocking MySQL work:
//   C1  callback API + CallRunner (auth, request id) + bounded WorkerPool +
//       MySqlPool — the design common/server uses;
//   S1  synchronous gRPC API running the same query on gRPC's own threads.
// Prints qps, p50, p99 and each design's ratio to the bound.
//
//   scripts/bench                      (starts a throwaway MariaDB, builds, runs)
//   crm_bench --db_user=... --db_password_file=... [--concurrency=16 --seconds=5]
//
// --suite=customer (scripts/bench customer) keeps E0 and D0 and then, instead
// of C1/S1, drives the real customer_svc binary (--customer_svc=PATH):
// GetCustomer, ListCustomers at 10,000 vs --customer_rows rows, ImportCustomers
// rows/s (tests/bench/customer_scenarios.cc).
// --suite=supplier (scripts/bench supplier) does the same with the real
// supplier_svc binary (--supplier_svc=PATH): GetSupplier
// (tests/bench/supplier_scenarios.cc).
#include <grpcpp/grpcpp.h>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/mutex_checks.h"
#include "common/base/sha256.h"
#include "common/config/flags.h"
#include "common/mysql/pool.h"
#include "common/mysql/transaction.h"
#include "common/server/auth.h"
#include "common/server/call_runner.h"
#include "common/server/worker_pool.h"
#include "crm/bench/v1/bench_service.grpc.pb.h"
#include "tests/bench/customer_scenarios.h"
#include "tests/bench/load.h"
#include "tests/bench/supplier_scenarios.h"

namespace crm::bench {
namespace {

using common::MySqlOptions;
using common::MySqlPool;
using crm::bench::v1::BenchService;
using crm::bench::v1::EchoRequest;
using crm::bench::v1::EchoResponse;
using crm::bench::v1::LookupRequest;
using crm::bench::v1::LookupResponse;

constexpr char kToken[] = "bench-token";
constexpr char kLookupSql[] = "SELECT name, email FROM bench_rows WHERE id = ?";

struct Settings {
  MySqlOptions db;
  int concurrency = 16;
  absl::Duration seconds = absl::Seconds(5);
  int rows = 10000;
  std::string suite = "server";  // or "customer", "supplier"
  std::string customer_svc;      // the binary, for suite "customer"
  std::string supplier_svc;      // the binary, for suite "supplier"
  std::string db_password_file;
  int customer_rows = 1000000;
};

int64_t RandomId(std::mt19937_64& rng, int rows) {
  return static_cast<int64_t>(rng() % static_cast<uint64_t>(rows)) + 1;
}

absl::Status LookupRow(sql::Connection& connection, int64_t id, LookupResponse& response) {
  std::unique_ptr<sql::PreparedStatement> statement(connection.prepareStatement(kLookupSql));
  statement->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  if (!rows->next()) return absl::NotFoundError(absl::StrCat("row ", id, " not found"));
  response.set_name(rows->getString(1));
  response.set_email(rows->getString(2));
  return absl::OkStatus();
}

absl::Status CreateDataset(const Settings& settings) {
  MySqlOptions admin = settings.db;
  admin.database.clear();
  MySqlPool pool(admin);
  return common::RunWithConnection(pool, absl::Now() + absl::Minutes(5), [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    s->execute("DROP DATABASE IF EXISTS " + settings.db.database);
    s->execute("CREATE DATABASE " + settings.db.database);
    s->execute("USE " + settings.db.database);
    s->execute(
        "CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
        "email VARCHAR(200) NOT NULL, create_time DATETIME(6) NOT NULL)");
    constexpr int kBatch = 1000;
    for (int first = 1; first <= settings.rows; first += kBatch) {
      std::string sql = "INSERT INTO bench_rows VALUES ";
      for (int id = first; id < first + kBatch && id <= settings.rows; ++id) {
        absl::StrAppendFormat(&sql, "%s(%d,'Customer %d','c%d@example.com',UTC_TIMESTAMP(6))",
                              id == first ? "" : ",", id, id, id);
      }
      s->execute(sql);
    }
    return absl::OkStatus();
  });
}

// E0 and C1: one callback service; Echo answers on the gRPC thread, Lookup
// goes through the CallRunner exactly as a domain service's handler does.
class CallbackBenchService final : public BenchService::CallbackService {
 public:
  CallbackBenchService(common::CallRunner& runner, MySqlPool& pool)
      : runner_(runner), pool_(pool) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* request,
                                 EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* ctx, const LookupRequest* request,
                                   LookupResponse* response) override {
    return runner_.Run(ctx, "customers.read", [this, request, response](const common::CallContext& call) {
      return common::RunWithConnection(pool_, call.deadline, [&](sql::Connection& c) {
        return LookupRow(c, request->id(), *response);
      });
    });
  }

 private:
  common::CallRunner& runner_;
  MySqlPool& pool_;
};

// S1: the synchronous API, blocking on MySQL inside gRPC's thread.
class SyncBenchService final : public BenchService::Service {
 public:
  explicit SyncBenchService(MySqlPool& pool) : pool_(pool) {}

  grpc::Status Lookup(grpc::ServerContext*, const LookupRequest* request,
                      LookupResponse* response) override {
    absl::Status status = common::RunWithConnection(
        pool_, absl::Now() + absl::Seconds(10),
        [&](sql::Connection& c) { return LookupRow(c, request->id(), *response); });
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
  }

 private:
  MySqlPool& pool_;
};

std::unique_ptr<grpc::Server> StartServer(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// Client threads share a few channels, as a real client process would.
std::function<Call(int)> GrpcClients(int port, bool lookup, int rows) {
  auto channels = std::make_shared<std::vector<std::shared_ptr<grpc::Channel>>>();
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("crm.bench.channel", i);  // distinct args → distinct connections
    channels->push_back(grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                                  grpc::InsecureChannelCredentials(), args));
  }
  return [channels, lookup, rows](int index) -> Call {
    auto stub = BenchService::NewStub((*channels)[index % channels->size()]);
    auto rng = std::make_shared<std::mt19937_64>(index);
    return [stub = std::shared_ptr<BenchService::Stub>(std::move(stub)), rng, lookup, rows] {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
      if (lookup) {
        LookupRequest request;
        request.set_id(RandomId(*rng, rows));
        LookupResponse response;
        return stub->Lookup(&ctx, request, &response).ok();
      }
      EchoRequest request;
      request.set_payload("ping");
      EchoResponse response;
      return stub->Echo(&ctx, request, &response).ok();
    };
  };
}

std::function<Call(int)> DirectQueryClients(const Settings& settings) {
  return [&settings](int index) -> Call {
    MySqlOptions one = settings.db;
    one.pool_size = 1;
    auto pool = std::make_shared<MySqlPool>(one);
    auto rng = std::make_shared<std::mt19937_64>(index);
    return [pool, rng, rows = settings.rows] {
      absl::StatusOr<common::PooledConnection> connection = pool->Acquire(absl::Now() + absl::Seconds(5));
      if (!connection.ok()) return false;
      LookupResponse response;
      return LookupRow(**connection, RandomId(*rng, rows), response).ok();
    };
  };
}

double Ratio(const LoadResult& result, double bound) { return bound > 0 ? result.qps / bound : 0; }

int Run(const Settings& settings) {
  if (absl::Status status = CreateDataset(settings); !status.ok()) {
    std::fprintf(stderr, "crm_bench: cannot create the dataset: %s\n", status.ToString().c_str());
    return 1;
  }
  const absl::Duration warmup = absl::Seconds(1);
  const int n = settings.concurrency;
  std::printf("crm_bench: concurrency %d, %s per scenario, %d rows, %u cores\n", n,
              absl::FormatDuration(settings.seconds).c_str(), settings.rows,
              std::thread::hardware_concurrency());

  MySqlPool server_pool(settings.db);
  common::WorkerPool workers(settings.db.pool_size, 1000);
  absl::StatusOr<common::TokenAuthenticator> auth = common::TokenAuthenticator::Parse(
      absl::StrCat(common::Sha256Hex(kToken), " bench customers.read\n"), "bench");
  if (!auth.ok()) {
    std::fprintf(stderr, "crm_bench: %s\n", auth.status().ToString().c_str());
    return 1;
  }
  common::CallRunner runner(workers, *auth, absl::Seconds(10));
  runner.SetReady();
  CallbackBenchService callback_service(runner, server_pool);
  int callback_port = 0;
  std::unique_ptr<grpc::Server> callback_server = StartServer(&callback_service, &callback_port);

  const LoadResult e0 = RunClosedLoop(n, warmup, settings.seconds, GrpcClients(callback_port, false, settings.rows));
  std::printf("%s\n", FormatResult("E0 bare gRPC echo", e0).c_str());
  const LoadResult d0 = RunClosedLoop(n, warmup, settings.seconds, DirectQueryClients(settings));
  std::printf("%s\n", FormatResult("D0 bare prepared PK SELECT (connector)", d0).c_str());
  const double bound = (e0.qps > 0 && d0.qps > 0) ? 1.0 / (1.0 / e0.qps + 1.0 / d0.qps) : 0;
  std::printf("%-44s %10.0f qps\n", "bound 1/(1/E0 + 1/D0)", bound);
  if (settings.suite == "customer") {
    callback_server->Shutdown();
    workers.Shutdown();
    CustomerBenchSettings customer;
    customer.binary = settings.customer_svc;
    customer.db = settings.db;
    customer.db_password_file = settings.db_password_file;
    customer.concurrency = n;
    customer.seconds = settings.seconds;
    customer.large_rows = settings.customer_rows;
    customer.bound_qps = bound;
    const bool ok = RunCustomerScenarios(customer);
    return ok && e0.errors + d0.errors == 0 ? 0 : 1;
  }
  if (settings.suite == "supplier") {
    callback_server->Shutdown();
    workers.Shutdown();
    SupplierBenchSettings supplier;
    supplier.binary = settings.supplier_svc;
    supplier.db = settings.db;
    supplier.db_password_file = settings.db_password_file;
    supplier.concurrency = n;
    supplier.seconds = settings.seconds;
    supplier.bound_qps = bound;
    const bool ok = RunSupplierScenarios(supplier);
    return ok && e0.errors + d0.errors == 0 ? 0 : 1;
  }

  const LoadResult c1 = RunClosedLoop(n, warmup, settings.seconds, GrpcClients(callback_port, true, settings.rows));
  std::printf("%s  = %.2f x bound\n", FormatResult("C1 callback API + worker pool (ours)", c1).c_str(), Ratio(c1, bound));
  callback_server->Shutdown();

  MySqlPool sync_pool(settings.db);
  SyncBenchService sync_service(sync_pool);
  int sync_port = 0;
  std::unique_ptr<grpc::Server> sync_server = StartServer(&sync_service, &sync_port);
  const LoadResult s1 = RunClosedLoop(n, warmup, settings.seconds, GrpcClients(sync_port, true, settings.rows));
  std::printf("%s  = %.2f x bound\n", FormatResult("S1 sync API, query on gRPC thread", s1).c_str(), Ratio(s1, bound));
  sync_server->Shutdown();
  workers.Shutdown();
  return (e0.errors + d0.errors + c1.errors + s1.errors) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  crm::common::DisableMutexDeadlockDetection();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  const std::vector<crm::common::FlagSpec> specs = {
      {"db_host", "MariaDB host", "127.0.0.1"},
      {"db_port", "MariaDB port", "3306"},
      {"db_user", "user allowed to create the crm_bench schema", "", true},
      {"db_password_file", "file holding the password", "", true},
      {"concurrency", "client threads", "16"},
      {"seconds", "measured seconds per scenario", "5"},
      {"rows", "rows in the lookup table", "10000"},
      {"suite",
       "server (E0, D0, C1, S1), customer (E0, D0, customer_svc scenarios) or supplier (E0, D0, "
       "supplier_svc scenarios)",
       "server"},
      {"customer_svc", "customer_svc binary for --suite=customer", "build/customer_svc/customer_svc"},
      {"supplier_svc", "supplier_svc binary for --suite=supplier", "build/supplier_svc/supplier_svc"},
      {"customer_rows", "customers for the large ListCustomers scenario", "1000000"},
  };
  absl::StatusOr<crm::common::ParsedFlags> flags = crm::common::ParseFlags(
      specs, std::vector<std::string>(argv + 1, argv + argc), crm::common::ProcessEnvironment());
  if (!flags.ok() || flags->help_requested) {
    if (!flags.ok()) std::fprintf(stderr, "crm_bench: %s\n", flags.status().ToString().c_str());
    std::fputs(crm::common::FlagsHelp("crm_bench", specs).c_str(), stderr);
    return flags.ok() ? 0 : 2;
  }
  crm::bench::Settings settings;
  const auto& v = flags->values;
  int seconds = 0;
  if (!absl::SimpleAtoi(v.at("db_port"), &settings.db.port) ||
      !absl::SimpleAtoi(v.at("concurrency"), &settings.concurrency) ||
      !absl::SimpleAtoi(v.at("seconds"), &seconds) || !absl::SimpleAtoi(v.at("rows"), &settings.rows) ||
      !absl::SimpleAtoi(v.at("customer_rows"), &settings.customer_rows) ||
      settings.concurrency < 1 || seconds < 1 || settings.rows < 1) {
    std::fprintf(stderr, "crm_bench: --db_port, --concurrency, --seconds and --rows take positive whole numbers\n");
    return 2;
  }
  settings.seconds = absl::Seconds(seconds);
  settings.db.host = v.at("db_host");
  settings.suite = v.at("suite");
  settings.customer_svc = v.at("customer_svc");
  settings.supplier_svc = v.at("supplier_svc");
  settings.db_password_file = v.at("db_password_file");
  if (settings.suite != "server" && settings.suite != "customer" && settings.suite != "supplier") {
    std::fprintf(stderr, "crm_bench: --suite is server, customer or supplier\n");
    return 2;
  }
  settings.db.user = v.at("db_user");
  settings.db.database = "crm_bench";
  settings.db.pool_size = settings.concurrency;
  absl::StatusOr<std::string> password = crm::common::ReadSecretFile("db_password_file", v.at("db_password_file"));
  if (!password.ok()) {
    std::fprintf(stderr, "crm_bench: %s\n", password.status().ToString().c_str());
    return 2;
  }
  settings.db.password = *password;
  return crm::bench::Run(settings);
}
