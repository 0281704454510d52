// Starting a real service binary for crm_bench's service suites (customer,
// supplier): fresh schema, bench token, channels, clean-up.
#include "tests/bench/service_bench.h"

#include <cppconn/statement.h>
#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/mysql/transaction.h"
#include "tests/support/grpc_health.h"

namespace crm::bench {
namespace {

constexpr char kToken[] = "bench-service-token";

}  // namespace

absl::Status RunSql(const common::MySqlOptions& db, const std::vector<std::string>& statements) {
  common::MySqlPool pool(db);
  return common::RunWithConnection(pool, absl::Now() + absl::Minutes(10), [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    for (const std::string& statement : statements) s->execute(statement);
    return absl::OkStatus();
  });
}

BenchedService::BenchedService(BenchedServiceOptions options)
    : options_(std::move(options)), port_(test_support::PickUnusedPort()) {
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("crm.bench.channel", i);  // distinct args → distinct connections
    args.SetMaxReceiveMessageSize(64 << 20);
    channels_.push_back(grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port_),
                                                  grpc::InsecureChannelCredentials(), args));
  }
}

BenchedService::~BenchedService() {
  if (service_ != nullptr && service_->IsRunning()) {
    (void)service_->Signal(SIGTERM);
    (void)service_->WaitForExit(absl::Seconds(30));
  }
  common::MySqlOptions admin = options_.db;
  admin.database.clear();
  (void)RunSql(admin, {absl::StrCat("DROP DATABASE IF EXISTS ", options_.schema)});
  if (!dir_.empty()) std::system(absl::StrCat("rm -rf '", dir_, "'").c_str());
}

void BenchedService::Authorize(grpc::ClientContext& context, absl::Duration timeout) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

common::MySqlOptions BenchedService::SchemaDb() const {
  common::MySqlOptions db = options_.db;
  db.database = options_.schema;
  return db;
}

bool BenchedService::Start() {
  common::MySqlOptions admin = options_.db;
  admin.database.clear();
  if (absl::Status s =
          RunSql(admin, {absl::StrCat("DROP DATABASE IF EXISTS ", options_.schema),
                         absl::StrCat("CREATE DATABASE ", options_.schema,
                                      " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")});
      !s.ok()) {
    std::fprintf(stderr, "crm_bench: cannot create %s: %s\n", options_.schema.c_str(),
                 s.ToString().c_str());
    return false;
  }
  char dir_template[] = "/tmp/crm-bench-service.XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return false;
  dir_ = dir_template;
  const std::string tokens = dir_ + "/tokens";
  std::ofstream(tokens) << common::Sha256Hex(kToken) << " bench " << options_.scopes << "\n";
  int metrics_port = 0;
  do {
    metrics_port = test_support::PickUnusedPort();
  } while (metrics_port == port_);
  absl::StatusOr<std::unique_ptr<test_support::ServiceProcess>> process =
      test_support::ServiceProcess::Start(
          {.binary = options_.binary,
           .args = {absl::StrCat("--listen_address=127.0.0.1:", port_),
                    absl::StrCat("--metrics_address=127.0.0.1:", metrics_port),
                    absl::StrCat("--db_host=", options_.db.host),
                    absl::StrCat("--db_port=", options_.db.port),
                    absl::StrCat("--db_user=", options_.db.user),
                    absl::StrCat("--db_password_file=", options_.db_password_file),
                    absl::StrCat("--db_name=", options_.schema), "--db_pool_size=16",
                    absl::StrCat("--auth_tokens_file=", tokens)},
           .env = {}});
  if (!process.ok()) {
    std::fprintf(stderr, "crm_bench: cannot start %s: %s\n", options_.binary.c_str(),
                 process.status().ToString().c_str());
    return false;
  }
  service_ = *std::move(process);
  absl::Status up = service_->WaitForPort(port_, absl::Seconds(60));
  if (up.ok()) {
    up = test_support::WaitForHealth(channels_[0], "", test_support::HealthStatus::kServing,
                                     absl::Seconds(60));
  }
  if (!up.ok()) {
    std::fprintf(stderr, "crm_bench: %s did not start: %s\n%s\n", options_.binary.c_str(),
                 up.ToString().c_str(), service_->Output().c_str());
    return false;
  }
  return true;
}

}  // namespace crm::bench
