// The real supplier_svc binary through the faults a deployment sees: its
// database stopped or crashed and started again under it, and the service
// itself killed in the middle of a consolidation.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/consolidation_service.grpc.pb.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/supplier_svc/e2e/active_supplier.h"
#include "tests/supplier_svc/e2e/price_list.h"
#include "tests/support/database_outage.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::crm::test_support::QueryInt;

constexpr char kWriterToken[] = "faults-e2e-writer-token";
constexpr int kItems = 2000;  // per supplier
// How long the execution may take to reach the held lock, and the killed
// one to be rolled back: far below any hang.
constexpr absl::Duration kNoticed = absl::Seconds(20);
// InnoDB refreshes what information_schema.INNODB_TRX shows only once it has
// not been read for 100 ms: polled faster, it never changes.
constexpr absl::Duration kTransactionPoll = absl::Milliseconds(200);

grpc::ClientContext* Authorized(grpc::ClientContext& context) {
  return test_support::Authorized(context, kWriterToken, absl::Minutes(1));
}

class FaultsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(SUPPLIER_SVC_PATH, "crm_supplier",
                               {{kWriterToken, "procurement", "suppliers.read,suppliers.write"}}),
                IsOk());
    suppliers_ = v1::SupplierService::NewStub(service_.channel());
    consolidations_ = v1::ConsolidationService::NewStub(service_.channel());
    common::MySqlOptions options = service_.database().options("crm_supplier");
    options.pool_size = 2;
    pool_ = std::make_unique<common::MySqlPool>(options);
  }

  void TearDown() override {
    pool_.reset();
    EXPECT_THAT(service_.Stop(), IsOk());
  }

  grpc::Status GetSupplier(const std::string& name, v1::Supplier* supplier = nullptr) {
    grpc::ClientContext context;
    v1::GetSupplierRequest request;
    request.set_name(name);
    v1::GetSupplierResponse response;
    grpc::Status status = suppliers_->GetSupplier(Authorized(context), request, &response);
    if (supplier != nullptr) *supplier = response.supplier();
    return status;
  }

  grpc::Status CreateSupplier(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateSupplierRequest request;
    request.set_request_id(request_id);
    request.mutable_supplier()->set_display_name("Restart Proof Metals");
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
    v1::CreateSupplierResponse response;
    grpc::Status status = suppliers_->CreateSupplier(Authorized(context), request, &response);
    *name = response.supplier().name();
    return status;
  }

  // Runs `count_query` until it returns `expected` or kNoticed has passed;
  // the last count (-1 when the query failed).
  int64_t CountReaches(const std::string& count_query, int64_t expected) {
    int64_t count = -1;
    for (const absl::Time until = absl::Now() + kNoticed; absl::Now() < until;) {
      count = QueryInt(*pool_, count_query).value_or(-1);
      if (count == expected || count < 0) break;
      absl::SleepFor(kTransactionPoll);
    }
    return count;
  }

  // InnoDB's open transactions, one line each, for a failure message.
  std::string Transactions() {
    absl::StatusOr<common::PooledConnection> c = pool_->Acquire();
    if (!c.ok()) return c.status().ToString();
    std::unique_ptr<sql::Statement> statement((*c)->createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
        "SELECT trx_mysql_thread_id, trx_state, trx_rows_modified, IFNULL(trx_query, '')"
        " FROM information_schema.INNODB_TRX"));
    std::string text;
    while (rows->next()) {
      absl::StrAppend(&text, "\n  session ", rows->getInt64(1), ": ", rows->getString(2).asStdString(),
                      ", ", rows->getInt64(3), " rows modified, ", rows->getString(4).asStdString());
    }
    return text;
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<common::MySqlPool> pool_;
  std::unique_ptr<v1::SupplierService::Stub> suppliers_;
  std::unique_ptr<v1::ConsolidationService::Stub> consolidations_;
};

TEST_F(FaultsE2eTest, ServesAgainAfterItsDatabaseRestartsOrCrashesWithoutLosingARow) {
  std::string first;
  ASSERT_TRUE(CreateSupplier("created-before-the-faults", &first).ok());
  const test_support::OutageProbes probes{
      .read = [&] { return GetSupplier(first); },
      .create = [&](const std::string& request_id,
                    std::string* name) { return CreateSupplier(request_id, name); }};
  for (const bool crash : {false, true}) {
    test_support::ExpectServesThroughDatabaseOutage(service_, crash, probes);
  }
  // The one from before and one per outage: none lost, none doubled, none
  // written while the database was down.
  EXPECT_EQ(QueryInt(*pool_, "SELECT COUNT(*) FROM suppliers").value_or(-1), 3);
}

TEST_F(FaultsE2eTest, AServiceKilledMidConsolidationChangesNothingAndTheRetryExecutesOnce) {
  const std::string keeper = e2e_support::ActiveSupplier(*suppliers_, kWriterToken, "Keeper Parts");
  const std::string second = e2e_support::ActiveSupplier(*suppliers_, kWriterToken, "Second Parts");
  const std::string third = e2e_support::ActiveSupplier(*suppliers_, kWriterToken, "Third Parts");
  e2e_support::PriceList(*pool_, keeper, kItems, 90);
  e2e_support::PriceList(*pool_, second, kItems, 100);
  e2e_support::PriceList(*pool_, third, kItems, 110);

  grpc::ClientContext plan_context;
  v1::PlanConsolidationRequest plan_request;
  plan_request.set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
  plan_request.set_target_count(1);
  v1::PlanConsolidationResponse planned;
  grpc::Status status =
      consolidations_->PlanConsolidation(Authorized(plan_context), plan_request, &planned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(planned.plan().retiring_suppliers_size(), 2);

  // A transaction of the test's own holds every supplier status change and
  // the gaps after them (REPEATABLE READ next-key locks), so the execution
  // stops at its status history insert: after it has moved the offerings and
  // written its record, before it can commit.
  absl::StatusOr<common::PooledConnection> acquired = pool_->Acquire();
  ASSERT_THAT(acquired, IsOk());
  std::optional<common::PooledConnection> blocker(*std::move(acquired));
  sql::Connection& lock = **blocker;
  test_support::Execute(lock, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  lock.setAutoCommit(false);
  test_support::Execute(lock, "SELECT COUNT(*) FROM supplier_status_changes FOR UPDATE");
  const int64_t lock_session = test_support::ConnectionId(lock);

  v1::ExecuteConsolidationRequest execute;
  execute.set_plan(planned.plan().name());
  execute.set_request_id("killed-mid-consolidation");
  grpc::Status killed_call;
  std::jthread caller([&] {
    grpc::ClientContext context;
    v1::ExecuteConsolidationResponse ignored;
    killed_call = consolidations_->ExecuteConsolidation(Authorized(context), execute, &ignored);
  });
  const std::string waiting = absl::StrCat(
      "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
      " AND trx_rows_modified >= ",
      2 * kItems, " AND trx_mysql_thread_id <> ", lock_session);
  ASSERT_EQ(CountReaches(waiting, 1), 1)
      << "the execution never reached the held lock; transactions:" << Transactions();

  ASSERT_THAT(service_.Kill(), IsOk());
  caller.join();
  EXPECT_EQ(killed_call.error_code(), grpc::StatusCode::UNAVAILABLE)
      << killed_call.error_message();
  // Released, the dead client's transaction runs to its next statement,
  // which no one sends: the server rolls it back when it sees the closed
  // connection.
  lock.rollback();
  blocker->MarkBroken();  // its session settings are the test's own
  blocker.reset();
  ASSERT_EQ(CountReaches(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 0", 0),
            0)
      << "the killed execution was never rolled back; transactions:" << Transactions();

  // Nothing of the execution is left: no record, no mapping, every offering
  // with its own supplier, the plan not executed.
  EXPECT_EQ(QueryInt(*pool_, "SELECT COUNT(*) FROM consolidations").value_or(-1), 0);
  EXPECT_EQ(QueryInt(*pool_, "SELECT COUNT(*) FROM consolidation_item_mappings").value_or(-1), 0);
  EXPECT_EQ(QueryInt(*pool_, absl::StrCat("SELECT COUNT(*) FROM offerings WHERE supplier_id = ",
                                            e2e_support::SupplierId(third),
                                            " AND original_supplier_id IS NULL")).value_or(-1), kItems);
  EXPECT_EQ(QueryInt(*pool_, "SELECT COUNT(*) FROM consolidation_plans"
                               " WHERE consolidation_id IS NOT NULL").value_or(-1), 0);

  ASSERT_THAT(service_.Restart(), IsOk());
  v1::Supplier retiring;
  ASSERT_TRUE(GetSupplier(second, &retiring).ok());
  EXPECT_EQ(retiring.status(), v1::SUPPLIER_STATUS_ACTIVE);

  // The retry with the same request_id executes the plan, once.
  grpc::ClientContext retry_context;
  v1::ExecuteConsolidationResponse executed;
  status = consolidations_->ExecuteConsolidation(Authorized(retry_context), execute, &executed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(executed.consolidation().moved_offering_count(), 2 * kItems);
  grpc::ClientContext replay_context;
  v1::ExecuteConsolidationResponse replayed;
  status = consolidations_->ExecuteConsolidation(Authorized(replay_context), execute, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replayed.SerializeAsString(), executed.SerializeAsString());
  ASSERT_TRUE(GetSupplier(second, &retiring).ok());
  EXPECT_EQ(retiring.status(), v1::SUPPLIER_STATUS_CONSOLIDATED);
  EXPECT_EQ(retiring.consolidated_into(), keeper);
  EXPECT_EQ(QueryInt(*pool_, "SELECT COUNT(*) FROM consolidations").value_or(-1), 1);
}

}  // namespace
}  // namespace crm::supplier
