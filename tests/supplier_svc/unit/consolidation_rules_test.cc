// Consolidation planning rules without a database: ranking, keepers
// (top-ranked, protected, sole source), item mappings, savings, the plan
// fingerprint and the choice of consolidated_into.
#include "supplier_svc/domain/consolidation_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::supplier {
namespace {

using ::testing::ElementsAre;

PlanSupplier Candidate(int64_t id, int score, int share_bp,
                       v1::SupplierStatus status = v1::SUPPLIER_STATUS_ACTIVE) {
  PlanSupplier s;
  s.id = id;
  s.version = 1;
  s.status = status;
  s.scorecard.set_overall_score(score);
  s.scorecard.set_spend_share_basis_points(share_bp);
  s.scorecard.mutable_spend()->set_currency_code("EUR");
  s.scorecard.mutable_spend()->set_amount_minor(share_bp);
  return s;
}

PlanOffering Offer(int64_t id, int64_t supplier, const std::string& item, int64_t price) {
  return PlanOffering{id, supplier, 1, item, "EUR", price};
}

std::string S(int64_t id) { return "suppliers/" + std::to_string(id); }

TEST(ConsolidationPlanTest, RanksByScoreAndSpendShareAndKeepsTheTarget) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 50, 1000), Candidate(2, 90, 1000), Candidate(3, 50, 4000)};
  in.offerings = {Offer(10, 1, "X", 5), Offer(20, 2, "X", 6), Offer(30, 3, "X", 7)};
  const BuiltPlan built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {},
                                                 absl::FromUnixSeconds(0));
  // rank values: 2 → 45 + 5, 3 → 25 + 20, 1 → 25 + 5
  ASSERT_EQ(built.plan.rankings_size(), 3);
  EXPECT_EQ(built.plan.rankings(0).supplier(), S(2));
  EXPECT_EQ(built.plan.rankings(1).supplier(), S(3));
  EXPECT_EQ(built.plan.rankings(2).supplier(), S(1));
  EXPECT_THAT(built.plan.keepers(), ElementsAre(S(2)));
  EXPECT_THAT(built.plan.retiring_suppliers(), ElementsAre(S(3), S(1)));
}

TEST(ConsolidationPlanTest, OnHoldIsNeverKeptForItsRankButProtectedIs) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 100, 9000, v1::SUPPLIER_STATUS_ON_HOLD), Candidate(2, 10, 500),
                  Candidate(3, 5, 500)};
  in.offerings = {Offer(10, 1, "X", 5), Offer(20, 2, "X", 6), Offer(30, 3, "X", 7)};
  BuiltPlan built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {},
                                           absl::FromUnixSeconds(0));
  EXPECT_THAT(built.plan.keepers(), ElementsAre(S(2)));
  built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {3},
                                 absl::FromUnixSeconds(0));
  EXPECT_THAT(built.plan.keepers(), ElementsAre(S(2), S(3)));
  EXPECT_EQ(built.plan.rankings(2).keep_reason(), v1::KEEP_REASON_PROTECTED);
}

TEST(ConsolidationPlanTest, SoleSourceSuppliersAreKeptAndCoverLaterOnes) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 90, 0), Candidate(2, 50, 0), Candidate(3, 40, 0)};
  // Only 2 and 3 offer Y; keeping 2 (better ranked) lets 3's Y go to 2.
  in.offerings = {Offer(10, 1, "X", 5), Offer(20, 2, "Y", 9), Offer(30, 3, "Y", 8),
                  Offer(31, 3, "X", 4)};
  const BuiltPlan built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {},
                                                 absl::FromUnixSeconds(0));
  EXPECT_THAT(built.plan.keepers(), ElementsAre(S(1), S(2)));
  EXPECT_EQ(built.plan.rankings(1).keep_reason(), v1::KEEP_REASON_SOLE_SOURCE);
  EXPECT_THAT(built.plan.retiring_suppliers(), ElementsAre(S(3)));
  ASSERT_EQ(built.item_mappings.size(), 2);
  EXPECT_EQ(built.item_mappings[0].to_offering(), "offerings/20");  // Y → 2
  EXPECT_TRUE(built.item_mappings[0].sole_source());
  EXPECT_EQ(built.item_mappings[1].to_offering(), "offerings/10");  // X → 1
  EXPECT_TRUE(built.item_mappings[1].sole_source());                // only 1 offers X
  EXPECT_EQ(built.plan.item_mapping_count(), 2);
  EXPECT_EQ(built.plan.sole_source_item_count(), 2);
}

TEST(ConsolidationPlanTest, CheapestKeeperWinsAndSavingsUseTheAnnualVolumeOnce) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 90, 0), Candidate(2, 80, 0), Candidate(3, 10, 0)};
  in.offerings = {Offer(10, 1, "X", 9), Offer(20, 2, "X", 7), Offer(21, 2, "Z", 7),
                  Offer(22, 1, "Z", 7), Offer(30, 3, "X", 10), Offer(31, 3, "X", 12),
                  Offer(32, 3, "Z", 8)};
  in.quantities[{3, "X", "EUR"}] = 100;
  in.quantities[{3, "Z", "EUR"}] = 10;
  const BuiltPlan built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 2, {},
                                                 absl::FromUnixSeconds(0));
  ASSERT_EQ(built.item_mappings.size(), 3);
  EXPECT_EQ(built.item_mappings[0].to_offering(), "offerings/20");
  EXPECT_EQ(built.item_mappings[0].annual_quantity(), 100);         // the cheaper offering 30
  EXPECT_EQ(built.item_mappings[1].annual_quantity(), 0);           // offering 31
  EXPECT_EQ(built.item_mappings[2].to_offering(), "offerings/21");  // tie: lower id
  EXPECT_FALSE(built.item_mappings[2].sole_source());
  EXPECT_EQ(built.plan.estimated_annual_savings().amount_minor(), (10 - 7) * 100 + (8 - 7) * 10);
  EXPECT_EQ(built.plan.offering_count(), 3);
  EXPECT_EQ(ChooseConsolidatedInto(built.plan, built.item_mappings).at(S(3)), S(2));
  EXPECT_EQ(built.plan.rankings(2).consolidated_into(), S(2));
  EXPECT_EQ(built.plan.rankings(0).consolidated_into(), "");  // a keeper
}

TEST(ConsolidationPlanTest, FingerprintDependsOnVersionsAndContentNotOnTimeOrStorage) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 90, 0), Candidate(2, 10, 0)};
  in.offerings = {Offer(10, 1, "X", 5), Offer(20, 2, "X", 6)};
  const BuiltPlan a = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {},
                                             absl::FromUnixSeconds(0));
  const BuiltPlan later = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 1, {},
                                                 absl::FromUnixSeconds(99));
  EXPECT_EQ(a.plan.fingerprint(), later.plan.fingerprint());
  v1::ConsolidationPlan stored = a.plan;  // what the store adds does not count
  stored.set_name("consolidationPlans/4");
  stored.mutable_expire_time()->set_seconds(604800);
  stored.set_consolidation("consolidations/2");
  EXPECT_EQ(ConsolidationPlanFingerprint(stored, a.supplier_versions, a.offering_versions),
            a.plan.fingerprint());
  EXPECT_EQ(ConsolidationPlanFingerprint(a.plan, a.supplier_versions, a.offering_versions),
            a.plan.fingerprint());
  auto versions = a.supplier_versions;
  versions[0].second = 2;
  EXPECT_NE(ConsolidationPlanFingerprint(a.plan, versions, a.offering_versions),
            a.plan.fingerprint());
  EXPECT_NE(ConsolidationPlanFingerprint(a.plan, a.supplier_versions, {}), a.plan.fingerprint());
  v1::ConsolidationPlan altered = a.plan;
  altered.set_target_count(2);
  EXPECT_NE(ConsolidationPlanFingerprint(altered, a.supplier_versions, a.offering_versions),
            a.plan.fingerprint());
}

TEST(ConsolidationPlanTest, RetiringSupplierWithoutItemsGoesToTheBestKeeper) {
  PlanInputs in;
  in.suppliers = {Candidate(1, 90, 0), Candidate(2, 80, 0), Candidate(3, 10, 0)};
  const BuiltPlan built = BuildConsolidationPlan(in, v1::SUPPLIER_CATEGORY_COMPONENT, 2, {},
                                                 absl::FromUnixSeconds(0));
  EXPECT_THAT(built.plan.retiring_suppliers(), ElementsAre(S(3)));
  EXPECT_EQ(ChooseConsolidatedInto(built.plan, built.item_mappings).at(S(3)), S(1));
  EXPECT_EQ(built.plan.rankings(2).consolidated_into(), S(1));
  EXPECT_FALSE(built.plan.has_estimated_annual_savings());
}

}  // namespace
}  // namespace crm::supplier
