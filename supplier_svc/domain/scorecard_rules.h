#ifndef CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "crm/supplier/v1/scorecard.pb.h"
#include "crm/supplier/v1/supplier.pb.h"

namespace crm::supplier {

// The one place the scorecard formula and its constants live.
//
// Dimension scores, each 0-100 and rounded to the nearest integer:
// - quality  = 100 * accepted / (accepted + defective) units of the period's deliveries;
// - cost     = kCostParScore + kCostPointsPerIndexUnit * (1 - price_index), clamped to 0-100:
//              at par (1.0) 50, 20 % cheaper than peers 70, 50 % cheaper or more 100,
//              50 % dearer or more 0;
// - delivery = on-time delivered orders / delivered orders * 100;
// - service  = (average rating - 1) / 4 * 100 over rated deliveries (ratings 1-5).
// A dimension without data (nothing inspected, no item with peers, nothing
// delivered, nothing rated) is left out and the weights of the others are
// rescaled to 100. overall = sum(weight * score) / sum(weights of dimensions
// with data). Without any data the overall score is 0 and the recommendation
// UNSPECIFIED; otherwise overall >= expand_min_score → EXPAND, >= maintain_min_score →
// MAINTAIN, >= probation_min_score → PROBATION, else REPLACE.
inline constexpr double kCostParScore = 50;
inline constexpr double kCostPointsPerIndexUnit = 100;

// Default weights and thresholds (seeded by migration V004).
inline constexpr int kDefaultQualityWeightPercent = 30;
inline constexpr int kDefaultCostWeightPercent = 25;
inline constexpr int kDefaultDeliveryWeightPercent = 30;
inline constexpr int kDefaultServiceWeightPercent = 15;
inline constexpr int kDefaultExpandMinScore = 80;
inline constexpr int kDefaultMaintainMinScore = 60;
inline constexpr int kDefaultProbationMinScore = 40;

// The resource name of the ScorecardWeights singleton.
inline constexpr char kScorecardWeightsName[] = "scorecardWeights";

// What the repository measures for one supplier over a period; the rules
// turn it into a Scorecard.
struct ScorecardFigures {
  int64_t supplier_id = 0;
  std::string display_name;
  v1::SupplierStatus status = v1::SUPPLIER_STATUS_UNSPECIFIED;
  std::optional<common::CalendarDate> relationship_start_date;
  int64_t accepted_quantity = 0;   // delivered orders of the period
  int64_t defective_quantity = 0;
  int64_t delivered_order_count = 0;
  int64_t on_time_order_count = 0;
  int64_t rated_order_count = 0;   // service_rating 1-5
  int64_t rating_sum = 0;
  double price_index = 0;          // 0: no item with peers
  // Units ordered per (item, currency) in non-cancelled orders of the period.
  std::map<std::pair<std::string, std::string>, int64_t> item_quantities;
  // Spend of non-cancelled orders created in the period, in the currency the
  // supplier spent most in, and the total of its categories in that currency.
  std::string spend_currency;
  int64_t spend_minor = 0;
  int64_t category_spend_minor = 0;
};

// The dimension scores (nullopt: no data).
struct DimensionScores {
  std::optional<int> quality;
  std::optional<int> cost;
  std::optional<int> delivery;
  std::optional<int> service;
};

// The default weights, as seeded.
v1::ScorecardWeights DefaultScorecardWeights();

// INVALID_ARGUMENT naming the field ("scorecard_weights.cost_weight_percent")
// unless every weight is 0-100 and the four sum to 100, and the thresholds are
// 0-100 with expand_min_score > maintain_min_score > probation_min_score.
absl::Status ValidateScorecardWeights(const v1::ScorecardWeights& weights);

// The ScorecardWeights paths UpdateScorecardWeights may change.
const absl::flat_hash_set<std::string>& ScorecardWeightsUpdatablePaths();

int CostScore(double price_index);
DimensionScores ScoreDimensions(const ScorecardFigures& figures);
// Weighted overall score; nullopt when no weighted dimension has data.
std::optional<int> OverallScore(const DimensionScores& scores, const v1::ScorecardWeights& weights);
v1::SupplierRecommendation Recommend(std::optional<int> overall,
                                     const v1::ScorecardWeights& weights);

// The whole scorecard. relationship_days counts to `period_end`.
v1::Scorecard BuildScorecard(const ScorecardFigures& figures, const v1::ScorecardWeights& weights,
                             const common::CalendarDate& period_start,
                             const common::CalendarDate& period_end, absl::Time compute_time);

// The scored period of a request: end defaults to `today`, start to 12 months
// before the end (Feb 29 → Feb 28). INVALID_ARGUMENT naming the field for an
// invalid date or a start after the end.
struct ScorecardPeriod {
  common::CalendarDate start;
  common::CalendarDate end;
};
absl::StatusOr<ScorecardPeriod> ResolveScorecardPeriod(const crm::common::v1::Date* start,
                                                       const crm::common::v1::Date* end,
                                                       const common::CalendarDate& today);

// The day 12 months before `date` (Feb 29 → Feb 28).
common::CalendarDate TwelveMonthsBefore(const common::CalendarDate& date);

// Days from `from` to `to` (negative when `to` is earlier).
int64_t DaysBetween(const common::CalendarDate& from, const common::CalendarDate& to);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_RULES_H_
