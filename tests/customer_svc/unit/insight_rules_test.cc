// The pure insight rules: quintile scores, the RFM segment table, the health
// formula, association-rule math and the sales plan, on hand-checked inputs.
#include "customer_svc/domain/insight_rules.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);  // 2023-11-14T22:13:20Z

TEST(QuintileScoreTest, SixCustomersSpreadOverFiveScores) {
  std::vector<int> scores;
  for (int rank = 1; rank <= 6; ++rank) scores.push_back(QuintileScore(rank, 6));
  EXPECT_THAT(scores, ElementsAre(1, 1, 2, 3, 4, 5));
}

TEST(QuintileScoreTest, FiveCustomersGetOneScoreEachAndTiesShareTheLowerRank) {
  for (int rank = 1; rank <= 5; ++rank) EXPECT_EQ(QuintileScore(rank, 5), rank);
  EXPECT_EQ(QuintileScore(1, 1), 1);
  // Two customers tied at rank 1 of 3 both score 1; the third (rank 3) scores 4.
  EXPECT_EQ(QuintileScore(1, 3), 1);
  EXPECT_EQ(QuintileScore(3, 3), 4);
  EXPECT_EQ(QuintileScore(0, 3), 0);
  EXPECT_EQ(QuintileScore(1, 0), 0);
}

TEST(SegmentTableTest, NamedCellsFallInTheDocumentedSegments) {
  EXPECT_EQ(SegmentFor(5, 5, 5), v1::RFM_SEGMENT_CHAMPIONS);
  EXPECT_EQ(SegmentFor(4, 4, 4), v1::RFM_SEGMENT_CHAMPIONS);
  EXPECT_EQ(SegmentFor(4, 4, 3), v1::RFM_SEGMENT_LOYAL);  // M too low for Champions
  EXPECT_EQ(SegmentFor(3, 5, 5), v1::RFM_SEGMENT_LOYAL);
  EXPECT_EQ(SegmentFor(5, 3, 1), v1::RFM_SEGMENT_LOYAL);
  EXPECT_EQ(SegmentFor(5, 2, 5), v1::RFM_SEGMENT_POTENTIAL_LOYALIST);
  EXPECT_EQ(SegmentFor(5, 1, 5), v1::RFM_SEGMENT_NEW_CUSTOMER);
  EXPECT_EQ(SegmentFor(4, 1, 1), v1::RFM_SEGMENT_PROMISING);
  EXPECT_EQ(SegmentFor(3, 1, 3), v1::RFM_SEGMENT_NEEDS_ATTENTION);
  EXPECT_EQ(SegmentFor(3, 2, 3), v1::RFM_SEGMENT_NEEDS_ATTENTION);
  EXPECT_EQ(SegmentFor(2, 2, 2), v1::RFM_SEGMENT_ABOUT_TO_SLEEP);
  EXPECT_EQ(SegmentFor(2, 1, 5), v1::RFM_SEGMENT_ABOUT_TO_SLEEP);
  EXPECT_EQ(SegmentFor(2, 4, 1), v1::RFM_SEGMENT_AT_RISK);
  EXPECT_EQ(SegmentFor(1, 3, 5), v1::RFM_SEGMENT_AT_RISK);
  EXPECT_EQ(SegmentFor(1, 5, 3), v1::RFM_SEGMENT_AT_RISK);  // M too low for Cannot Lose
  EXPECT_EQ(SegmentFor(1, 4, 4), v1::RFM_SEGMENT_CANNOT_LOSE);
  EXPECT_EQ(SegmentFor(1, 2, 5), v1::RFM_SEGMENT_HIBERNATING);
  EXPECT_EQ(SegmentFor(1, 1, 5), v1::RFM_SEGMENT_LOST);
}

TEST(SegmentTableTest, EveryScoreCombinationHasExactlyTheFirstMatchingSegment) {
  std::set<int> reached;
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      for (int m = 1; m <= 5; ++m) {
        const v1::RfmSegment segment = SegmentFor(r, f, m);
        ASSERT_NE(segment, v1::RFM_SEGMENT_UNSPECIFIED) << r << f << m;
        const SegmentRule* rule = FindSegmentRule(segment);
        ASSERT_NE(rule, nullptr);
        EXPECT_TRUE(r >= rule->r_min && r <= rule->r_max && f >= rule->f_min && f <= rule->f_max &&
                    m >= rule->m_min && m <= rule->m_max)
            << r << f << m;
        reached.insert(segment);
      }
    }
  }
  // Every named segment is reachable: none is shadowed by an earlier row.
  EXPECT_EQ(reached.size(), 11u);
  EXPECT_EQ(SegmentRules().size(), 11u);
}

TEST(SegmentTableTest, ScoresOutsideOneToFiveAreNotScored) {
  EXPECT_EQ(SegmentFor(0, 3, 3), v1::RFM_SEGMENT_UNSPECIFIED);
  EXPECT_EQ(SegmentFor(3, 6, 3), v1::RFM_SEGMENT_UNSPECIFIED);
  EXPECT_EQ(FindSegmentRule(v1::RFM_SEGMENT_UNSPECIFIED), nullptr);
  EXPECT_STREQ(FindSegmentRule(v1::RFM_SEGMENT_CHAMPIONS)->display_name, "Champions");
  EXPECT_STREQ(FindSegmentRule(v1::RFM_SEGMENT_CHAMPIONS)->rule, "R 4-5, F 4-5, M 4-5");
}

TEST(ChurnRiskTest, BandsFollowTheProto) {
  EXPECT_EQ(ChurnRiskFor(100), v1::CHURN_RISK_LOW);
  EXPECT_EQ(ChurnRiskFor(70), v1::CHURN_RISK_LOW);
  EXPECT_EQ(ChurnRiskFor(69), v1::CHURN_RISK_MEDIUM);
  EXPECT_EQ(ChurnRiskFor(40), v1::CHURN_RISK_MEDIUM);
  EXPECT_EQ(ChurnRiskFor(39), v1::CHURN_RISK_HIGH);
  EXPECT_EQ(ChurnRiskFor(0), v1::CHURN_RISK_HIGH);
}

TEST(HealthScoreTest, HandCheckedCustomerAddsEveryDriver) {
  HealthInputs in;
  in.last_purchase_time = kNow - absl::Hours(24 * 10);  // +20
  in.purchases_last_90_days = 3;                        // trend +10
  in.purchases_previous_90_days = 1;
  in.open_cases = 1;            // -5
  in.sla_breaches = 1;          // -10
  in.latest_nps_score = 10;     // +10
  in.interactions_90_days = 2;  // +2 -5 = -3
  in.positive_interactions_90_days = 1;
  in.negative_interactions_90_days = 1;
  const v1::HealthScore health = ComputeHealthScore(in, kNow);
  EXPECT_EQ(health.score(), 50 + 20 + 10 - 5 - 10 + 10 - 3);
  EXPECT_EQ(health.churn_risk(), v1::CHURN_RISK_LOW);
  std::vector<int> factors;
  std::vector<int> impacts;
  for (const v1::HealthDriver& driver : health.drivers()) {
    factors.push_back(driver.factor());
    impacts.push_back(driver.impact());
  }
  EXPECT_THAT(factors,
              ElementsAre(v1::HEALTH_FACTOR_PURCHASE_RECENCY, v1::HEALTH_FACTOR_PURCHASE_TREND,
                          v1::HEALTH_FACTOR_SLA_BREACHES, v1::HEALTH_FACTOR_NPS,
                          v1::HEALTH_FACTOR_OPEN_SERVICE_CASES, v1::HEALTH_FACTOR_ENGAGEMENT));
  EXPECT_THAT(impacts, ElementsAre(20, 10, -10, 10, -5, -3));
  EXPECT_EQ(health.drivers(0).explanation(), "last purchase 10 days ago");
  EXPECT_EQ(health.drivers(1).explanation(),
            "3 purchases in the last 90 days against 1 in the 90 days before");
  EXPECT_EQ(health.drivers(3).explanation(), "latest NPS response 10 (promoter)");
  EXPECT_EQ(health.compute_time().seconds(), 1700000000);
}

TEST(HealthScoreTest, CustomerWithoutDataIsHighRisk) {
  const v1::HealthScore health = ComputeHealthScore(HealthInputs(), kNow);
  EXPECT_EQ(health.score(), 50 - 20 - 10);
  EXPECT_EQ(health.churn_risk(), v1::CHURN_RISK_HIGH);
  ASSERT_EQ(health.drivers_size(), 2);
  EXPECT_EQ(health.drivers(0).factor(), v1::HEALTH_FACTOR_PURCHASE_RECENCY);
  EXPECT_EQ(health.drivers(0).explanation(), "no purchases yet");
  EXPECT_EQ(health.drivers(1).explanation(), "no interactions in the last 90 days");
}

TEST(HealthScoreTest, CapsAndClampKeepTheScoreWithinZeroToHundred) {
  HealthInputs bad;
  bad.last_purchase_time = kNow - absl::Hours(24 * 400);  // -25
  bad.purchases_previous_90_days = 0;
  bad.open_cases = 9;        // capped at -15
  bad.sla_breaches = 9;      // capped at -20
  bad.latest_nps_score = 3;  // -15
  bad.csat_count_180_days = 2;
  bad.csat_average_180_days = 1.5;  // -10
  bad.interactions_90_days = 9;
  bad.negative_interactions_90_days = 9;  // capped at -15
  const v1::HealthScore low = ComputeHealthScore(bad, kNow);
  EXPECT_EQ(low.score(), 0);
  for (const v1::HealthDriver& driver : low.drivers()) {
    if (driver.factor() == v1::HEALTH_FACTOR_OPEN_SERVICE_CASES) EXPECT_EQ(driver.impact(), -15);
    if (driver.factor() == v1::HEALTH_FACTOR_SLA_BREACHES) EXPECT_EQ(driver.impact(), -20);
    if (driver.factor() == v1::HEALTH_FACTOR_ENGAGEMENT) EXPECT_EQ(driver.impact(), -15);
  }
  HealthInputs good;
  good.last_purchase_time = kNow - absl::Hours(1);
  good.purchases_last_90_days = 5;
  good.latest_nps_score = 9;
  good.csat_count_180_days = 1;
  good.csat_average_180_days = 5;
  good.interactions_90_days = 10;
  good.positive_interactions_90_days = 10;  // capped at +10
  good.loyalty_transactions_180_days = 2;
  const v1::HealthScore high = ComputeHealthScore(good, kNow);
  EXPECT_EQ(high.score(), 100);  // 50 + 20 + 10 + 10 + 5 + 10 + 5 = 110, clamped
  EXPECT_EQ(high.churn_risk(), v1::CHURN_RISK_LOW);
}

// Baskets: c1 {A, B}, c2 {A, B, C}, c3 {A, C}, c4 {B}, c5 {C}: 5 baskets,
// A in 3, B in 3, C in 3; A∧B in 2, A∧C in 2, B∧C in 1.
TEST(AssociationRuleTest, MetricsOfATinyHandCheckedSet) {
  const RuleMetrics a_to_b = ComputeRuleMetrics(2, 3, 3, 5);
  EXPECT_DOUBLE_EQ(a_to_b.support, 0.4);
  EXPECT_DOUBLE_EQ(a_to_b.confidence, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a_to_b.lift, (2.0 / 3.0) / (3.0 / 5.0));  // 10/9
  const RuleMetrics b_to_c = ComputeRuleMetrics(1, 3, 3, 5);
  EXPECT_DOUBLE_EQ(b_to_c.support, 0.2);
  EXPECT_DOUBLE_EQ(b_to_c.confidence, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(b_to_c.lift, 5.0 / 9.0);
  const RuleMetrics empty = ComputeRuleMetrics(0, 0, 3, 5);
  EXPECT_EQ(empty.confidence, 0);
  EXPECT_EQ(empty.lift, 0);
}

TEST(AssociationRuleTest, RecommendsForABuyerOfBRankedByConfidenceTimesLift) {
  const std::vector<CoPurchase> candidates = {{"B", "A", 2, 3, 3}, {"B", "C", 1, 3, 3}};
  std::vector<v1::ProductRecommendation> recs = RecommendFromRules(candidates, 5, {"B"}, 0.1, 10);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].sku(), "A");
  EXPECT_DOUBLE_EQ(recs[0].confidence(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(recs[0].lift(), 10.0 / 9.0);
  EXPECT_DOUBLE_EQ(recs[0].support(), 0.4);
  EXPECT_DOUBLE_EQ(recs[0].score(), (2.0 / 3.0) * (10.0 / 9.0));
  EXPECT_THAT(recs[0].antecedent_skus(), ElementsAre("B"));
  EXPECT_EQ(recs[0].explanation(),
            "67% of customers who bought B also bought A (2 of 3; lift 1.11, support 40%)");
  EXPECT_EQ(recs[1].sku(), "C");
  // A higher min_confidence drops the weak rule; max_results caps the list.
  EXPECT_EQ(RecommendFromRules(candidates, 5, {"B"}, 0.5, 10).size(), 1u);
  EXPECT_EQ(RecommendFromRules(candidates, 5, {"B"}, 0.1, 1).size(), 1u);
}

TEST(AssociationRuleTest, NeverRecommendsOwnedSkusAndMergesAntecedents) {
  // A buyer of A and B: C is reached from A (2 of 3) and from B (1 of 3).
  const std::vector<CoPurchase> candidates = {
      {"A", "C", 2, 3, 3}, {"B", "C", 1, 3, 3}, {"A", "B", 2, 3, 3}};
  std::vector<v1::ProductRecommendation> recs =
      RecommendFromRules(candidates, 5, {"A", "B"}, 0.1, 10);
  ASSERT_EQ(recs.size(), 1u);  // B is owned: never recommended
  EXPECT_EQ(recs[0].sku(), "C");
  EXPECT_DOUBLE_EQ(recs[0].confidence(), 2.0 / 3.0);  // the best rule A → C
  EXPECT_THAT(recs[0].antecedent_skus(), ElementsAre("A", "B"));
}

TEST(SalesPlanTest, ChurnedCustomerWithCasesGetsOrderedOwnedActionsWithDueDates) {
  SalesPlanInputs in;
  in.customer = "customers/7";
  in.account_manager = "employees/3";
  in.stage = v1::LIFECYCLE_STAGE_CHURNED;
  in.health.set_score(25);
  in.facts.open_cases = 2;
  in.facts.sla_breaches = 1;
  v1::ProductRecommendation rec;
  rec.set_sku("B-200");
  rec.set_explanation("67% of customers who bought A-100 also bought B-200");
  in.recommendations = {rec};
  const v1::SalesPlan plan = BuildSalesPlan(in, kNow, 10);
  EXPECT_EQ(plan.customer(), "customers/7");
  EXPECT_EQ(plan.account_manager(), "employees/3");
  std::vector<int> kinds;
  for (const v1::NextBestAction& action : plan.actions()) {
    kinds.push_back(action.kind());
    EXPECT_EQ(action.owner(), "employees/3");
    EXPECT_EQ(action.priority(), static_cast<int>(kinds.size()));
  }
  EXPECT_THAT(kinds, ElementsAre(v1::NEXT_BEST_ACTION_KIND_WIN_BACK_OFFER,
                                 v1::NEXT_BEST_ACTION_KIND_RETENTION_CALL,
                                 v1::NEXT_BEST_ACTION_KIND_SERVICE_FOLLOW_UP,
                                 v1::NEXT_BEST_ACTION_KIND_OFFER_PRODUCT,
                                 v1::NEXT_BEST_ACTION_KIND_REQUEST_FEEDBACK));
  // 2023-11-14 + 7 days, + 2 days, + 1 day (a breach), + 14 days.
  EXPECT_EQ(plan.actions(0).due_date().day(), 21);
  EXPECT_EQ(plan.actions(1).due_date().day(), 16);
  EXPECT_EQ(plan.actions(2).due_date().day(), 15);
  EXPECT_EQ(plan.actions(3).due_date().day(), 28);
  EXPECT_EQ(plan.actions(3).due_date().month(), 11);
  EXPECT_EQ(plan.actions(3).sku(), "B-200");
  EXPECT_EQ(plan.actions(3).rationale(), rec.explanation());
  EXPECT_EQ(plan.actions(4).due_date().month(), 12);
  EXPECT_EQ(BuildSalesPlan(in, kNow, 2).actions_size(), 2);
}

TEST(SalesPlanTest, HealthyPromoterIsAskedForAReferralOnly) {
  SalesPlanInputs in;
  in.customer = "customers/8";
  in.account_manager = "employees/4";
  in.stage = v1::LIFECYCLE_STAGE_ACTIVE;
  in.health.set_score(85);
  in.facts.latest_nps_score = 10;
  in.last_feedback_time = kNow - absl::Hours(24 * 10);
  const v1::SalesPlan plan = BuildSalesPlan(in, kNow, 10);
  ASSERT_EQ(plan.actions_size(), 1);
  EXPECT_EQ(plan.actions(0).kind(), v1::NEXT_BEST_ACTION_KIND_ASK_FOR_REFERRAL);
  EXPECT_THAT(plan.actions(0).rationale(), HasSubstr("promoter"));
}

}  // namespace
}  // namespace crm::customer
