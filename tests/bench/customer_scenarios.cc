// The customer_svc scenarios of crm_bench (scripts/bench customer):
//   G1  GetCustomer by random name, `concurrency` clients;
//   L1  ListCustomers page 50 at small_rows rows, pages starting at random
//       depths (page tokens collected by walking the whole listing first);
//   L2  the same at large_rows rows: keyset pages should cost the same;
//   I1  ImportCustomers rows/s, one stream at a time, 20,000 rows each;
//   IC  ImportCustomers rows/s with `concurrency` streams at a time, each
//       importing two files of 5,000 rows (customer_svc lets
//       --max_concurrent_imports of them write at once, the rest wait).
// The first small_rows customers arrive through ImportCustomers; the rest up
// to large_rows are bulk-inserted with INSERT ... SELECT from MariaDB's
// sequence engine (no audit entries: they only fill the table).
#include "tests/bench/customer_scenarios.h"

#include <grpcpp/create_channel.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/bench/load.h"
#include "tests/bench/service_bench.h"

namespace crm::bench {
namespace {

using crm::customer::v1::CustomerService;
namespace v1 = crm::customer::v1;

constexpr char kSchema[] = "crm_bench_customer";
constexpr int kImportRows = 20000;  // customer_svc's per-import limit
constexpr int kConcurrentImportRows = 5000;
constexpr int kRowsPerMessage = 1000;
constexpr int kListPage = 50;

void Authorize(grpc::ClientContext& context, absl::Duration timeout) {
  BenchedService::Authorize(context, timeout);
}

class CustomerBench {
 public:
  explicit CustomerBench(const CustomerBenchSettings& settings)
      : settings_(settings),
        service_({.binary = settings.binary,
                  .db = settings.db,
                  .db_password_file = settings.db_password_file,
                  .schema = kSchema,
                  .scopes = "customers.read,customers.write"}) {}

  bool Run() {
    if (!service_.Start()) return false;
    std::printf("customer_svc scenarios (real binary over gRPC, concurrency %d)\n",
                settings_.concurrency);
    const absl::Time import_start = absl::Now();
    if (!Import(settings_.small_rows, 0)) return false;
    const double first_import = settings_.small_rows / absl::ToDoubleSeconds(absl::Now() - import_start);
    std::printf("  loaded %d customers with ImportCustomers (%.0f rows/s)\n", settings_.small_rows,
                first_import);

    const LoadResult get = RunClosedLoop(settings_.concurrency, absl::Seconds(1), settings_.seconds,
                                         [this](int index) { return GetCall(index); });
    std::printf("%s  = %.2f x bound\n", FormatResult("G1 GetCustomer (customer_svc)", get).c_str(),
                settings_.bound_qps > 0 ? get.qps / settings_.bound_qps : 0);

    if (!CollectTokens()) return false;
    const LoadResult small = RunClosedLoop(settings_.concurrency, absl::Seconds(1), settings_.seconds,
                                           [this](int index) { return ListCall(index); });
    std::printf("%s\n", FormatResult(absl::StrFormat("L1 ListCustomers page %d @ %d rows", kListPage,
                                                     settings_.small_rows),
                                     small)
                            .c_str());

    const int imports = 5;
    const absl::Time timed_start = absl::Now();
    for (int i = 0; i < imports; ++i) {
      if (!Import(kImportRows, settings_.small_rows + i * kImportRows)) return false;
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - timed_start);
    std::printf(
        "  I1 ImportCustomers: %d rows in %d streams one after another in %.1f s = %.0f rows/s\n",
        imports * kImportRows, imports, seconds, imports * kImportRows / seconds);

    // Many clients importing at once, as many as the other scenarios' callers.
    const int concurrent = settings_.concurrency;
    const int files_per_stream = 2;
    const int concurrent_imports = concurrent * files_per_stream;
    const int concurrent_first = settings_.small_rows + imports * kImportRows;
    const absl::Time concurrent_start = absl::Now();
    std::vector<std::thread> streams;
    std::atomic<bool> all_ok = true;
    for (int t = 0; t < concurrent; ++t) {
      streams.emplace_back([&, t] {
        for (int i = t; i < concurrent_imports; i += concurrent) {
          if (!Import(kConcurrentImportRows, concurrent_first + i * kConcurrentImportRows, t)) {
            all_ok = false;
          }
        }
      });
    }
    for (std::thread& stream : streams) stream.join();
    if (!all_ok) return false;
    const double concurrent_seconds = absl::ToDoubleSeconds(absl::Now() - concurrent_start);
    std::printf(
        "  IC ImportCustomers: %d rows in %d imports, %d streams at a time, in %.1f s = %.0f "
        "rows/s\n",
        concurrent_imports * kConcurrentImportRows, concurrent_imports, concurrent,
        concurrent_seconds, concurrent_imports * kConcurrentImportRows / concurrent_seconds);

    const int present = concurrent_first + concurrent_imports * kConcurrentImportRows;
    if (settings_.large_rows > present) {
      const absl::Time bulk_start = absl::Now();
      if (!BulkInsert(present, settings_.large_rows)) return false;
      std::printf("  bulk-inserted %d more rows (SQL, %.1f s)\n", settings_.large_rows - present,
                  absl::ToDoubleSeconds(absl::Now() - bulk_start));
    }
    if (!CollectTokens()) return false;
    const LoadResult large = RunClosedLoop(settings_.concurrency, absl::Seconds(1), settings_.seconds,
                                           [this](int index) { return ListCall(index); });
    std::printf("%s\n", FormatResult(absl::StrFormat("L2 ListCustomers page %d @ %d rows", kListPage,
                                                     settings_.large_rows),
                                     large)
                            .c_str());
    std::printf("  L2/L1 p50 = %.2f (keyset pages: ~1 expected)\n",
                absl::ToDoubleMicroseconds(large.p50) / absl::ToDoubleMicroseconds(small.p50));
    return get.errors == 0 && small.errors == 0 && large.errors == 0;
  }

 private:
  // Imports `rows` customers numbered from `first` in one stream (or several
  // of at most kImportRows) on channel `channel`; remembers their names.
  bool Import(int rows, int first, int channel = 0) {
    auto stub = CustomerService::NewStub(service_.channel(channel));
    for (int begin = 0; begin < rows; begin += kImportRows) {
      const int count = std::min(kImportRows, rows - begin);
      grpc::ClientContext context;
      Authorize(context, absl::Minutes(5));
      v1::ImportCustomersResponse response;
      std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer =
          stub->ImportCustomers(&context, &response);
      for (int chunk = 0; chunk < count; chunk += kRowsPerMessage) {
        v1::ImportCustomersRequest message;
        if (chunk == 0) message.set_mode(v1::IMPORT_MODE_CREATE);
        for (int i = chunk; i < std::min(count, chunk + kRowsPerMessage); ++i) {
          const int n = first + begin + i;
          v1::ImportRow& row = *message.add_rows();
          row.set_row_id(absl::StrCat(n));
          v1::Customer& customer = *row.mutable_customer();
          customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
          customer.set_display_name(absl::StrCat("Bench Company ", n));
          customer.mutable_organization_key()->set_web_domain(absl::StrCat("bench", n, ".example"));
          customer.set_email(absl::StrCat("info@bench", n, ".example"));
          customer.set_phone(absl::StrCat("+4930", 1000000 + n % 8999999));
          customer.set_tier(static_cast<v1::Tier>(1 + n % 4));
          customer.mutable_needs()->add_tags("bench");
        }
        if (!writer->Write(message)) break;
      }
      writer->WritesDone();
      grpc::Status status = writer->Finish();
      if (!status.ok() || response.created_count() != count) {
        std::fprintf(stderr, "crm_bench: ImportCustomers failed: %s (created %lld of %d)\n",
                     status.error_message().c_str(),
                     static_cast<long long>(response.created_count()), count);
        return false;
      }
      std::lock_guard<std::mutex> lock(names_mu_);
      for (const v1::ImportRowResult& result : response.results()) names_.push_back(result.customer());
    }
    return true;
  }

  bool BulkInsert(int present, int total) {
    const common::MySqlOptions db = service_.SchemaDb();
    std::vector<std::string> statements;
    constexpr int kChunk = 100000;
    for (int first = present + 1; first <= total; first += kChunk) {
      const int last = std::min(total, first + kChunk - 1);
      statements.push_back(absl::StrFormat(
          "INSERT INTO customers (kind, display_name, web_domain, tax_id, parent_id, email, phone, "
          "lifecycle_stage, stage_enter_time, tier, source_kind, account_manager, details, version, "
          "create_time, update_time) "
          "SELECT 2, CONCAT('Bulk Company ', seq), CONCAT('bulk', seq, '.example'), NULL, NULL, "
          "CONCAT('info@bulk', seq, '.example'), '', 1 + seq %% 6, t, 1 + seq %% 4, 1, '', '', 1, "
          "t, t FROM (SELECT seq, TIMESTAMPADD(MICROSECOND, seq, '2026-01-01 00:00:00') AS t "
          "FROM seq_%d_to_%d) s",
          first, last));
    }
    absl::Status status = RunSql(db, statements);
    if (!status.ok()) {
      std::fprintf(stderr, "crm_bench: bulk insert failed: %s\n", status.ToString().c_str());
      return false;
    }
    return true;
  }

  // Walks the whole default listing (create_time order) with pages of 1000
  // and keeps every page token: ListCall starts at random ones.
  bool CollectTokens() {
    tokens_ = {""};
    auto stub = CustomerService::NewStub(service_.channel(0));
    std::string token;
    do {
      grpc::ClientContext context;
      Authorize(context, absl::Seconds(30));
      v1::ListCustomersRequest request;
      request.set_page_size(1000);
      request.set_page_token(token);
      v1::ListCustomersResponse response;
      grpc::Status status = stub->ListCustomers(&context, request, &response);
      if (!status.ok()) {
        std::fprintf(stderr, "crm_bench: ListCustomers walk failed: %s\n",
                     status.error_message().c_str());
        return false;
      }
      token = response.next_page_token();
      if (!token.empty()) tokens_.push_back(token);
    } while (!token.empty());
    return true;
  }

  Call GetCall(int index) {
    auto stub = std::shared_ptr<CustomerService::Stub>(
        CustomerService::NewStub(service_.channel(index)));
    auto rng = std::make_shared<std::mt19937_64>(index);
    return [this, stub, rng] {
      grpc::ClientContext context;
      Authorize(context, absl::Seconds(10));
      v1::GetCustomerRequest request;
      request.set_name(names_[(*rng)() % names_.size()]);
      v1::GetCustomerResponse response;
      return stub->GetCustomer(&context, request, &response).ok();
    };
  }

  Call ListCall(int index) {
    auto stub = std::shared_ptr<CustomerService::Stub>(
        CustomerService::NewStub(service_.channel(index)));
    auto rng = std::make_shared<std::mt19937_64>(index);
    return [this, stub, rng] {
      grpc::ClientContext context;
      Authorize(context, absl::Seconds(10));
      v1::ListCustomersRequest request;
      request.set_page_size(kListPage);
      request.set_page_token(tokens_[(*rng)() % tokens_.size()]);
      v1::ListCustomersResponse response;
      return stub->ListCustomers(&context, request, &response).ok() &&
             response.customers_size() > 0;
    };
  }

  const CustomerBenchSettings& settings_;
  BenchedService service_;
  std::mutex names_mu_;
  std::vector<std::string> names_;
  std::vector<std::string> tokens_;
};

}  // namespace

bool RunCustomerScenarios(const CustomerBenchSettings& settings) {
  CustomerBench bench(settings);
  return bench.Run();
}

}  // namespace crm::bench
