// ConsolidationService with the MySQL repository. The dataset (category
// COMPONENT, "now" 2025-01-01, so the last 12 months are 2024):
//   K1: offers X @ 10, Y @ 50; delivered X 100 @ 10 (perfect).
//   K2: offers X @ 9,  Z @ 30; delivered X 100 @ 9  (perfect).
//   R1: offers X @ 12, Y @ 55, Z @ 35 (+ a deleted Y offering); delivered X 100 @ 12
//       (half defective, late, rating 1); OPEN order Y 20 @ 55 + Z 5 @ 35; CONFIRMED
//       order X 10 @ 12; CANCELLED order Z 50 @ 35; ACTIVE, DRAFT and EXPIRED contracts.
//   R2: offers X @ 11, W @ 70 (W nobody else offers); delivered W 10 @ 70 (poor);
//       OPEN order W 1 @ 70.
//   T (TECHNOLOGY): an OPEN order; never involved.
// Ranking (0.5 * score + 0.5 * spend share %): K2, K1, R1, R2. With target 2 the
// keepers are K2, K1 and R2 (sole source of W); R1 retires:
//   X → K2 @ 9, Y → K1 @ 50, Z → K2 @ 30;
//   savings = (12-9)*110 + (55-50)*20 + (35-30)*5 = 455.
#include <string>
#include <vector>

#include "common/api/time_util.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/contract.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/consolidation_service.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_consolidation_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/procurement_test_data.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test_data::Delivery;
using test_data::SupplierName;

std::string OfferingName(int64_t id) { return absl::StrCat("offerings/", id); }

class ConsolidationMySqlTest : public ::testing::Test {
 protected:
  ConsolidationMySqlTest()
      : pool_(database_.options()),
        supplier_repository_(pool_),
        suppliers_(supplier_repository_, [this] { return now_; }),
        repository_(pool_),
        service_(repository_, [this] { return now_; }),
        data_(pool_, suppliers_, call_) {
    call_.caller.team = "procurement";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + absl::Seconds(60);
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "supplier_svc", SupplierMigrations()),
                IsOk());
    const auto component = v1::SUPPLIER_CATEGORY_COMPONENT;
    k1_ = data_.Supplier("Keeper One", component);
    k2_ = data_.Supplier("Keeper Two", component);
    r1_ = data_.Supplier(kRetiringName, component);
    r2_ = data_.Supplier("Sole Source W", component);
    t_ = data_.Supplier("Tech Only", v1::SUPPLIER_CATEGORY_TECHNOLOGY);
    k1_x_ = data_.Offering(k1_, "X", 10);
    k1_y_ = data_.Offering(k1_, "Y", 50);
    k2_x_ = data_.Offering(k2_, "X", 9);
    k2_z_ = data_.Offering(k2_, "Z", 30);
    r1_x_ = data_.Offering(r1_, "X", 12);
    r1_y_ = data_.Offering(r1_, "Y", 55);
    r1_z_ = data_.Offering(r1_, "Z", 35);
    r1_deleted_ = data_.Offering(r1_, "Y", 60, /*deleted=*/true);
    data_.Offering(r2_, "X", 11);
    data_.Offering(r2_, "W", 70);
    data_.Order(k1_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-03-01", {{"X", 100, 10}},
                Delivery{"2024-03-05", true, 100, 0, 5});
    data_.Order(k2_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-03-01", {{"X", 100, 9}},
                Delivery{"2024-03-05", true, 100, 0, 5});
    r1_delivered_ = data_.Order(r1_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-03-01",
                                {{"X", 100, 12}}, Delivery{"2024-03-20", false, 50, 50, 1});
    r1_open_ = data_.Order(r1_, v1::PURCHASE_ORDER_STATUS_OPEN, "2024-11-01",
                           {{"Y", 20, 55}, {"Z", 5, 35}});
    r1_confirmed_ =
        data_.Order(r1_, v1::PURCHASE_ORDER_STATUS_CONFIRMED, "2024-11-02", {{"X", 10, 12}});
    r1_cancelled_ =
        data_.Order(r1_, v1::PURCHASE_ORDER_STATUS_CANCELLED, "2024-11-03", {{"Z", 50, 35}});
    data_.Order(r2_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-04-01", {{"W", 10, 70}},
                Delivery{"2024-04-20", false, 5, 5, 1});
    r2_open_ = data_.Order(r2_, v1::PURCHASE_ORDER_STATUS_OPEN, "2024-11-05", {{"W", 1, 70}});
    t_open_ = data_.Order(t_, v1::PURCHASE_ORDER_STATUS_OPEN, "2024-11-05", {{"X", 1, 12}});
    r1_active_ = data_.Contract(r1_, v1::CONTRACT_STATE_ACTIVE);
    r1_draft_ = data_.Contract(r1_, v1::CONTRACT_STATE_DRAFT);
    r1_expired_ = data_.Contract(r1_, v1::CONTRACT_STATE_EXPIRED);
  }

  absl::StatusOr<v1::ConsolidationPlan> Plan(
      int target = 2, std::vector<int64_t> protect = {},
      v1::SupplierCategory category = v1::SUPPLIER_CATEGORY_COMPONENT) {
    v1::PlanConsolidationRequest request;
    request.set_category(category);
    request.set_target_count(target);
    for (int64_t id : protect) request.add_protected_suppliers(SupplierName(id));
    v1::PlanConsolidationResponse response;
    absl::Status status = service_.PlanConsolidation(call_, request, response);
    if (!status.ok()) return status;
    return response.plan();
  }

  absl::StatusOr<v1::Consolidation> Execute(const v1::ConsolidationPlan& plan,
                                            const std::string& request_id) {
    return Execute(plan.name(), request_id);
  }
  absl::StatusOr<v1::Consolidation> Execute(const std::string& plan_name,
                                            const std::string& request_id) {
    v1::ExecuteConsolidationRequest request;
    request.set_plan(plan_name);
    request.set_request_id(request_id);
    v1::ExecuteConsolidationResponse response;
    absl::Status status = service_.ExecuteConsolidation(call_, request, response);
    if (!status.ok()) return status;
    return response.consolidation();
  }

  // Every item mapping of a plan or consolidation, read two per page.
  absl::StatusOr<std::vector<v1::ItemMapping>> Mappings(const std::string& parent,
                                                        const std::string& filter = "") {
    std::vector<v1::ItemMapping> mappings;
    std::string token;
    do {
      v1::ListItemMappingsRequest request;
      request.set_parent(parent);
      request.set_filter(filter);
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListItemMappingsResponse page;
      if (absl::Status s = service_.ListItemMappings(call_, request, page); !s.ok()) return s;
      EXPECT_LE(page.item_mappings_size(), 2);
      mappings.insert(mappings.end(), page.item_mappings().begin(), page.item_mappings().end());
      token = page.next_page_token();
    } while (!token.empty() && mappings.size() < 100);
    return mappings;
  }
  std::vector<std::string> FromOfferings(const std::vector<v1::ItemMapping>& mappings) {
    std::vector<std::string> names;
    for (const v1::ItemMapping& m : mappings) names.push_back(m.from_offering());
    return names;
  }

  int64_t Int(const std::string& query) { return data_.Int(query); }
  int64_t PoSupplier(int64_t po) {
    return Int(absl::StrCat("SELECT supplier_id FROM purchase_orders WHERE id = ", po));
  }
  int64_t ContractSupplier(int64_t id) {
    return Int(absl::StrCat("SELECT supplier_id FROM contracts WHERE id = ", id));
  }
  int64_t OfferingSupplier(int64_t id) {
    return Int(absl::StrCat("SELECT supplier_id FROM offerings WHERE id = ", id));
  }
  // Everything execution may touch, as one comparable figure per table.
  std::vector<int64_t> Snapshot() {
    return {
        Int("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', id, supplier_id, version, total_minor,"
            " IFNULL(original_supplier_id, 0)))), 0) FROM purchase_orders"),
        Int("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', purchase_order_id, line_number,"
            " unit_price_minor, amount_minor, IFNULL(offering_id, 0)))), 0)"
            " FROM purchase_order_lines"),
        Int("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', id, supplier_id, version))), 0)"
            " FROM contracts"),
        Int("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', id, supplier_id, version,"
            " unit_price_minor))), 0) FROM offerings"),
        Int("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', id, status, version))), 0) FROM suppliers"),
        Int("SELECT COUNT(*) FROM consolidations"),
        Int("SELECT COUNT(*) FROM supplier_status_changes"),
    };
  }

  const std::string kRetiringName = "R\xC3\xBC" "ckzug 'GmbH'; -- \xE2\x9C\x93";
  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlSupplierRepository supplier_repository_;
  absl::Time now_ = absl::FromUnixSeconds(1735689600);  // 2025-01-01
  SupplierService suppliers_;
  MySqlConsolidationRepository repository_;
  ConsolidationService service_;
  common::CallContext call_;
  test_data::ProcurementData data_;
  int64_t k1_ = 0, k2_ = 0, r1_ = 0, r2_ = 0, t_ = 0;
  int64_t k1_x_ = 0, k1_y_ = 0, k2_x_ = 0, k2_z_ = 0, r1_x_ = 0, r1_y_ = 0, r1_z_ = 0,
          r1_deleted_ = 0;
  int64_t r1_delivered_ = 0, r1_open_ = 0, r1_confirmed_ = 0, r1_cancelled_ = 0, r2_open_ = 0,
          t_open_ = 0;
  int64_t r1_active_ = 0, r1_draft_ = 0, r1_expired_ = 0;
};

TEST_F(ConsolidationMySqlTest, PlanKeepsTheBestAndTheSoleSource) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  EXPECT_EQ(plan->category(), v1::SUPPLIER_CATEGORY_COMPONENT);
  ASSERT_EQ(plan->rankings_size(), 4);  // T is not in the category
  EXPECT_EQ(plan->rankings(0).supplier(), SupplierName(k2_));
  EXPECT_EQ(plan->rankings(0).rank(), 1);
  EXPECT_EQ(plan->rankings(0).keep_reason(), v1::KEEP_REASON_TOP_RANKED);
  EXPECT_EQ(plan->rankings(1).supplier(), SupplierName(k1_));
  EXPECT_EQ(plan->rankings(1).keep_reason(), v1::KEEP_REASON_TOP_RANKED);
  EXPECT_EQ(plan->rankings(2).supplier(), SupplierName(r1_));
  EXPECT_EQ(plan->rankings(2).supplier_display_name(), kRetiringName);
  EXPECT_EQ(plan->rankings(2).decision(), v1::CONSOLIDATION_DECISION_RETIRE);
  EXPECT_EQ(plan->rankings(2).spend().amount_minor(), 1200 + 1275 + 120);
  EXPECT_EQ(plan->rankings(2).consolidated_into(), SupplierName(k2_));  // takes the most value
  EXPECT_EQ(plan->rankings(3).supplier(), SupplierName(r2_));
  EXPECT_EQ(plan->rankings(3).decision(), v1::CONSOLIDATION_DECISION_KEEP);
  EXPECT_EQ(plan->rankings(3).keep_reason(), v1::KEEP_REASON_SOLE_SOURCE);
  EXPECT_THAT(plan->keepers(), ElementsAre(SupplierName(k2_), SupplierName(k1_), SupplierName(r2_)));
  EXPECT_THAT(plan->retiring_suppliers(), ElementsAre(SupplierName(r1_)));
  EXPECT_FALSE(plan->fingerprint().empty());
  EXPECT_EQ(plan->open_purchase_order_count(), 2);
  EXPECT_EQ(plan->contract_count(), 2);
  EXPECT_EQ(plan->offering_count(), 3);
  EXPECT_THAT(plan->name(), testing::StartsWith("consolidationPlans/"));
  EXPECT_EQ(common::FromProtoTimestamp(plan->expire_time()), now_ + absl::Hours(7 * 24));
  EXPECT_TRUE(plan->consolidation().empty());
}

TEST_F(ConsolidationMySqlTest, PlanMapsItemsToTheCheapestKeeperAndEstimatesSavings) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  EXPECT_EQ(plan->item_mapping_count(), 3);
  EXPECT_EQ(plan->sole_source_item_count(), 2);  // Y and Z
  absl::StatusOr<std::vector<v1::ItemMapping>> mappings = Mappings(plan->name());
  ASSERT_THAT(mappings, IsOk());
  ASSERT_EQ(mappings->size(), 3);
  const v1::ItemMapping& x = (*mappings)[0];
  EXPECT_EQ(x.item(), "X");
  EXPECT_EQ(x.from_supplier(), SupplierName(r1_));
  EXPECT_EQ(x.from_offering(), OfferingName(r1_x_));
  EXPECT_EQ(x.to_supplier(), SupplierName(k2_));
  EXPECT_EQ(x.to_offering(), OfferingName(k2_x_));
  EXPECT_EQ(x.from_unit_price().amount_minor(), 12);
  EXPECT_EQ(x.to_unit_price().amount_minor(), 9);
  EXPECT_EQ(x.annual_quantity(), 110);  // delivered 100 + confirmed 10
  EXPECT_FALSE(x.sole_source());        // K1, K2 and R2 offer X
  const v1::ItemMapping& y = (*mappings)[1];
  EXPECT_EQ(y.item(), "Y");
  EXPECT_EQ(y.to_offering(), OfferingName(k1_y_));
  EXPECT_EQ(y.annual_quantity(), 20);
  EXPECT_TRUE(y.sole_source());  // K1 becomes the only supplier of Y
  const v1::ItemMapping& z = (*mappings)[2];
  EXPECT_EQ(z.to_offering(), OfferingName(k2_z_));
  EXPECT_EQ(z.annual_quantity(), 5);  // the cancelled 50 do not count
  EXPECT_TRUE(z.sole_source());       // of the keepers only K2 offers Z
  EXPECT_EQ(plan->estimated_annual_savings().currency_code(), "EUR");
  EXPECT_EQ(plan->estimated_annual_savings().amount_minor(), 3 * 110 + 5 * 20 + 5 * 5);
  // Planning changes no supplier data; the stored plan reads back as returned.
  EXPECT_EQ(PoSupplier(r1_open_), r1_);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM consolidations"), 0);
  v1::GetConsolidationPlanRequest get;
  get.set_name(plan->name());
  v1::GetConsolidationPlanResponse got;
  ASSERT_THAT(service_.GetConsolidationPlan(call_, get, got), IsOk());
  EXPECT_EQ(got.plan().SerializeAsString(), plan->SerializeAsString());
}

TEST_F(ConsolidationMySqlTest, ProtectedSuppliersAreKept) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan(1, {r1_});
  ASSERT_THAT(plan, IsOk());
  EXPECT_THAT(plan->keepers(), ElementsAre(SupplierName(k2_), SupplierName(r1_), SupplierName(r2_)));
  EXPECT_EQ(plan->rankings(2).keep_reason(), v1::KEEP_REASON_PROTECTED);
  EXPECT_THAT(plan->retiring_suppliers(), ElementsAre(SupplierName(k1_)));
  // K1's Y goes to R1 (the only keeper offering Y), X to K2.
  absl::StatusOr<std::vector<v1::ItemMapping>> mappings = Mappings(plan->name());
  ASSERT_THAT(mappings, IsOk());
  ASSERT_EQ(mappings->size(), 2);
  EXPECT_EQ((*mappings)[1].to_offering(), OfferingName(r1_y_));
}

TEST_F(ConsolidationMySqlTest, PlanValidatesItsInput) {
  v1::PlanConsolidationRequest request;
  v1::PlanConsolidationResponse response;
  request.set_target_count(2);
  absl::Status status = service_.PlanConsolidation(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("category"));
  request.set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
  request.set_target_count(0);
  status = service_.PlanConsolidation(call_, request, response);
  EXPECT_THAT(std::string(status.message()), HasSubstr("target_count"));
  request.set_target_count(1);
  request.add_protected_suppliers("suppliers/x'; DROP TABLE suppliers; --");
  status = service_.PlanConsolidation(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("protected_suppliers[0]"));
}

TEST_F(ConsolidationMySqlTest, ExecuteMovesExactlyTheOpenDocumentsOfTheRetiringSupplier) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::StatusOr<v1::Consolidation> done = Execute(*plan, "exec-1");
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->moved_purchase_order_count(), 2);
  EXPECT_EQ(done->moved_contract_count(), 2);
  EXPECT_EQ(done->moved_offering_count(), 3);
  EXPECT_EQ(done->suppliers_before_count(), 4);
  EXPECT_EQ(done->suppliers_after_count(), 3);
  EXPECT_EQ(done->estimated_annual_savings().amount_minor(), 455);
  EXPECT_THAT(done->retired_suppliers(), ElementsAre(SupplierName(r1_)));
  EXPECT_EQ(done->item_mapping_count(), 3);
  EXPECT_EQ(done->plan(), plan->name());
  EXPECT_EQ(done->actor(), "procurement");
  // The record keeps the plan's mappings; the plan names its execution.
  absl::StatusOr<std::vector<v1::ItemMapping>> applied = Mappings(done->name());
  absl::StatusOr<std::vector<v1::ItemMapping>> planned = Mappings(plan->name());
  ASSERT_THAT(applied, IsOk());
  ASSERT_THAT(planned, IsOk());
  EXPECT_THAT(FromOfferings(*applied),
              ElementsAre(OfferingName(r1_x_), OfferingName(r1_y_), OfferingName(r1_z_)));
  ASSERT_EQ(applied->size(), planned->size());
  for (size_t i = 0; i < applied->size(); ++i) {
    EXPECT_EQ((*applied)[i].SerializeAsString(), (*planned)[i].SerializeAsString());
  }
  v1::GetConsolidationPlanRequest get_plan;
  get_plan.set_name(plan->name());
  v1::GetConsolidationPlanResponse got_plan;
  ASSERT_THAT(service_.GetConsolidationPlan(call_, get_plan, got_plan), IsOk());
  EXPECT_EQ(got_plan.plan().consolidation(), done->name());
  EXPECT_EQ(done->request_id(), "exec-1");

  // The open order goes to the keeper of its first line (Y → K1), re-priced,
  // with the original supplier and prices kept.
  EXPECT_EQ(PoSupplier(r1_open_), k1_);
  const std::string po = absl::StrCat(" FROM purchase_orders WHERE id = ", r1_open_);
  EXPECT_EQ(Int("SELECT original_supplier_id" + po), r1_);
  EXPECT_EQ(Int("SELECT original_supplier_display_name = '" + std::string("R\xC3\xBC") +
                "ckzug ''GmbH''; -- \xE2\x9C\x93'" + po),
            1);
  EXPECT_EQ(Int("SELECT total_minor" + po), 20 * 50 + 5 * 30);
  const std::string line = absl::StrCat(" FROM purchase_order_lines WHERE purchase_order_id = ",
                                        r1_open_, " AND line_number = ");
  EXPECT_EQ(Int("SELECT unit_price_minor" + line + "1"), 50);
  EXPECT_EQ(Int("SELECT original_unit_price_minor" + line + "1"), 55);
  EXPECT_EQ(Int("SELECT offering_id" + line + "1"), k1_y_);
  EXPECT_EQ(Int("SELECT unit_price_minor" + line + "2"), 30);
  EXPECT_EQ(Int("SELECT amount_minor" + line + "2"), 150);
  EXPECT_EQ(Int("SELECT original_unit_price_minor" + line + "2"), 35);
  EXPECT_EQ(PoSupplier(r1_confirmed_), k2_);
  EXPECT_EQ(Int(absl::StrCat("SELECT total_minor FROM purchase_orders WHERE id = ",
                             r1_confirmed_)),
            90);

  // Delivered and cancelled orders stay, at their prices; other suppliers' too.
  EXPECT_EQ(PoSupplier(r1_delivered_), r1_);
  EXPECT_EQ(PoSupplier(r1_cancelled_), r1_);
  EXPECT_EQ(Int(absl::StrCat("SELECT unit_price_minor FROM purchase_order_lines WHERE"
                             " purchase_order_id = ", r1_cancelled_)),
            35);
  EXPECT_EQ(Int(absl::StrCat("SELECT original_supplier_id IS NULL FROM purchase_orders"
                             " WHERE id = ", r1_delivered_)),
            1);
  EXPECT_EQ(PoSupplier(r2_open_), r2_);
  EXPECT_EQ(PoSupplier(t_open_), t_);

  // Active and draft contracts go to the main keeper (K2 takes the most value).
  EXPECT_EQ(ContractSupplier(r1_active_), k2_);
  EXPECT_EQ(ContractSupplier(r1_draft_), k2_);
  EXPECT_EQ(ContractSupplier(r1_expired_), r1_);
  EXPECT_EQ(Int(absl::StrCat("SELECT original_supplier_id FROM contracts WHERE id = ",
                             r1_active_)),
            r1_);

  // Live offerings move at the keeper's price; the deleted one stays.
  EXPECT_EQ(OfferingSupplier(r1_x_), k2_);
  EXPECT_EQ(OfferingSupplier(r1_y_), k1_);
  EXPECT_EQ(OfferingSupplier(r1_z_), k2_);
  EXPECT_EQ(Int(absl::StrCat("SELECT unit_price_minor FROM offerings WHERE id = ", r1_x_)), 9);
  EXPECT_EQ(Int(absl::StrCat("SELECT original_supplier_id FROM offerings WHERE id = ", r1_x_)),
            r1_);
  EXPECT_EQ(OfferingSupplier(r1_deleted_), r1_);
  EXPECT_EQ(OfferingSupplier(k1_x_), k1_);
}

TEST_F(ConsolidationMySqlTest, ExecuteConsolidatesTheRetiringSupplierWithHistory) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::StatusOr<v1::Consolidation> done = Execute(*plan, "exec-1");
  ASSERT_THAT(done, IsOk());
  v1::GetSupplierRequest get;
  get.set_name(SupplierName(r1_));
  v1::GetSupplierResponse got;
  ASSERT_THAT(suppliers_.GetSupplier(call_, get, got), IsOk());
  EXPECT_EQ(got.supplier().status(), v1::SUPPLIER_STATUS_CONSOLIDATED);
  EXPECT_EQ(got.supplier().consolidated_into(), SupplierName(k2_));
  EXPECT_EQ(got.supplier().display_name(), kRetiringName);

  v1::ListSupplierStatusChangesRequest history;
  history.set_parent(SupplierName(r1_));
  v1::ListSupplierStatusChangesResponse changes;
  ASSERT_THAT(suppliers_.ListSupplierStatusChanges(call_, history, changes), IsOk());
  ASSERT_GE(changes.status_changes_size(), 1);
  const v1::SupplierStatusChange& last = changes.status_changes(0);
  EXPECT_EQ(last.from_status(), v1::SUPPLIER_STATUS_ACTIVE);
  EXPECT_EQ(last.to_status(), v1::SUPPLIER_STATUS_CONSOLIDATED);
  EXPECT_EQ(last.consolidation(), done->name());
  EXPECT_EQ(last.consolidated_into(), SupplierName(k2_));

  for (int64_t keeper : {k1_, k2_, r2_}) {
    get.set_name(SupplierName(keeper));
    ASSERT_THAT(suppliers_.GetSupplier(call_, get, got), IsOk());
    EXPECT_EQ(got.supplier().status(), v1::SUPPLIER_STATUS_ACTIVE);
  }
  EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                             done->name(), "'")),
            1);
}

TEST_F(ConsolidationMySqlTest, ReplayReturnsTheSameRecordAndChangesNothing) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::StatusOr<v1::Consolidation> first = Execute(*plan, "exec-1");
  ASSERT_THAT(first, IsOk());
  const std::vector<int64_t> before = Snapshot();
  absl::StatusOr<v1::Consolidation> replay = Execute(*plan, "exec-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Snapshot(), before);
  // The same request_id with another plan is refused.
  absl::StatusOr<v1::ConsolidationPlan> other = Plan(3);
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(Execute(*other, "exec-1").status().code(), absl::StatusCode::kAlreadyExists);
  // The executed plan under a new request_id is refused, naming the execution.
  absl::Status again = Execute(*plan, "exec-2").status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.message()), HasSubstr(first->name()));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ConsolidationMySqlTest, StalePlanIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  // The retiring supplier changes after planning.
  v1::UpdateSupplierRequest update;
  update.mutable_supplier()->set_name(SupplierName(r1_));
  update.mutable_supplier()->set_legal_name("Renamed AG");
  update.mutable_update_mask()->add_paths("legal_name");
  v1::UpdateSupplierResponse updated;
  ASSERT_THAT(suppliers_.UpdateSupplier(call_, update, updated), IsOk());
  const std::vector<int64_t> before = Snapshot();
  absl::StatusOr<v1::Consolidation> done = Execute(*plan, "exec-stale");
  EXPECT_EQ(done.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(done.status().message()), HasSubstr("plan"));
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(PoSupplier(r1_open_), r1_);
  // Planned again, the same data executes.
  absl::StatusOr<v1::ConsolidationPlan> again = Plan();
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(Execute(*again, "exec-stale"), IsOk());
  EXPECT_EQ(PoSupplier(r1_open_), k1_);
}

TEST_F(ConsolidationMySqlTest, ChangedOfferingIsAborted) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  const std::vector<int64_t> before = Snapshot();
  // A keeper's offering the plan maps to changes its price.
  data_.Exec(absl::StrCat("UPDATE offerings SET unit_price_minor = 8, version = version + 1"
                          " WHERE id = ", k2_x_));
  EXPECT_EQ(Execute(*plan, "exec-b").status().code(), absl::StatusCode::kAborted);
  // A new live offering of the retiring supplier.
  absl::StatusOr<v1::ConsolidationPlan> fresh = Plan();
  ASSERT_THAT(fresh, IsOk());
  data_.Offering(r1_, "V", 5);
  EXPECT_EQ(Execute(*fresh, "exec-c").status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM consolidations"), 0);
  EXPECT_EQ(PoSupplier(r1_open_), r1_);
  EXPECT_EQ(Snapshot()[4], before[4]);  // no supplier changed status
}

TEST_F(ConsolidationMySqlTest, ExecuteValidatesThePlan) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::Status status = Execute("", "x").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("plan"));
  status = Execute("consolidationPlans/x'; DROP TABLE suppliers; --", "x").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("consolidationPlans/{id}"));
  status = Execute("consolidationPlans/999", "x").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("consolidationPlans/999"));
  status = Execute(*plan, std::string(200, 'r')).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("request_id"));
  // A plan that keeps everyone has nothing to execute.
  absl::StatusOr<v1::ConsolidationPlan> keep_all = Plan(10);
  ASSERT_THAT(keep_all, IsOk());
  status = Execute(*keep_all, "y").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("retires no supplier"));
  // After its lifetime a plan is refused, however unchanged the data.
  now_ += kConsolidationPlanLifetime + absl::Seconds(1);
  status = Execute(*plan, "z").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("expired"));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM consolidations"), 0);
  EXPECT_EQ(PoSupplier(r1_open_), r1_);
}

TEST_F(ConsolidationMySqlTest, ExpiredPlansAreDeletedByALaterPlan) {
  absl::StatusOr<v1::ConsolidationPlan> old_plan = Plan();
  ASSERT_THAT(old_plan, IsOk());
  now_ += kConsolidationPlanLifetime + absl::Seconds(1);
  absl::StatusOr<v1::ConsolidationPlan> new_plan = Plan();
  ASSERT_THAT(new_plan, IsOk());
  v1::GetConsolidationPlanRequest get;
  get.set_name(old_plan->name());
  v1::GetConsolidationPlanResponse got;
  EXPECT_EQ(service_.GetConsolidationPlan(call_, get, got).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Mappings(old_plan->name()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM consolidation_plan_item_mappings"), 3);  // the new plan's
  EXPECT_THAT(Execute(*new_plan, "exec-new"), IsOk());
}

TEST_F(ConsolidationMySqlTest, ListItemMappingsPagesAndFilters) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::StatusOr<std::vector<v1::ItemMapping>> all = Mappings(plan->name());
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(FromOfferings(*all),
              ElementsAre(OfferingName(r1_x_), OfferingName(r1_y_), OfferingName(r1_z_)));
  absl::StatusOr<std::vector<v1::ItemMapping>> sole = Mappings(plan->name(), "sole_source = true");
  ASSERT_THAT(sole, IsOk());
  EXPECT_THAT(FromOfferings(*sole), ElementsAre(OfferingName(r1_y_), OfferingName(r1_z_)));
  absl::StatusOr<std::vector<v1::ItemMapping>> to_k2 = Mappings(
      plan->name(), absl::StrCat("to_supplier = \"", SupplierName(k2_), "\" AND item != \"X\""));
  ASSERT_THAT(to_k2, IsOk());
  EXPECT_THAT(FromOfferings(*to_k2), ElementsAre(OfferingName(r1_z_)));
  absl::StatusOr<std::vector<v1::ItemMapping>> from_k1 =
      Mappings(plan->name(), absl::StrCat("from_supplier = \"", SupplierName(k1_), "\""));
  ASSERT_THAT(from_k1, IsOk());
  EXPECT_TRUE(from_k1->empty());

  v1::ListItemMappingsRequest request;
  v1::ListItemMappingsResponse page;
  request.set_parent("suppliers/1");
  absl::Status status = service_.ListItemMappings(call_, request, page);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("parent"));
  request.set_parent("consolidations/999");
  EXPECT_EQ(service_.ListItemMappings(call_, request, page).code(), absl::StatusCode::kNotFound);
  request.set_parent(plan->name());
  request.set_filter("price = 3");
  status = service_.ListItemMappings(call_, request, page);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("price"));
  request.set_filter("");
  request.set_page_size(1);
  ASSERT_THAT(service_.ListItemMappings(call_, request, page), IsOk());
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  request.set_filter("sole_source = true");  // a token is bound to its filter
  status = service_.ListItemMappings(call_, request, page);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_token"));
  request.set_filter("");
  request.set_page_size(-1);
  status = service_.ListItemMappings(call_, request, page);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_size"));
}

TEST_F(ConsolidationMySqlTest, GetAndListConsolidations) {
  absl::StatusOr<v1::ConsolidationPlan> plan = Plan();
  ASSERT_THAT(plan, IsOk());
  absl::StatusOr<v1::Consolidation> first = Execute(*plan, "exec-1");
  ASSERT_THAT(first, IsOk());
  // A second consolidation in another category: M2 retires into M1 (equal
  // ranks: the lower id first).
  now_ += absl::Hours(1);
  const int64_t m1 = data_.Supplier("Metal One", v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  const int64_t m2 = data_.Supplier("Metal Two", v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  data_.Offering(m1, "Q", 5);
  data_.Offering(m2, "Q", 6);
  absl::StatusOr<v1::ConsolidationPlan> second_plan =
      Plan(1, {}, v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  ASSERT_THAT(second_plan, IsOk());
  absl::StatusOr<v1::Consolidation> second = Execute(*second_plan, "exec-2");
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(second->retired_suppliers(), ElementsAre(SupplierName(m2)));
  EXPECT_EQ(second->moved_offering_count(), 1);

  v1::GetConsolidationRequest get;
  get.set_name(first->name());
  v1::GetConsolidationResponse got;
  ASSERT_THAT(service_.GetConsolidation(call_, get, got), IsOk());
  EXPECT_EQ(got.consolidation().SerializeAsString(), first->SerializeAsString());
  get.set_name("consolidations/999");
  EXPECT_EQ(service_.GetConsolidation(call_, get, got).code(), absl::StatusCode::kNotFound);
  get.set_name("suppliers/1");
  EXPECT_EQ(service_.GetConsolidation(call_, get, got).code(),
            absl::StatusCode::kInvalidArgument);

  std::vector<std::string> names;
  std::string token;
  do {
    v1::ListConsolidationsRequest list;
    list.set_page_size(1);
    list.set_page_token(token);
    v1::ListConsolidationsResponse page;
    ASSERT_THAT(service_.ListConsolidations(call_, list, page), IsOk());
    for (const v1::Consolidation& c : page.consolidations()) names.push_back(c.name());
    token = page.next_page_token();
  } while (!token.empty() && names.size() < 5);
  EXPECT_THAT(names, ElementsAre(second->name(), first->name()));  // newest first

  v1::ListConsolidationsRequest list;
  list.set_filter(absl::StrCat("retired_suppliers = \"", SupplierName(r1_), "\""));
  v1::ListConsolidationsResponse page;
  ASSERT_THAT(service_.ListConsolidations(call_, list, page), IsOk());
  ASSERT_EQ(page.consolidations_size(), 1);
  EXPECT_EQ(page.consolidations(0).name(), first->name());
  list.set_filter(absl::StrCat("keepers = \"", SupplierName(k1_), "\" AND category = COMPONENT"));
  page.Clear();
  ASSERT_THAT(service_.ListConsolidations(call_, list, page), IsOk());
  ASSERT_EQ(page.consolidations_size(), 1);
  EXPECT_EQ(page.consolidations(0).name(), first->name());
  list.set_filter("execute_time > \"2030-01-01T00:00:00Z\"");
  page.Clear();
  ASSERT_THAT(service_.ListConsolidations(call_, list, page), IsOk());
  EXPECT_EQ(page.consolidations_size(), 0);
  list.set_filter("owner = \"x\"");
  EXPECT_EQ(service_.ListConsolidations(call_, list, page).code(),
            absl::StatusCode::kInvalidArgument);
  list.set_filter("");
  list.set_page_token("not-a-token");
  absl::Status status = service_.ListConsolidations(call_, list, page);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_token"));
}

}  // namespace
}  // namespace crm::supplier
