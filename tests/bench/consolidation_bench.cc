// crm_consolidation_bench: supplier consolidation at scale, in process
// (ConsolidationService over the MySQL repositories, no gRPC). For 1x and 2x
// of one category with 1,000 suppliers, 20,000 offerings and 200,000 purchase
// orders, consolidated to 50 keepers per 1,000 suppliers (loaded with batched
// INSERTs into the recreated schema crm_bench_supplier, dropped at the end),
// it prints the load time, a reference scan (every order joined to its lines:
// how the database itself scales from one size to the other) and
// PlanConsolidation's and ExecuteConsolidation's wall times with what they
// did (and InnoDB's page reads during the execution: the database's own work,
// which grows faster than the rows where an index B-tree gains a level),
// --rounds times (default 2), then the best of each size and their ratios.
// --base_scale=2 measures 2x and 4x instead.
// Figures only, never pass/fail on timings.
//
//   crm_consolidation_bench --db_host=... --db_port=... --db_user=... --db_password_file=...
//                           [--rounds=N] [--base_scale=N]
//
// The user must be allowed to create and drop the schema.

#include <cppconn/statement.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/mutex_checks.h"
#include "common/config/flags.h"
#include "common/mysql/batch_insert.h"
#include "common/mysql/migrations.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "supplier_svc/domain/consolidation_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_consolidation_repository.h"

namespace crm::bench {
namespace {

using common::SqlValue;
namespace v1 = ::crm::supplier::v1;

constexpr char kSchema[] = "crm_bench_supplier";
constexpr int kBaseSuppliers = 1000;
constexpr int kOfferingsPerSupplier = 20;
constexpr int kOrdersPerSupplier = 200;
constexpr int kItemsPerResidue = 20;  // supplier i offers the items ≡ i (mod 10)
// Keepers asked for per 1,000 suppliers: 2x data asks for twice the keepers,
// so it retires twice the suppliers and moves twice the orders (a fixed 50
// would retire 1,950 instead of 950 at 2x: 2.05x the work).
constexpr int kKeepersPerBaseSuppliers = 50;
constexpr int kPlanRuns = 3;
constexpr size_t kRowsPerStatement = 1000;

// Drops the schema and, when `create`, creates it empty.
absl::Status Recreate(const common::MySqlOptions& admin, bool create = true) {
  common::MySqlOptions options = admin;
  options.database.clear();
  common::MySqlPool pool(options);
  return common::RunWithConnection(pool, absl::Now() + absl::Minutes(1), [&](sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    s->execute(absl::StrCat("DROP DATABASE IF EXISTS ", kSchema));
    if (create) s->execute(absl::StrCat("CREATE DATABASE ", kSchema));
    return absl::OkStatus();
  });
}

// One category (COMPONENT) of `suppliers` ACTIVE suppliers with their
// offerings, one active contract each and their purchase orders (one line
// each) created during 2024. Each 1,000 suppliers are a copy of the first
// 1,000 with their own 200 items, so 2x is twice the same market: the plan
// keeps, retires and moves twice as much. (Until 2026-12-02 #4 a supplier at
// 2x offered half of its residue's 40 items instead of all 20, a different
// market that needed 142 keepers instead of 2 × 58.)
absl::Status Load(common::MySqlPool& pool, int suppliers) {
  constexpr int64_t kItemsPerCopy = 10 * kItemsPerResidue;
  return common::RunWithConnection(pool, absl::Now() + absl::Minutes(20), [&](sql::Connection& c) {
    std::vector<SqlValue> rows;
    for (int64_t id = 1; id <= suppliers; ++id) {
      rows.insert(rows.end(), {id, absl::StrCat("Supplier ", id), absl::StrCat("Supplier ", id, " Ltd"),
                               int64_t{2}, int64_t{1}, std::string(""), std::string(""),
                               int64_t{1}, std::string("2020-01-01 00:00:00"),
                               std::string("2020-01-01 00:00:00")});
    }
    common::ExecuteBatched(c,
                           "INSERT INTO suppliers (id, display_name, legal_name, status,"
                           " integration_level, category_list, region_code, details, version,"
                           " create_time, update_time) VALUES ",
                           "(?, ?, ?, ?, ?, '3', ?, ?, ?, ?, ?)", "", 10, rows, kRowsPerStatement);
    rows.clear();
    for (int64_t id = 1; id <= suppliers; ++id) rows.insert(rows.end(), {id, int64_t{3}});
    common::ExecuteBatched(c, "INSERT INTO supplier_categories (supplier_id, category) VALUES ",
                           "(?, ?)", "", 2, rows, kRowsPerStatement);
    rows.clear();
    // Supplier 1,000 × c + i of copy c plays supplier i of the first copy.
    auto copy_of = [](int64_t supplier) { return (supplier - 1) / kBaseSuppliers; };
    auto local_of = [&](int64_t supplier) { return supplier - kBaseSuppliers * copy_of(supplier); };
    auto item_of = [&](int64_t supplier, int64_t k) {
      const int64_t local = local_of(supplier);
      return kItemsPerCopy * copy_of(supplier) + local % 10 +
             10 * ((local / 10 + k) % kItemsPerResidue);
    };
    auto price_of = [&](int64_t supplier, int64_t item) {
      return 1000 + (local_of(supplier) * 13 + (item % kItemsPerCopy) * 7) % 500;
    };
    int64_t offering = 0;
    for (int64_t s = 1; s <= suppliers; ++s) {
      for (int64_t k = 0; k < kOfferingsPerSupplier; ++k) {
        const int64_t item = item_of(s, k);
        rows.insert(rows.end(), {++offering, s, absl::StrCat("ITEM-", item),
                                 absl::StrCat("S", s, "-", item), std::string(""),
                                 price_of(s, item), std::string("EUR"), int64_t{1}, int64_t{5},
                                 int64_t{1}, std::string("2024-01-01 00:00:00"),
                                 std::string("2024-01-01 00:00:00")});
      }
    }
    common::ExecuteBatched(c,
                           "INSERT INTO offerings (id, supplier_id, item, supplier_item_code,"
                           " description, unit_price_minor, currency, minimum_quantity,"
                           " lead_time_days, version, create_time, update_time) VALUES ",
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 12, rows,
                           kRowsPerStatement);
    rows.clear();
    for (int64_t s = 1; s <= suppliers; ++s) {
      rows.insert(rows.end(), {absl::StrCat("C-", s), s, int64_t{v1::CONTRACT_STATE_ACTIVE}});
    }
    common::ExecuteBatched(c,
                           "INSERT INTO contracts (contract_number, supplier_id, title,"
                           " start_date, end_date, state, currency, committed_minor,"
                           " ordered_minor, termination_reason, version, create_time,"
                           " update_time) VALUES ",
                           "(?, ?, 'Blanket', '2024-01-01', '2025-12-31', ?, 'EUR', 100000000, 0,"
                           " '', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
                           "", 3, rows, kRowsPerStatement);
    rows.clear();
    std::vector<SqlValue> lines;
    int64_t po = 0;
    for (int64_t s = 1; s <= suppliers; ++s) {
      for (int64_t n = 0; n < kOrdersPerSupplier; ++n) {
        ++po;
        // The same order figures in every copy: the order's and supplier's numbers within it.
        const int64_t mix = po - kOrdersPerSupplier * kBaseSuppliers * copy_of(s) + local_of(s);
        const int64_t item = item_of(s, n % kOfferingsPerSupplier);
        const int64_t quantity = 1 + (po * 7) % 100;
        const int64_t price = price_of(s, item) + (po % 5) - 2;
        int64_t status = v1::PURCHASE_ORDER_STATUS_DELIVERED;
        if (n % 10 == 0) status = v1::PURCHASE_ORDER_STATUS_OPEN;
        if (n % 10 == 1) status = v1::PURCHASE_ORDER_STATUS_CONFIRMED;
        if (n % 10 == 2) status = v1::PURCHASE_ORDER_STATUS_CANCELLED;
        const bool delivered = status == v1::PURCHASE_ORDER_STATUS_DELIVERED;
        const std::string created =
            absl::StrCat("2024-", 1 + n % 12, "-", 1 + n % 28, " 10:00:00");
        const std::string day = absl::StrCat("2024-", 1 + n % 12, "-", 1 + n % 28);
        const int64_t defective = delivered ? mix % 4 : 0;
        rows.insert(rows.end(), {po, absl::StrCat("PO-", po), s, status, quantity * price,
                                 delivered ? SqlValue(day) : SqlValue(common::SqlNull{}),
                                 delivered ? SqlValue(day) : SqlValue(common::SqlNull{}),
                                 int64_t{delivered && mix % 7 != 0 ? 1 : 0},
                                 delivered ? SqlValue(quantity - std::min(quantity, defective))
                                           : SqlValue(common::SqlNull{}),
                                 delivered ? SqlValue(std::min(quantity, defective))
                                           : SqlValue(common::SqlNull{}),
                                 int64_t{delivered ? 1 + mix % 5 : 0}, day, created, created});
        lines.insert(lines.end(), {po, absl::StrCat("ITEM-", item), quantity, price,
                                   quantity * price});
      }
    }
    common::ExecuteBatched(c,
                           "INSERT INTO purchase_orders (id, po_number, supplier_id, status,"
                           " total_currency, total_minor, promised_delivery_date,"
                           " actual_delivery_date, on_time_delivery, accepted_quantity,"
                           " defective_quantity, quality_notes, service_rating, cancel_reason,"
                           " version, order_date, create_time, update_time) VALUES ",
                           "(?, ?, ?, ?, 'EUR', ?, ?, ?, ?, ?, ?, '', ?, '', 1, ?, ?, ?)", "", 14,
                           rows, kRowsPerStatement);
    common::ExecuteBatched(c,
                           "INSERT INTO purchase_order_lines (purchase_order_id, line_number,"
                           " item, supplier_item_code, description, quantity, unit_price_minor,"
                           " amount_minor) VALUES ",
                           "(?, 1, ?, '', '', ?, ?, ?)", "", 5, lines, kRowsPerStatement);
    return absl::OkStatus();
  });
}

// The database's own scaling, to judge the two ratios by: a bare join of
// every order with its lines (no grouping, no writes), the least any plan
// over these orders has to read.
absl::Status ReferenceScan(common::MySqlPool& pool) {
  return common::RunWithConnection(pool, absl::Now() + absl::Minutes(5), [](sql::Connection& c) {
    common::SqlQuery scan;
    scan.Add(
        "SELECT COUNT(*), SUM(l.quantity) FROM purchase_orders p"
        " JOIN purchase_order_lines l ON l.purchase_order_id = p.id");
    common::Query(c, scan)->next();  // one row
    return absl::OkStatus();
  });
}

// InnoDB's logical page reads since the server started
// (Innodb_buffer_pool_read_requests; the bench is the server's only client).
absl::StatusOr<int64_t> InnodbPageReads(common::MySqlPool& pool) {
  int64_t reads = 0;
  absl::Status status =
      common::RunWithConnection(pool, absl::Now() + absl::Minutes(1), [&](sql::Connection& c) {
        common::SqlQuery query;
        query.Add(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
            " WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_READ_REQUESTS'");
        common::QueryResult rows = common::Query(c, query);
        if (rows->next()) reads = rows->getInt64(1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return reads;
}

// What one measured step cost: its wall time and InnoDB's logical page reads
// during it, the database's own work whatever the machine's speed (they grow
// faster than the rows where an index B-tree gains a level).
struct Cost {
  double ms = 0;
  int64_t page_reads = 0;

  double NsPerPageRead() const { return 1e6 * ms / std::max<int64_t>(1, page_reads); }
};

// The least time and the fewest page reads of two measurements of one step.
// Background work (statistics sampled after a load) only adds to the
// server-wide page reads, so the fewest are the step's own.
Cost Least(const Cost& a, const Cost& b) {
  return {std::min(a.ms, b.ms), std::min(a.page_reads, b.page_reads)};
}

// The least cost of `runs` calls of `body`, or the first error.
absl::StatusOr<Cost> BestOf(common::MySqlPool& pool, int runs,
                            absl::FunctionRef<absl::Status()> body) {
  Cost best;
  for (int run = 0; run < runs; ++run) {
    const absl::StatusOr<int64_t> before = InnodbPageReads(pool);
    if (!before.ok()) return before.status();
    const absl::Time start = absl::Now();
    if (absl::Status status = body(); !status.ok()) return status;
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    const absl::StatusOr<int64_t> after = InnodbPageReads(pool);
    if (!after.ok()) return after.status();
    const Cost cost{ms, *after - *before};
    best = run == 0 ? cost : Least(best, cost);
  }
  return best;
}

// The costs of one size; zero when it failed.
struct SizeCosts {
  Cost scan;
  Cost plan;
  Cost execute;
};

SizeCosts RunSize(const common::MySqlOptions& admin, int scale) {
  const int suppliers = kBaseSuppliers * scale;
  if (absl::Status s = Recreate(admin); !s.ok()) {
    std::fprintf(stderr, "supplier bench: cannot create %s: %s\n", kSchema, s.ToString().c_str());
    return {};
  }
  common::MySqlOptions options = admin;
  options.database = kSchema;
  options.pool_size = 4;
  options.io_timeout = absl::Minutes(10);
  common::MySqlPool pool(options);
  if (absl::Status s =
          common::ApplyServiceMigrations(pool, "supplier_svc", supplier::SupplierMigrations());
      !s.ok()) {
    std::fprintf(stderr, "supplier bench: %s\n", s.ToString().c_str());
    return {};
  }
  absl::Time start = absl::Now();
  if (absl::Status s = Load(pool, suppliers); !s.ok()) {
    std::fprintf(stderr, "supplier bench: load failed: %s\n", s.ToString().c_str());
    return {};
  }
  std::printf("supplier consolidation %dx: %d suppliers, %d offerings, %d purchase orders"
              " loaded in %.1f s\n",
              scale, suppliers, suppliers * kOfferingsPerSupplier, suppliers * kOrdersPerSupplier,
              absl::ToDoubleSeconds(absl::Now() - start));

  absl::StatusOr<Cost> scan = BestOf(pool, kPlanRuns, [&] { return ReferenceScan(pool); });
  if (!scan.ok()) {
    std::fprintf(stderr, "supplier bench: reference scan: %s\n", scan.status().ToString().c_str());
    return {};
  }
  std::printf(
      "  reference scan       %8.0f ms  best of %d (every order joined to its lines;"
      " %lld InnoDB page reads)\n",
      scan->ms, kPlanRuns, static_cast<long long>(scan->page_reads));

  supplier::MySqlConsolidationRepository repository(pool);
  const absl::Time now = absl::FromUnixSeconds(1735689600);  // 2025-01-01: 2024 is "last 12 months"
  supplier::ConsolidationService service(repository, [now] { return now; });
  common::CallContext call;
  call.caller.team = "bench";
  call.request_id = "bench";
  call.deadline = absl::Now() + absl::Minutes(20);

  v1::PlanConsolidationRequest plan_request;
  plan_request.set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
  plan_request.set_target_count(kKeepersPerBaseSuppliers * scale);
  // Planning changes no supplier data (each run stores a plan of its own): the
  // best of kPlanRuns runs filters out a busy machine's noise.
  // ExecuteConsolidation changes the data and runs once, on the last plan.
  v1::PlanConsolidationResponse planned;
  absl::StatusOr<Cost> plan_cost = BestOf(pool, kPlanRuns, [&] {
    planned.Clear();
    return service.PlanConsolidation(call, plan_request, planned);
  });
  if (!plan_cost.ok()) {
    std::fprintf(stderr, "supplier bench: PlanConsolidation: %s\n",
                 plan_cost.status().ToString().c_str());
    return {};
  }
  const v1::ConsolidationPlan& plan = planned.plan();
  std::printf(
      "  PlanConsolidation    %8.0f ms  best of %d (%d ranked, %d kept, %d retiring, %lld item"
      " mappings, %lld open orders to move; %lld InnoDB page reads)\n",
      plan_cost->ms, kPlanRuns, plan.rankings_size(), plan.keepers_size(),
      plan.retiring_suppliers_size(), static_cast<long long>(plan.item_mapping_count()),
      static_cast<long long>(plan.open_purchase_order_count()),
      static_cast<long long>(plan_cost->page_reads));

  v1::ExecuteConsolidationRequest execute_request;
  execute_request.set_plan(plan.name());
  execute_request.set_request_id(absl::StrCat("bench-", scale));
  v1::ExecuteConsolidationResponse executed;
  absl::StatusOr<Cost> execute = BestOf(
      pool, 1, [&] { return service.ExecuteConsolidation(call, execute_request, executed); });
  if (!execute.ok()) {
    std::fprintf(stderr, "supplier bench: ExecuteConsolidation: %s\n",
                 execute.status().ToString().c_str());
    return {};
  }
  const v1::Consolidation& c = executed.consolidation();
  std::printf(
      "  ExecuteConsolidation %8.0f ms  (%lld orders, %lld contracts, %lld offerings"
      " moved; %d suppliers retired; %.1f us per moved order)\n"
      "                                 %lld InnoDB page reads (%.1f per moved order,"
      " %.0f ns each)\n",
      execute->ms, static_cast<long long>(c.moved_purchase_order_count()),
      static_cast<long long>(c.moved_contract_count()),
      static_cast<long long>(c.moved_offering_count()), c.retired_suppliers_size(),
      1000 * execute->ms / std::max<int64_t>(1, c.moved_purchase_order_count()),
      static_cast<long long>(execute->page_reads),
      static_cast<double>(execute->page_reads) /
          std::max<int64_t>(1, c.moved_purchase_order_count()),
      execute->NsPerPageRead());
  return {*scan, *plan_cost, *execute};
}

// Loads and measures base_scale x then twice that, `rounds` times over, and compares the least
// cost of each size: a load leaves the server busy (flushing, statistics) for
// a while, which on a small machine swings single figures by a third.
bool RunConsolidationScenarios(const common::MySqlOptions& admin, int rounds, int base_scale) {
  SizeCosts best[2];
  for (int round = 1; round <= rounds; ++round) {
    std::printf("round %d of %d\n", round, rounds);
    for (int size = 0; size < 2; ++size) {
      const SizeCosts costs = RunSize(admin, base_scale * (size + 1));
      if (costs.execute.ms <= 0) return false;
      SizeCosts& b = best[size];
      b = round == 1 ? costs
                     : SizeCosts{Least(b.scan, costs.scan), Least(b.plan, costs.plan),
                                 Least(b.execute, costs.execute)};
    }
  }
  auto times = [](const Cost& small, const Cost& large) { return large.ms / small.ms; };
  auto reads = [](const Cost& small, const Cost& large) {
    return static_cast<double>(large.page_reads) / std::max<int64_t>(1, small.page_reads);
  };
  auto per_read = [](const Cost& small, const Cost& large) {
    return large.NsPerPageRead() / small.NsPerPageRead();
  };
  const SizeCosts& s = best[0];
  const SizeCosts& l = best[1];
  std::printf(
      "best of %d rounds: PlanConsolidation %.0f / %.0f ms, ExecuteConsolidation %.0f / %.0f ms,"
      " reference scan %.0f / %.0f ms (%dx / %dx)\n  %dx / %dx: PlanConsolidation %.2fx,"
      " ExecuteConsolidation %.2fx (target <= 2x); the database's own reference scan %.2fx\n"
      "  InnoDB page reads: PlanConsolidation %.2fx, ExecuteConsolidation %.2fx, reference scan"
      " %.2fx; time per page read: %.2fx, %.2fx, %.2fx\n",
      rounds, s.plan.ms, l.plan.ms, s.execute.ms, l.execute.ms, s.scan.ms, l.scan.ms, base_scale,
      2 * base_scale, 2 * base_scale, base_scale, times(s.plan, l.plan),
      times(s.execute, l.execute), times(s.scan, l.scan), reads(s.plan, l.plan),
      reads(s.execute, l.execute), reads(s.scan, l.scan), per_read(s.plan, l.plan),
      per_read(s.execute, l.execute), per_read(s.scan, l.scan));
  return Recreate(admin, /*create=*/false).ok();
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  crm::common::DisableMutexDeadlockDetection();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  const std::vector<crm::common::FlagSpec> specs = {
      {"db_host", "MariaDB host", "127.0.0.1"},
      {"db_port", "MariaDB port", "3306"},
      {"db_user", "user allowed to create the crm_bench_supplier schema", "", true},
      {"db_password_file", "file holding the password", "", true},
      {"rounds", "how many times to load and measure both sizes (the best counts)", "2"},
      {"base_scale", "the smaller size in multiples of the 1x data; the larger is twice it", "1"},
  };
  absl::StatusOr<crm::common::ParsedFlags> flags = crm::common::ParseFlags(
      specs, std::vector<std::string>(argv + 1, argv + argc), crm::common::ProcessEnvironment());
  if (!flags.ok() || flags->help_requested) {
    if (!flags.ok()) std::fprintf(stderr, "crm_consolidation_bench: %s\n", flags.status().ToString().c_str());
    std::fputs(crm::common::FlagsHelp("crm_consolidation_bench", specs).c_str(), stderr);
    return flags.ok() ? 0 : 2;
  }
  const auto& v = flags->values;
  crm::common::MySqlOptions db;
  if (!absl::SimpleAtoi(v.at("db_port"), &db.port)) {
    std::fprintf(stderr, "crm_consolidation_bench: --db_port takes a port number\n");
    return 2;
  }
  db.host = v.at("db_host");
  db.user = v.at("db_user");
  absl::StatusOr<std::string> password =
      crm::common::ReadSecretFile("db_password_file", v.at("db_password_file"));
  if (!password.ok()) {
    std::fprintf(stderr, "crm_consolidation_bench: %s\n", password.status().ToString().c_str());
    return 2;
  }
  db.password = *password;
  int rounds = 0;
  if (!absl::SimpleAtoi(v.at("rounds"), &rounds) || rounds < 1 || rounds > 10) {
    std::fprintf(stderr, "crm_consolidation_bench: --rounds takes 1 to 10\n");
    return 2;
  }
  int base_scale = 0;
  if (!absl::SimpleAtoi(v.at("base_scale"), &base_scale) || base_scale < 1 || base_scale > 4) {
    std::fprintf(stderr, "crm_consolidation_bench: --base_scale takes 1 to 4\n");
    return 2;
  }
  return crm::bench::RunConsolidationScenarios(db, rounds, base_scale) ? 0 : 1;
}
