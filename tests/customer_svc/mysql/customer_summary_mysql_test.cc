// GetCustomerSummary (CustomerSummaryService) with the MySQL repository: counts
// of live customers per stage and tier and the revenue of their purchases of
// the last 12 months, computed from stored rows.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/customer_summary.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::HasSubstr;

class CustomerSummaryMySqlTest : public ::testing::Test {
 protected:
  CustomerSummaryMySqlTest()
      : pool_(database_.options()),
        repository_(pool_),
        service_(repository_, [this] { return now_; }),
        summary_(repository_, [this] { return now_; }) {
    call_.caller.team = "sales";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + absl::Seconds(30);
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                IsOk());
  }

  v1::Customer Create(const std::string& display_name, v1::Tier tier,
                      v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_LEAD) {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->set_tier(tier);
    request.mutable_customer()->set_lifecycle_stage(stage);
    v1::CreateCustomerResponse response;
    absl::Status status = service_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.customer();
  }

  // A purchase row as the purchase repository stores it (V005).
  void Purchase(const v1::Customer& customer, int64_t amount_minor, const std::string& currency,
                const std::string& purchase_time, int state = 2, bool deleted = false) {
    const std::string id = customer.name().substr(customer.name().find('/') + 1);
    ASSERT_THAT(
        test_support::ExecuteSql(
            pool_,
            absl::StrCat(
                "INSERT INTO purchases (customer_id, order_reference, sku, description, quantity, "
                "unit_price_minor, amount_minor, currency, price_rule_kind, price_rule, "
                "price_rule_description, purchase_time, state, supplier_id, version, "
                "create_time, update_time, delete_time) VALUES (",
                id, ", 'SO-1', 'SKU-1', 'thing', 1, ", amount_minor, ", ", amount_minor, ", '",
                currency, "', 0, '', '', '", purchase_time, "', ", state, ", 1, 1, '",
                purchase_time, "', '", purchase_time, "', ",
                deleted ? absl::StrCat("'", purchase_time, "'") : "NULL", ")")),
        IsOk());
  }

  v1::CustomerSummary Summary(const std::string& filter = "") {
    v1::GetCustomerSummaryRequest request;
    request.set_filter(filter);
    v1::GetCustomerSummaryResponse response;
    absl::Status status = summary_.GetCustomerSummary(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.summary();
  }

  static int64_t StageCount(const v1::CustomerSummary& summary, v1::LifecycleStage stage) {
    for (const v1::LifecycleStageCount& count : summary.stage_counts()) {
      if (count.stage() == stage) return count.count();
    }
    return -1;
  }
  static int64_t TierCount(const v1::CustomerSummary& summary, v1::Tier tier) {
    for (const v1::TierCount& count : summary.tier_counts()) {
      if (count.tier() == tier) return count.count();
    }
    return -1;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlCustomerRepository repository_;
  absl::Time now_ = absl::FromUnixSeconds(1735689600);  // 2025-01-01 00:00:00 UTC
  CustomerService service_;
  CustomerSummaryService summary_;
  common::CallContext call_;
};

TEST_F(CustomerSummaryMySqlTest, EmptyDatabaseListsEveryStageAndTierWithZero) {
  v1::CustomerSummary summary = Summary();
  EXPECT_EQ(summary.customer_count(), 0);
  ASSERT_EQ(summary.stage_counts_size(), 6);
  EXPECT_EQ(summary.stage_counts(0).stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(summary.stage_counts(5).stage(), v1::LIFECYCLE_STAGE_WON_BACK);
  ASSERT_EQ(summary.tier_counts_size(), 4);
  EXPECT_EQ(summary.tier_counts(3).tier(), v1::TIER_PLATINUM);
  EXPECT_EQ(summary.revenue_amounts_size(), 0);
}

TEST_F(CustomerSummaryMySqlTest, CountsLiveCustomersByStageAndTierAndSumsRecentRevenue) {
  v1::Customer gold_active = Create("Gold Active", v1::TIER_GOLD, v1::LIFECYCLE_STAGE_ACTIVE);
  v1::Customer gold_lead = Create("Gold Lead", v1::TIER_GOLD);
  v1::Customer standard = Create("Standard", v1::TIER_STANDARD, v1::LIFECYCLE_STAGE_PROSPECT);
  v1::Customer gone = Create("Deleted", v1::TIER_GOLD);
  {
    v1::DeleteCustomerRequest request;
    request.set_name(gone.name());
    v1::DeleteCustomerResponse response;
    ASSERT_THAT(service_.DeleteCustomer(call_, request, response), IsOk());
  }
  Purchase(gold_active, 10000, "EUR", "2024-06-01 10:00:00");
  Purchase(gold_lead, 2550, "EUR", "2024-12-31 23:59:59");
  Purchase(standard, 700, "USD", "2024-01-01 00:00:00");       // exactly 12 months back: counts
  Purchase(standard, 900, "USD", "2023-12-31 23:59:59");       // older than 12 months
  Purchase(gold_active, 5000, "EUR", "2024-07-01 00:00:00", 3);  // cancelled
  Purchase(gold_active, 6000, "EUR", "2024-07-01 00:00:00", 4);  // returned
  Purchase(gold_active, 7000, "EUR", "2024-07-01 00:00:00", 2, /*deleted=*/true);
  Purchase(gold_lead, 4000, "EUR", "2024-08-01 00:00:00", 1);  // open: counts
  Purchase(gone, 99999, "EUR", "2024-08-01 00:00:00");         // customer deleted

  v1::CustomerSummary all = Summary();
  EXPECT_EQ(all.customer_count(), 3);
  EXPECT_EQ(StageCount(all, v1::LIFECYCLE_STAGE_ACTIVE), 1);
  EXPECT_EQ(StageCount(all, v1::LIFECYCLE_STAGE_LEAD), 1);
  EXPECT_EQ(StageCount(all, v1::LIFECYCLE_STAGE_PROSPECT), 1);
  EXPECT_EQ(StageCount(all, v1::LIFECYCLE_STAGE_CHURNED), 0);
  EXPECT_EQ(TierCount(all, v1::TIER_GOLD), 2);
  EXPECT_EQ(TierCount(all, v1::TIER_STANDARD), 1);
  EXPECT_EQ(TierCount(all, v1::TIER_SILVER), 0);
  ASSERT_EQ(all.revenue_amounts_size(), 2);
  EXPECT_EQ(all.revenue_amounts(0).currency_code(), "EUR");
  EXPECT_EQ(all.revenue_amounts(0).amount_minor(), 10000 + 2550 + 4000);
  EXPECT_EQ(all.revenue_amounts(1).currency_code(), "USD");
  EXPECT_EQ(all.revenue_amounts(1).amount_minor(), 700);

  v1::CustomerSummary gold = Summary("tier = GOLD");
  EXPECT_EQ(gold.customer_count(), 2);
  EXPECT_EQ(TierCount(gold, v1::TIER_STANDARD), 0);
  ASSERT_EQ(gold.revenue_amounts_size(), 1);
  EXPECT_EQ(gold.revenue_amounts(0).amount_minor(), 16550);
}

TEST_F(CustomerSummaryMySqlTest, UnknownFilterFieldIsInvalidArgument) {
  v1::GetCustomerSummaryRequest request;
  request.set_filter("shoe_size = 42");
  v1::GetCustomerSummaryResponse response;
  absl::Status status = summary_.GetCustomerSummary(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("shoe_size"));
}

}  // namespace
}  // namespace crm::customer
