// The supplier_svc scenarios of crm_bench (scripts/bench supplier):
//   G1  GetSupplier by random name, `concurrency` clients, with its ratio to
//       the bound 1/(1/E0 + 1/D0) measured in the same invocation.
// The suppliers arrive through CreateSupplier (`concurrency` clients in
// parallel) before the scenarios run. To add a scenario, give SupplierBench a
// method that prints its figures and call it from Run(); the loaded
// suppliers_ and the started service_ are shared by all of them.
#include "tests/bench/supplier_scenarios.h"

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
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "tests/bench/load.h"
#include "tests/bench/service_bench.h"

namespace crm::bench {
namespace {

using crm::supplier::v1::SupplierService;
namespace v1 = crm::supplier::v1;

// Not crm_bench_supplier: crm_consolidation_bench recreates that one.
constexpr char kSchema[] = "crm_bench_supplier_svc";

class SupplierBench {
 public:
  explicit SupplierBench(const SupplierBenchSettings& settings)
      : settings_(settings),
        service_({.binary = settings.binary,
                  .db = settings.db,
                  .db_password_file = settings.db_password_file,
                  .schema = kSchema,
                  .scopes = "suppliers.read,suppliers.write"}) {}

  bool Run() {
    if (!service_.Start()) return false;
    std::printf("supplier_svc scenarios (real binary over gRPC, concurrency %d)\n",
                settings_.concurrency);
    const absl::Time load_start = absl::Now();
    if (!CreateSuppliers(settings_.suppliers)) return false;
    std::printf("  loaded %d suppliers with CreateSupplier (%.0f/s)\n", settings_.suppliers,
                settings_.suppliers / absl::ToDoubleSeconds(absl::Now() - load_start));
    bool ok = true;
    ok = GetSupplierScenario() && ok;
    return ok;
  }

 private:
  // G1: GetSupplier by random name.
  bool GetSupplierScenario() {
    const LoadResult get = RunClosedLoop(settings_.concurrency, absl::Seconds(1), settings_.seconds,
                                         [this](int index) { return GetCall(index); });
    std::printf("%s  = %.2f x bound\n", FormatResult("G1 GetSupplier (supplier_svc)", get).c_str(),
                settings_.bound_qps > 0 ? get.qps / settings_.bound_qps : 0);
    return get.errors == 0;
  }

  // Creates `count` suppliers across the six categories, `concurrency`
  // clients at once; remembers their names.
  bool CreateSuppliers(int count) {
    std::vector<std::string> names(count);
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < settings_.concurrency; ++t) {
      threads.emplace_back([&, t] {
        auto stub = SupplierService::NewStub(service_.channel(t));
        for (int n = next++; n < count && !failed; n = next++) {
          v1::CreateSupplierRequest request;
          v1::Supplier& supplier = *request.mutable_supplier();
          supplier.set_display_name(absl::StrCat("Bench Supplier ", n));
          supplier.set_legal_name(absl::StrCat("Bench Supplier ", n, " GmbH"));
          supplier.mutable_organization_key()->set_web_domain(
              absl::StrCat("bench-supplier", n, ".example"));
          supplier.add_categories(static_cast<v1::SupplierCategory>(1 + n % 6));
          crm::common::v1::PostalAddress& address = *supplier.mutable_postal_address();
          address.add_address_lines(absl::StrCat("Hauptstraße ", n % 200 + 1));
          address.set_locality("Berlin");
          address.set_postal_code("10115");
          address.set_region_code("DE");
          supplier.set_integration_level(v1::INTEGRATION_LEVEL_PORTAL);
          request.set_request_id(absl::StrCat("bench-supplier-", n));
          grpc::ClientContext context;
          BenchedService::Authorize(context, absl::Seconds(30));
          v1::CreateSupplierResponse response;
          grpc::Status status = stub->CreateSupplier(&context, request, &response);
          if (!status.ok()) {
            if (!failed.exchange(true)) {
              std::fprintf(stderr, "crm_bench: CreateSupplier failed: %d %s\n",
                           static_cast<int>(status.error_code()), status.error_message().c_str());
            }
            return;
          }
          names[n] = response.supplier().name();
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    if (failed) return false;
    suppliers_ = std::move(names);
    return true;
  }

  Call GetCall(int index) {
    auto stub =
        std::shared_ptr<SupplierService::Stub>(SupplierService::NewStub(service_.channel(index)));
    auto rng = std::make_shared<std::mt19937_64>(index);
    return [this, stub, rng] {
      grpc::ClientContext context;
      BenchedService::Authorize(context, absl::Seconds(10));
      v1::GetSupplierRequest request;
      request.set_name(suppliers_[(*rng)() % suppliers_.size()]);
      v1::GetSupplierResponse response;
      return stub->GetSupplier(&context, request, &response).ok();
    };
  }

  const SupplierBenchSettings& settings_;
  BenchedService service_;
  std::vector<std::string> suppliers_;
};

}  // namespace

bool RunSupplierScenarios(const SupplierBenchSettings& settings) {
  SupplierBench bench(settings);
  return bench.Run();
}

}  // namespace crm::bench
