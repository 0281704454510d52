// The real supplier_svc binary plans and executes a consolidation with 40,000
// item mappings over gRPC. Sent in one message those mappings alone would be
// about 4 MB, which is gRPC's default message limit. So the plan is stored
// server-side: PlanConsolidation returns its name and counts,
// ListItemMappings pages the mappings, and ExecuteConsolidation takes the name.
#include <grpcpp/create_channel.h>

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/consolidation_service.grpc.pb.h"
#include "crm/supplier/v1/offering_service.grpc.pb.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/supplier_svc/e2e/active_supplier.h"
#include "tests/supplier_svc/e2e/price_list.h"
#include "tests/support/service_under_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;

constexpr char kReaderToken[] = "consolidation-e2e-reader-token";
constexpr char kWriterToken[] = "consolidation-e2e-writer-token";
constexpr int kItems = 20000;  // per supplier; two retiring suppliers map 40,000
constexpr int kPageSize = 1000;

grpc::ClientContext* Authorized(grpc::ClientContext& context, const std::string& token) {
  return test_support::Authorized(context, token, absl::Minutes(2));
}

class ConsolidationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(service_.Start(SUPPLIER_SVC_PATH, "crm_supplier",
                               {{kReaderToken, "finance", "suppliers.read"},
                                {kWriterToken, "procurement", "suppliers.read,suppliers.write"}}),
                IsOk());
    suppliers_ = v1::SupplierService::NewStub(service_.channel());
    offerings_ = v1::OfferingService::NewStub(service_.channel());
    consolidations_ = v1::ConsolidationService::NewStub(service_.channel());
    pool_ = std::make_unique<common::MySqlPool>(service_.database().options("crm_supplier"));
  }

  void TearDown() override {
    pool_.reset();
    EXPECT_THAT(service_.Stop(), IsOk());
  }

  std::string ActiveSupplier(const std::string& display_name) {
    return e2e_support::ActiveSupplier(*suppliers_, kWriterToken, display_name);
  }

  void PriceList(const std::string& supplier, int64_t price) {
    e2e_support::PriceList(*pool_, supplier, kItems, price);
  }

  // Every mapping of `parent` (a plan or a consolidation) matching `filter`,
  // a page at a time; checks that every page fits its size.
  std::set<std::string> FromOfferings(const std::string& parent, const std::string& filter = "") {
    std::set<std::string> from;
    std::string token;
    int pages = 0;
    do {
      grpc::ClientContext context;
      v1::ListItemMappingsRequest request;
      request.set_parent(parent);
      request.set_filter(filter);
      request.set_page_size(kPageSize);
      request.set_page_token(token);
      v1::ListItemMappingsResponse page;
      grpc::Status status =
          consolidations_->ListItemMappings(Authorized(context, kReaderToken), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.item_mappings_size(), kPageSize);
      for (const v1::ItemMapping& m : page.item_mappings()) from.insert(m.from_offering());
      token = page.next_page_token();
    } while (!token.empty() && ++pages < 100);
    return from;
  }

  test_support::ServiceUnderTest service_;
  std::unique_ptr<common::MySqlPool> pool_;
  std::unique_ptr<v1::SupplierService::Stub> suppliers_;
  std::unique_ptr<v1::OfferingService::Stub> offerings_;
  std::unique_ptr<v1::ConsolidationService::Stub> consolidations_;
};

TEST_F(ConsolidationE2eTest, PlansPagesAndExecutesFortyThousandMappingsOverGrpc) {
  const std::string keeper = ActiveSupplier("Keeper Components");  // first: wins the tie
  const std::string second = ActiveSupplier("Second Components");
  const std::string third = ActiveSupplier("Third Components");
  PriceList(keeper, 90);
  PriceList(second, 100);
  PriceList(third, 110);

  grpc::ClientContext plan_context;
  v1::PlanConsolidationRequest plan_request;
  plan_request.set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
  plan_request.set_target_count(1);
  v1::PlanConsolidationResponse planned;
  grpc::Status status = consolidations_->PlanConsolidation(
      Authorized(plan_context, kReaderToken), plan_request, &planned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::ConsolidationPlan& plan = planned.plan();
  EXPECT_THAT(plan.keepers(), testing::ElementsAre(keeper));
  EXPECT_EQ(plan.retiring_suppliers_size(), 2);
  EXPECT_EQ(plan.item_mapping_count(), 2 * kItems);
  EXPECT_EQ(plan.sole_source_item_count(), 2 * kItems);  // only the keeper is left
  EXPECT_EQ(plan.offering_count(), 2 * kItems);
  EXPECT_LT(planned.ByteSizeLong(), 4096u);  // names and counts, not the mappings

  const std::set<std::string> planned_from = FromOfferings(plan.name());
  EXPECT_EQ(planned_from.size(), static_cast<size_t>(2 * kItems));
  EXPECT_EQ(FromOfferings(plan.name(), absl::StrCat("from_supplier = \"", third, "\"")).size(),
            static_cast<size_t>(kItems));

  // A read-only team may plan, not execute.
  v1::ExecuteConsolidationRequest execute;
  execute.set_plan(plan.name());
  execute.set_request_id("e2e-consolidation-1");
  v1::ExecuteConsolidationResponse executed;
  grpc::ClientContext denied_context;
  status = consolidations_->ExecuteConsolidation(Authorized(denied_context, kReaderToken), execute,
                                                 &executed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext execute_context;
  status = consolidations_->ExecuteConsolidation(Authorized(execute_context, kWriterToken), execute,
                                                 &executed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Consolidation& record = executed.consolidation();
  EXPECT_EQ(record.plan(), plan.name());
  EXPECT_EQ(record.item_mapping_count(), 2 * kItems);
  EXPECT_EQ(record.moved_offering_count(), 2 * kItems);
  EXPECT_EQ(record.suppliers_after_count(), 1);
  EXPECT_EQ(FromOfferings(record.name()), planned_from);

  // A moved offering now belongs to the keeper, at the keeper's price.
  grpc::ClientContext offering_context;
  v1::GetOfferingRequest get_offering;
  get_offering.set_name(*planned_from.begin());
  v1::GetOfferingResponse offering;
  status = offerings_->GetOffering(Authorized(offering_context, kReaderToken), get_offering,
                                   &offering);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(offering.offering().supplier(), keeper);
  EXPECT_EQ(offering.offering().unit_price().amount_minor(), 90);

  // The replay returns the same record; the plan names its execution.
  grpc::ClientContext replay_context;
  v1::ExecuteConsolidationResponse replayed;
  status = consolidations_->ExecuteConsolidation(Authorized(replay_context, kWriterToken), execute,
                                                 &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replayed.SerializeAsString(), executed.SerializeAsString());
  grpc::ClientContext get_plan_context;
  v1::GetConsolidationPlanRequest get_plan;
  get_plan.set_name(plan.name());
  v1::GetConsolidationPlanResponse got_plan;
  status = consolidations_->GetConsolidationPlan(Authorized(get_plan_context, kReaderToken),
                                                 get_plan, &got_plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got_plan.plan().consolidation(), record.name());
}

}  // namespace
}  // namespace crm::supplier
