#ifndef CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/insight.pb.h"

namespace crm::customer {

// ---------------------------------------------------------------------------
// RFM scores
//
// Scored customers are the live customers with at least one counted purchase
// (state OPEN or FULFILLED, not deleted). Each of R, F and M is a quintile
// score 1-5 computed with window functions over all scored customers:
//   score = 1 + floor(5 × (rank − 1) / n)
// where rank is RANK() of the customer's value in ascending order (equal
// values share a rank, hence a score) and n the number of scored customers
// (for M: of scored customers with the same main currency). The values are
//   R: time of the last purchase ever (later = higher),
//   F: purchases in the scoring window (kRfmWindowDays),
//   M: spend in the window in the customer's main currency (the currency of
//      its largest spend in the window, then over all time).

inline constexpr int kRfmWindowDays = 365;

// The quintile score of the value at 1-based `rank` among `n` values.
int QuintileScore(int64_t rank, int64_t n);

// One row of the segment table. A customer is in the first segment, in this
// table's order, whose ranges contain its scores.
struct SegmentRule {
  v1::RfmSegment segment;
  const char* display_name;
  const char* rule;  // as documented in insight.proto
  int r_min, r_max, f_min, f_max, m_min, m_max;
};

// The segment table, in precedence order:
//   Champions          R 4-5, F 4-5, M 4-5
//   Cannot Lose Them   R 1,   F 4-5, M 4-5
//   Loyal              R 3-5, F 3-5
//   At Risk            R 1-2, F 3-5
//   Potential Loyalist R 4-5, F 2-3
//   New Customer       R 5,   F 1
//   Promising          R 4,   F 1
//   Needs Attention    R 3,   F 1-2
//   About to Sleep     R 2-3, F 1-2
//   Lost               R 1,   F 1
//   Hibernating        R 1-2, F 1-2
// Every (R, F, M) in 1-5 falls in exactly one segment.
absl::Span<const SegmentRule> SegmentRules();

// The segment of scores 1-5 (UNSPECIFIED when any score is outside 1-5).
v1::RfmSegment SegmentFor(int recency, int frequency, int monetary);

// The table row of `segment` (nullptr for UNSPECIFIED).
const SegmentRule* FindSegmentRule(v1::RfmSegment segment);

// ---------------------------------------------------------------------------
// Health score

// What a customer's health score is computed from (all read from stored data).
struct HealthInputs {
  std::optional<absl::Time> last_purchase_time;
  int64_t purchases_last_90_days = 0;
  int64_t purchases_previous_90_days = 0;  // days 91-180 before now
  int64_t open_cases = 0;                  // OPEN or PENDING
  int64_t sla_breaches = 0;                // open past SLA, or resolved late, in 365 days
  std::optional<int> latest_nps_score;     // 0-10
  int64_t csat_count_180_days = 0;
  double csat_average_180_days = 0;  // 1-5
  int64_t interactions_90_days = 0;
  int64_t positive_interactions_90_days = 0;
  int64_t negative_interactions_90_days = 0;
  int64_t loyalty_transactions_180_days = 0;
};

inline constexpr int kHealthBase = 50;

// The health formula: kHealthBase plus each driver's impact, clamped to 0-100.
//   PURCHASE_RECENCY   none −20; ≤30 days +20; ≤90 +10; ≤180 −5; ≤365 −15; older −25
//   PURCHASE_TREND     (when either period has purchases) last 90 days more than
//                      the 90 before +10, fewer −10, same 0
//   OPEN_SERVICE_CASES (when any) −5 each, at most −15
//   SLA_BREACHES       (when any) −10 each, at most −20
//   NPS                (latest response) promoter 9-10 +10, passive 7-8 0, detractor 0-6 −15
//   CSAT               (responses in 180 days) average ≥ 4 +5, < 3 −10, else 0
//   ENGAGEMENT         no interaction in 90 days −10; else +2 per positive and −5
//                      per negative interaction, clamped to −15..+10
//   LOYALTY            (when any loyalty transaction in 180 days) +5
// Drivers are ordered by absolute impact, largest first (then factor order).
v1::HealthScore ComputeHealthScore(const HealthInputs& inputs, absl::Time now);

// LOW for 70-100, MEDIUM for 40-69, HIGH for 0-39.
v1::ChurnRisk ChurnRiskFor(int score);

// ---------------------------------------------------------------------------
// Association rules. A basket is the set of SKUs one live customer bought
// (counted purchases). For a rule X → Y over `baskets` baskets:
//   support    = baskets with X and Y / baskets
//   confidence = baskets with X and Y / baskets with X
//   lift       = confidence / (baskets with Y / baskets)
struct RuleMetrics {
  double support = 0;
  double confidence = 0;
  double lift = 0;
};

RuleMetrics ComputeRuleMetrics(int64_t both, int64_t antecedent_baskets, int64_t consequent_baskets,
                               int64_t baskets);

// Co-purchase counts of one rule candidate X → Y.
struct CoPurchase {
  std::string antecedent;
  std::string consequent;
  int64_t both = 0;
  int64_t antecedent_baskets = 0;
  int64_t consequent_baskets = 0;
};

// Recommendations from rules X → Y whose X the customer bought: rules below
// `min_confidence` and consequents in `owned_skus` are dropped; per consequent
// the best rule (highest confidence × lift, then confidence, then antecedent)
// gives support, confidence, lift and the explanation, and antecedent_skus
// lists every qualifying antecedent, best first. Ordered by score, then
// confidence, then sku; at most `max_results`.
std::vector<v1::ProductRecommendation> RecommendFromRules(
    const std::vector<CoPurchase>& candidates, int64_t baskets,
    const std::vector<std::string>& owned_skus, double min_confidence, int max_results);

// ---------------------------------------------------------------------------
// Sales plan

struct SalesPlanInputs {
  std::string customer;         // "customers/{id}"
  std::string account_manager;  // "employees/{id}" or ""
  v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED;
  v1::HealthScore health;
  HealthInputs facts;
  std::vector<v1::ProductRecommendation> recommendations;  // best first
  std::optional<absl::Time> last_feedback_time;
};

// Next best actions, most important first, all owned by the account manager:
//   WIN_BACK_OFFER      CHURNED                                      due in 7 days
//   RETENTION_CALL      AT_RISK, or health score below 40            due in 2 days
//   SERVICE_FOLLOW_UP   SLA breaches (due tomorrow) or open cases    due in 3 days
//   OFFER_PRODUCT       each of the top 3 recommendations            due in 14 days
//   ASK_FOR_REFERRAL    latest NPS a promoter and not CHURNED/AT_RISK due in 30 days
//   REQUEST_FEEDBACK    no NPS/CSAT response in 180 days            due in 30 days
// Priorities are 1..n in that order; at most `max_actions`.
v1::SalesPlan BuildSalesPlan(const SalesPlanInputs& inputs, absl::Time now, int max_actions);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_RULES_H_
