#include "supplier_svc/domain/scorecard_rules.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/api/validator.h"
#include "crm/common/v1/date.pb.h"

namespace crm::supplier {
namespace {

int RoundPercent(double value) {
  return static_cast<int>(std::clamp<double>(std::lround(value), 0, 100));
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(const common::CalendarDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

v1::ScorecardWeights DefaultScorecardWeights() {
  v1::ScorecardWeights weights;
  weights.set_name(kScorecardWeightsName);
  weights.set_quality_weight_percent(kDefaultQualityWeightPercent);
  weights.set_cost_weight_percent(kDefaultCostWeightPercent);
  weights.set_delivery_weight_percent(kDefaultDeliveryWeightPercent);
  weights.set_service_weight_percent(kDefaultServiceWeightPercent);
  weights.set_expand_min_score(kDefaultExpandMinScore);
  weights.set_maintain_min_score(kDefaultMaintainMinScore);
  weights.set_probation_min_score(kDefaultProbationMinScore);
  return weights;
}

absl::Status ValidateScorecardWeights(const v1::ScorecardWeights& weights) {
  common::Validator v;
  v.Check(common::ValidateRange("scorecard_weights.quality_weight_percent",
                                weights.quality_weight_percent(), 0, 100));
  v.Check(common::ValidateRange("scorecard_weights.cost_weight_percent",
                                weights.cost_weight_percent(), 0, 100));
  v.Check(common::ValidateRange("scorecard_weights.delivery_weight_percent",
                                weights.delivery_weight_percent(), 0, 100));
  v.Check(common::ValidateRange("scorecard_weights.service_weight_percent",
                                weights.service_weight_percent(), 0, 100));
  v.Check(common::ValidateRange("scorecard_weights.expand_min_score", weights.expand_min_score(),
                                0, 100));
  v.Check(common::ValidateRange("scorecard_weights.maintain_min_score",
                                weights.maintain_min_score(), 0, 100));
  v.Check(common::ValidateRange("scorecard_weights.probation_min_score",
                                weights.probation_min_score(), 0, 100));
  if (!v.ok()) return v.status();
  const int sum = weights.quality_weight_percent() + weights.cost_weight_percent() +
                  weights.delivery_weight_percent() + weights.service_weight_percent();
  if (sum != 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "scorecard_weights: quality_weight_percent + cost_weight_percent + "
        "delivery_weight_percent + service_weight_percent must sum to 100, not %d",
        sum));
  }
  if (weights.maintain_min_score() >= weights.expand_min_score()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "scorecard_weights.maintain_min_score: %d must be below expand_min_score %d",
        weights.maintain_min_score(), weights.expand_min_score()));
  }
  if (weights.probation_min_score() >= weights.maintain_min_score()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "scorecard_weights.probation_min_score: %d must be below maintain_min_score %d",
        weights.probation_min_score(), weights.maintain_min_score()));
  }
  return absl::OkStatus();
}

const absl::flat_hash_set<std::string>& ScorecardWeightsUpdatablePaths() {
  static const auto* const kPaths = new absl::flat_hash_set<std::string>{
      "quality_weight_percent", "cost_weight_percent", "delivery_weight_percent",
      "service_weight_percent", "expand_min_score",    "maintain_min_score",
      "probation_min_score"};
  return *kPaths;
}

int CostScore(double price_index) {
  return RoundPercent(kCostParScore + kCostPointsPerIndexUnit * (1.0 - price_index));
}

DimensionScores ScoreDimensions(const ScorecardFigures& f) {
  DimensionScores scores;
  if (const int64_t inspected = f.accepted_quantity + f.defective_quantity; inspected > 0) {
    scores.quality = RoundPercent(100.0 * static_cast<double>(f.accepted_quantity) /
                                  static_cast<double>(inspected));
  }
  if (f.price_index > 0) scores.cost = CostScore(f.price_index);
  if (f.delivered_order_count > 0) {
    scores.delivery = RoundPercent(100.0 * static_cast<double>(f.on_time_order_count) /
                                   static_cast<double>(f.delivered_order_count));
  }
  if (f.rated_order_count > 0) {
    const double average =
        static_cast<double>(f.rating_sum) / static_cast<double>(f.rated_order_count);
    scores.service = RoundPercent((average - 1.0) / 4.0 * 100.0);
  }
  return scores;
}

std::optional<int> OverallScore(const DimensionScores& scores,
                                const v1::ScorecardWeights& weights) {
  double weighted = 0;
  int weight_sum = 0;
  for (const auto& [score, weight] : {std::pair{scores.quality, weights.quality_weight_percent()},
                                      std::pair{scores.cost, weights.cost_weight_percent()},
                                      std::pair{scores.delivery, weights.delivery_weight_percent()},
                                      std::pair{scores.service, weights.service_weight_percent()}}) {
    if (!score.has_value() || weight <= 0) continue;
    weighted += static_cast<double>(*score) * weight;
    weight_sum += weight;
  }
  if (weight_sum == 0) return std::nullopt;
  return RoundPercent(weighted / weight_sum);
}

v1::SupplierRecommendation Recommend(std::optional<int> overall,
                                     const v1::ScorecardWeights& weights) {
  if (!overall.has_value()) return v1::SUPPLIER_RECOMMENDATION_UNSPECIFIED;
  if (*overall >= weights.expand_min_score()) return v1::SUPPLIER_RECOMMENDATION_EXPAND;
  if (*overall >= weights.maintain_min_score()) return v1::SUPPLIER_RECOMMENDATION_MAINTAIN;
  if (*overall >= weights.probation_min_score()) return v1::SUPPLIER_RECOMMENDATION_PROBATION;
  return v1::SUPPLIER_RECOMMENDATION_REPLACE;
}

v1::Scorecard BuildScorecard(const ScorecardFigures& f, const v1::ScorecardWeights& weights,
                             const common::CalendarDate& period_start,
                             const common::CalendarDate& period_end, absl::Time compute_time) {
  v1::Scorecard card;
  card.set_supplier(absl::StrFormat("suppliers/%d", f.supplier_id));
  card.set_supplier_display_name(f.display_name);
  common::ToDateMessage(period_start, card.mutable_period_start_date());
  common::ToDateMessage(period_end, card.mutable_period_end_date());
  const DimensionScores scores = ScoreDimensions(f);
  card.set_quality_score(scores.quality.value_or(0));
  card.set_accepted_quantity(f.accepted_quantity);
  card.set_defective_quantity(f.defective_quantity);
  card.set_cost_score(scores.cost.value_or(0));
  card.set_price_index(f.price_index);
  card.set_delivery_score(scores.delivery.value_or(0));
  card.set_delivered_order_count(f.delivered_order_count);
  if (f.delivered_order_count > 0) {
    card.set_on_time_rate_basis_points(static_cast<int32_t>(
        std::lround(10000.0 * static_cast<double>(f.on_time_order_count) /
                    static_cast<double>(f.delivered_order_count))));
  }
  card.set_service_score(scores.service.value_or(0));
  if (!f.spend_currency.empty()) {
    card.mutable_spend()->set_currency_code(f.spend_currency);
    card.mutable_spend()->set_amount_minor(f.spend_minor);
  }
  if (f.category_spend_minor > 0) {
    card.set_spend_share_basis_points(static_cast<int32_t>(
        std::lround(10000.0 * static_cast<double>(f.spend_minor) /
                    static_cast<double>(f.category_spend_minor))));
  }
  if (f.relationship_start_date.has_value()) {
    card.set_relationship_days(static_cast<int32_t>(
        std::max<int64_t>(0, DaysBetween(*f.relationship_start_date, period_end))));
  }
  const std::optional<int> overall = OverallScore(scores, weights);
  card.set_overall_score(overall.value_or(0));
  card.set_recommendation(Recommend(overall, weights));
  *card.mutable_compute_time() = common::ToProtoTimestamp(compute_time);
  return card;
}

common::CalendarDate TwelveMonthsBefore(const common::CalendarDate& date) {
  common::CalendarDate before{date.year - 1, date.month, date.day};
  if (before.month == 2 && before.day == 29 && !IsLeapYear(before.year)) before.day = 28;
  return before;
}

int64_t DaysBetween(const common::CalendarDate& from, const common::CalendarDate& to) {
  return DaysFromCivil(to) - DaysFromCivil(from);
}

absl::StatusOr<ScorecardPeriod> ResolveScorecardPeriod(const crm::common::v1::Date* start,
                                                       const crm::common::v1::Date* end,
                                                       const common::CalendarDate& today) {
  ScorecardPeriod period;
  period.end = today;
  if (end != nullptr) {
    period.end = common::FromDateMessage(*end);
    if (absl::Status s = common::ValidateCalendarDate("period_end_date", period.end); !s.ok()) {
      return s;
    }
  }
  period.start = TwelveMonthsBefore(period.end);
  if (start != nullptr) {
    period.start = common::FromDateMessage(*start);
    if (absl::Status s = common::ValidateCalendarDate("period_start_date", period.start);
        !s.ok()) {
      return s;
    }
  }
  if (period.start > period.end) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "period_start_date: %s is after period_end_date %s", common::FormatIsoDate(period.start),
        common::FormatIsoDate(period.end)));
  }
  return period;
}

}  // namespace crm::supplier
