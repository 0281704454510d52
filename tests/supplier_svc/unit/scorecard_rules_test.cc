// Scorecard rules without a database: weights validation, the dimension
// scores, the weighted overall score and the recommendation thresholds.
#include "supplier_svc/domain/scorecard_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::supplier {
namespace {

using ::testing::HasSubstr;

ScorecardFigures Figures() {
  ScorecardFigures f;
  f.supplier_id = 7;
  f.display_name = "Acme";
  f.accepted_quantity = 90;
  f.defective_quantity = 10;
  f.price_index = 0.8;
  f.delivered_order_count = 4;
  f.on_time_order_count = 3;
  f.rated_order_count = 2;
  f.rating_sum = 8;  // average 4
  f.spend_currency = "EUR";
  f.spend_minor = 2500;
  f.category_spend_minor = 10000;
  return f;
}

TEST(ScorecardWeightsTest, DefaultsAreValidAndSumTo100) {
  const v1::ScorecardWeights w = DefaultScorecardWeights();
  EXPECT_TRUE(ValidateScorecardWeights(w).ok());
  EXPECT_EQ(w.quality_weight_percent() + w.cost_weight_percent() + w.delivery_weight_percent() +
                w.service_weight_percent(),
            100);
  EXPECT_EQ(w.name(), "scorecardWeights");
}

TEST(ScorecardWeightsTest, WeightsNotSummingTo100AreRejected) {
  v1::ScorecardWeights w = DefaultScorecardWeights();
  w.set_cost_weight_percent(26);
  const absl::Status status = ValidateScorecardWeights(w);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("must sum to 100, not 101"));
}

TEST(ScorecardWeightsTest, OutOfRangeWeightNamesTheField) {
  v1::ScorecardWeights w = DefaultScorecardWeights();
  w.set_service_weight_percent(-5);
  w.set_quality_weight_percent(50);
  const absl::Status status = ValidateScorecardWeights(w);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("scorecard_weights.service_weight_percent"));
}

TEST(ScorecardWeightsTest, ThresholdsMustDescend) {
  v1::ScorecardWeights w = DefaultScorecardWeights();
  w.set_maintain_min_score(80);
  absl::Status status = ValidateScorecardWeights(w);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("scorecard_weights.maintain_min_score"));
  w = DefaultScorecardWeights();
  w.set_probation_min_score(61);
  status = ValidateScorecardWeights(w);
  EXPECT_THAT(std::string(status.message()), HasSubstr("scorecard_weights.probation_min_score"));
  w = DefaultScorecardWeights();
  w.set_expand_min_score(101);
  status = ValidateScorecardWeights(w);
  EXPECT_THAT(std::string(status.message()), HasSubstr("scorecard_weights.expand_min_score"));
}

TEST(ScorecardFormulaTest, CostScoreIsFiftyAtParAndClamped) {
  EXPECT_EQ(CostScore(1.0), 50);
  EXPECT_EQ(CostScore(0.8), 70);
  EXPECT_EQ(CostScore(1.25), 25);
  EXPECT_EQ(CostScore(0.4), 100);
  EXPECT_EQ(CostScore(1.6), 0);
}

TEST(ScorecardFormulaTest, DimensionScoresFromFigures) {
  const DimensionScores s = ScoreDimensions(Figures());
  EXPECT_EQ(s.quality, 90);   // 90 / (90 + 10)
  EXPECT_EQ(s.cost, 70);      // index 0.8
  EXPECT_EQ(s.delivery, 75);  // 3 of 4 on time
  EXPECT_EQ(s.service, 75);   // average rating 4 of 1-5
}

TEST(ScorecardFormulaTest, DimensionsWithoutDataAreEmpty) {
  const DimensionScores s = ScoreDimensions(ScorecardFigures{});
  EXPECT_FALSE(s.quality.has_value());
  EXPECT_FALSE(s.cost.has_value());
  EXPECT_FALSE(s.delivery.has_value());
  EXPECT_FALSE(s.service.has_value());
}

TEST(ScorecardFormulaTest, OverallIsTheWeightedAverage) {
  // (90*30 + 70*25 + 75*30 + 75*15) / 100 = 78.25
  EXPECT_EQ(OverallScore(ScoreDimensions(Figures()), DefaultScorecardWeights()), 78);
  v1::ScorecardWeights quality_only = DefaultScorecardWeights();
  quality_only.set_quality_weight_percent(100);
  quality_only.set_cost_weight_percent(0);
  quality_only.set_delivery_weight_percent(0);
  quality_only.set_service_weight_percent(0);
  EXPECT_EQ(OverallScore(ScoreDimensions(Figures()), quality_only), 90);
}

TEST(ScorecardFormulaTest, MissingDimensionsAreLeftOutAndWeightsRescaled) {
  DimensionScores s;
  s.quality = 90;
  s.delivery = 50;
  // (90*30 + 50*30) / 60
  EXPECT_EQ(OverallScore(s, DefaultScorecardWeights()), 70);
  EXPECT_FALSE(OverallScore(DimensionScores{}, DefaultScorecardWeights()).has_value());
}

TEST(ScorecardFormulaTest, RecommendationThresholds) {
  const v1::ScorecardWeights w = DefaultScorecardWeights();
  EXPECT_EQ(Recommend(100, w), v1::SUPPLIER_RECOMMENDATION_EXPAND);
  EXPECT_EQ(Recommend(80, w), v1::SUPPLIER_RECOMMENDATION_EXPAND);
  EXPECT_EQ(Recommend(79, w), v1::SUPPLIER_RECOMMENDATION_MAINTAIN);
  EXPECT_EQ(Recommend(60, w), v1::SUPPLIER_RECOMMENDATION_MAINTAIN);
  EXPECT_EQ(Recommend(59, w), v1::SUPPLIER_RECOMMENDATION_PROBATION);
  EXPECT_EQ(Recommend(40, w), v1::SUPPLIER_RECOMMENDATION_PROBATION);
  EXPECT_EQ(Recommend(39, w), v1::SUPPLIER_RECOMMENDATION_REPLACE);
  EXPECT_EQ(Recommend(0, w), v1::SUPPLIER_RECOMMENDATION_REPLACE);
  EXPECT_EQ(Recommend(std::nullopt, w), v1::SUPPLIER_RECOMMENDATION_UNSPECIFIED);
}

TEST(ScorecardFormulaTest, ThresholdsComeFromTheWeights) {
  v1::ScorecardWeights w = DefaultScorecardWeights();
  w.set_expand_min_score(95);
  w.set_maintain_min_score(85);
  w.set_probation_min_score(70);
  EXPECT_EQ(Recommend(90, w), v1::SUPPLIER_RECOMMENDATION_MAINTAIN);
  EXPECT_EQ(Recommend(69, w), v1::SUPPLIER_RECOMMENDATION_REPLACE);
}

TEST(ScorecardFormulaTest, BuildScorecardFillsEveryFigure) {
  ScorecardFigures f = Figures();
  f.relationship_start_date = common::CalendarDate{2024, 1, 1};
  const v1::Scorecard card =
      BuildScorecard(f, DefaultScorecardWeights(), {2024, 1, 1}, {2024, 12, 31},
                     absl::FromUnixSeconds(1735603200));
  EXPECT_EQ(card.supplier(), "suppliers/7");
  EXPECT_EQ(card.quality_score(), 90);
  EXPECT_EQ(card.on_time_rate_basis_points(), 7500);
  EXPECT_EQ(card.spend().amount_minor(), 2500);
  EXPECT_EQ(card.spend().currency_code(), "EUR");
  EXPECT_EQ(card.spend_share_basis_points(), 2500);
  EXPECT_EQ(card.relationship_days(), 365);  // 2024 is a leap year
  EXPECT_EQ(card.overall_score(), 78);
  EXPECT_EQ(card.recommendation(), v1::SUPPLIER_RECOMMENDATION_MAINTAIN);
  EXPECT_EQ(card.period_end_date().year(), 2024);
}

TEST(ScorecardPeriodTest, DefaultsToTwelveMonthsEndingToday) {
  absl::StatusOr<ScorecardPeriod> p = ResolveScorecardPeriod(nullptr, nullptr, {2024, 2, 29});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->end, (common::CalendarDate{2024, 2, 29}));
  EXPECT_EQ(p->start, (common::CalendarDate{2023, 2, 28}));
}

TEST(ScorecardPeriodTest, StartAfterEndIsRejected) {
  crm::common::v1::Date start;
  start.set_year(2025);
  start.set_month(1);
  start.set_day(2);
  crm::common::v1::Date end;
  end.set_year(2025);
  end.set_month(1);
  end.set_day(1);
  absl::StatusOr<ScorecardPeriod> p = ResolveScorecardPeriod(&start, &end, {2025, 6, 1});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("period_start_date"));
  end.set_month(13);
  p = ResolveScorecardPeriod(nullptr, &end, {2025, 6, 1});
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("period_end_date"));
}

}  // namespace
}  // namespace crm::supplier
